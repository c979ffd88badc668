// Writes src/render/generated/templates.ts: every templates/*.hbs checked for
// unescaped output and precompiled (run by `npm run build`, before tsc).
// With --check, writes nothing and exits 1 when the file is stale.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { templatesModule } from "../src/render/template-check.js";

const FILE = fileURLToPath(new URL("../src/render/generated/templates.ts", import.meta.url));
const wanted = templatesModule();
let current: string | undefined;
try {
  current = readFileSync(FILE, "utf8");
} catch {
  current = undefined;
}
if (process.argv.includes("--check")) {
  if (current !== wanted) {
    process.stderr.write(`${FILE} is stale; run npm run build\n`);
    process.exit(1);
  }
} else if (current !== wanted) {
  mkdirSync(fileURLToPath(new URL("../src/render/generated/", import.meta.url)), { recursive: true });
  writeFileSync(FILE, wanted);
  process.stderr.write(`wrote ${FILE}\n`);
}
