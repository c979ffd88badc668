// Shared by the gen-* scripts: write a generated file only when its text
// changed; with --check, write nothing and exit 1 when it is stale.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function writeGenerated(file: string, wanted: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current === wanted) return;
  if (process.argv.includes("--check")) {
    process.stderr.write(`${file} is stale; run npm run build\n`);
    process.exit(1);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, wanted);
  process.stderr.write(`wrote ${file}\n`);
}
