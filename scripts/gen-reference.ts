// npm run docs: regenerate the configuration reference from `bake explain`'s data,
// the distro matrix (scripts/distro-matrix.ts) and the user-data size table
// (scripts/user-data-sizes.ts), each between its own markers.
// It rewrites only the text between <!-- reference:start --> and
// <!-- reference:end --> in README.md. --check writes nothing and exits 1 when stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { distroMatrixMarkdown, MATRIX_END, MATRIX_START } from "./distro-matrix.js";
import { referenceMarkdown, withReference, withSection } from "./reference.js";
import { SIZES_END, SIZES_START, userDataSizesMarkdown } from "./user-data-sizes.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const readme = `${root}README.md`;

export function referenceTarget(): { file: string; current: string; wanted: string } {
  const text = readFileSync(readme, "utf8");
  const inReadme = withReference(text, referenceMarkdown());
  if (inReadme === undefined) throw new Error(`${readme} has no reference markers`);
  // The distro matrix and the size table ride along when the README has their markers.
  const withMatrix = withSection(inReadme, MATRIX_START, MATRIX_END, distroMatrixMarkdown()) ?? inReadme;
  return { file: readme, current: text, wanted: withSection(withMatrix, SIZES_START, SIZES_END, userDataSizesMarkdown()) ?? withMatrix };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { file, current, wanted } = referenceTarget();
  if (current === wanted) {
    process.stderr.write(`${file} is up to date\n`);
  } else if (process.argv.includes("--check")) {
    process.stderr.write(`${file}: the configuration reference is stale; run npm run docs\n`);
    process.exit(1);
  } else {
    writeFileSync(file, wanted);
    process.stderr.write(`wrote the configuration reference to ${file}\n`);
  }
}
