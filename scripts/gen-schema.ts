// Writes schema/bake.schema.json from the spec schema (run by `npm run build`).
// With --check, writes nothing and exits 1 when the file is stale.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { SCHEMA_FILE } from "../src/commands/paths.js";
import { schemaText } from "../src/commands/schema.js";

const wanted = schemaText();
let current: string | undefined;
try {
  current = readFileSync(SCHEMA_FILE, "utf8");
} catch {
  current = undefined;
}
if (process.argv.includes("--check")) {
  if (current !== wanted) {
    process.stderr.write(`${SCHEMA_FILE} is stale; run npm run schema\n`);
    process.exit(1);
  }
} else if (current !== wanted) {
  mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
  writeFileSync(SCHEMA_FILE, wanted);
  process.stderr.write(`wrote ${SCHEMA_FILE}\n`);
}
