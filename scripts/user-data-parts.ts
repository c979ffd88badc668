// Where the bytes of a user-data go: `npx tsx scripts/user-data-parts.ts [file]` prints the
// size of each part of a #cloud-config bake wrote (default: `bake cloud-init` on the defaults).
// Parts: the header, the config files (write_files entries), and the provisioner split into
// its setup, helper functions, steps and verify step. For issue 12's size work.
import { readFileSync } from "node:fs";
import { plan, renderCloudInit, validateSpec } from "../src/index.js";

const file = process.argv[2];
const text = file ? readFileSync(file, "utf8") : renderCloudInit(plan(validateSpec({}).spec));
const bytes = (s: string) => Buffer.byteLength(s) + 1;

const parts = new Map<string, number>();
const add = (part: string, n: number) => parts.set(part, (parts.get(part) ?? 0) + n);
let part = "cloud-config header";
for (const line of text.replace(/\n$/, "").split("\n")) {
  if (line.startsWith("- path: "))
    part = line.includes("/bake-provision") ? "provisioner: setup" : "config files (write_files)";
  else if (part.startsWith("provisioner") && /^\s+bake_[a-z0-9_]+\(\) \{/.test(line))
    part = "provisioner: helper functions";
  else if (part.startsWith("provisioner") && /^\s+echo running > /.test(line)) part = "provisioner: steps";
  else if (part.startsWith("provisioner") && /^\s+bake_step \S+ verify /.test(line)) part = "provisioner: verify step";
  else if (/^[a-z_]+:/.test(line) && !line.startsWith("write_files:")) part = "runcmd and the rest";
  add(part, bytes(line));
}
const width = Math.max(...[...parts.keys()].map((k) => k.length));
for (const [name, n] of parts) console.log(`${name.padEnd(width)}  ${String(n).padStart(6)}`);
console.log(`${"total".padEnd(width)}  ${String(Buffer.byteLength(text)).padStart(6)}`);
