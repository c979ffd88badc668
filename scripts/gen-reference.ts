// npm run docs: regenerate the sections of docs/ that come from bake itself, each
// between its own markers: the key reference from `bake explain`'s data
// (docs/reference.md), the distro matrix (scripts/distro-matrix.ts, in
// docs/guide.md) and the user-data size table (scripts/user-data-sizes.ts, in
// docs/performance.md). It rewrites only the text between the markers.
// --check writes nothing and exits 1 when a file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { distroMatrixMarkdown, MATRIX_END, MATRIX_START } from "./distro-matrix.js";
import { REFERENCE_END, REFERENCE_START, referenceMarkdown, withSection } from "./reference.js";
import { SIZES_END, SIZES_START, userDataSizesMarkdown } from "./user-data-sizes.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Each generated section: the file that holds it, its markers, and its body. */
const SECTIONS = [
  { file: "docs/reference.md", start: REFERENCE_START, end: REFERENCE_END, body: referenceMarkdown },
  { file: "docs/guide.md", start: MATRIX_START, end: MATRIX_END, body: distroMatrixMarkdown },
  { file: "docs/performance.md", start: SIZES_START, end: SIZES_END, body: userDataSizesMarkdown },
];

/** Each file with generated sections: its text now, and the text it should have. */
export function generatedDocs(): { file: string; current: string; wanted: string }[] {
  return SECTIONS.map(({ file, start, end, body }) => {
    const path = `${root}${file}`;
    const current = readFileSync(path, "utf8");
    const wanted = withSection(current, start, end, body());
    if (wanted === undefined) throw new Error(`${file} has no ${start} ... ${end} markers`);
    return { file: path, current, wanted };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let stale = false;
  for (const { file, current, wanted } of generatedDocs()) {
    if (current === wanted) {
      process.stderr.write(`${file} is up to date\n`);
    } else if (process.argv.includes("--check")) {
      process.stderr.write(`${file}: a generated section is stale; run npm run docs\n`);
      stale = true;
    } else {
      writeFileSync(file, wanted);
      process.stderr.write(`wrote the generated sections of ${file}\n`);
    }
  }
  if (stale) process.exit(1);
}
