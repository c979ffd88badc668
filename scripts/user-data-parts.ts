// Where the bytes of a user-data go: `npx tsx scripts/user-data-parts.ts [--functions] [file]`
// prints the size of each part of a #cloud-config bake wrote (default: `bake cloud-init` on the
// defaults). Parts: the header, the config files (write_files entries), and the provisioner split
// into its setup, helper functions, steps and verify step. --functions also lists each helper
// function's bytes, largest first. For issue 12's size work.
import { readFileSync } from "node:fs";
import { plan, renderCloudInit, validateSpec } from "../src/index.js";

const args = process.argv.slice(2);
const listFunctions = args.includes("--functions");
const file = args.find((a) => a !== "--functions");
const text = file ? readFileSync(file, "utf8") : renderCloudInit(plan(validateSpec({}).spec));
const bytes = (s: string) => Buffer.byteLength(s) + 1;

const parts = new Map<string, number>();
const functions = new Map<string, number>();
const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
let part = "cloud-config header";
let helper = "";
for (const line of text.replace(/\n$/, "").split("\n")) {
  const definition = /^\s+(bake_[a-z0-9_]+)\(\) \{/.exec(line);
  // The provisioner is runcmd's here-document (write_files' entry with --gzip's per-file form).
  if (line.startsWith("- path: "))
    part = line.includes("/bake-provision") ? "provisioner: setup" : "config files (write_files)";
  else if (/^\s+install .*\/bake-provision <</.test(line)) part = "provisioner: setup";
  else if (part.startsWith("provisioner") && /^\s+BAKE_EOF/.test(line)) part = "runcmd and the rest";
  else if (part.startsWith("provisioner") && definition) part = "provisioner: helper functions";
  else if (part.startsWith("provisioner") && /^\s+echo running > /.test(line)) part = "provisioner: steps";
  else if (part.startsWith("provisioner") && /^\s+bake_step \S+ verify /.test(line)) part = "provisioner: verify step";
  else if (/^[a-z_]+:/.test(line) && !line.startsWith("write_files:")) part = "runcmd and the rest";
  add(parts, part, bytes(line));
  // A helper's bytes run from its definition to the next one; lines between
  // helpers (blank lines, the checks' pid array) count with the one above.
  if (part !== "provisioner: helper functions") helper = "";
  else if (definition) helper = definition[1]!;
  if (helper) add(functions, helper, bytes(line));
}
const print = (map: Map<string, number>) => {
  const width = Math.max(...[...map.keys()].map((k) => k.length));
  for (const [name, n] of map) console.log(`${name.padEnd(width)}  ${String(n).padStart(6)}`);
  return width;
};
const width = print(parts);
console.log(`${"total".padEnd(width)}  ${String(Buffer.byteLength(text)).padStart(6)}`);
if (listFunctions) {
  console.log("");
  print(new Map([...functions].sort((a, b) => b[1] - a[1])));
}
