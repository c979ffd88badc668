// Writes src/spec/generated/validate-input.ts: ajv standalone code for
// schema/bake.schema.json (run by `npm run build`, after gen-schema, before tsc).
// With --check, writes nothing and exits 1 when the file is stale.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { validatorModule } from "../src/spec/validator-gen.js";

const FILE = fileURLToPath(new URL("../src/spec/generated/validate-input.ts", import.meta.url));
const wanted = validatorModule();
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
  mkdirSync(fileURLToPath(new URL("../src/spec/generated/", import.meta.url)), { recursive: true });
  writeFileSync(FILE, wanted);
  process.stderr.write(`wrote ${FILE}\n`);
}
