#!/usr/bin/env node
// Snapshot what the built CLI prints for every example and every distro, so a
// refactor can prove it changed nothing a user sees:
//   node scripts/cli-outputs.mjs out/before          # on the old tree, after npm run build
//   node scripts/cli-outputs.mjs out/after           # on the new tree
//   diff -r out/before out/after && echo identical
// Each case writes <name>.out (stdout), <name>.err (stderr) and <name>.rc.
// CLI=path/to/cli.js picks another build (default dist/cli.js of this tree).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = process.argv[2];
if (!out) {
  process.stderr.write("usage: node scripts/cli-outputs.mjs OUT_DIR\n");
  process.exit(2);
}
const cli = resolve(process.env.CLI ?? join(root, "dist/cli.js"));
const outDir = resolve(out);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// The distro list as the schema has it, read as text: no build step needed.
const distros = [
  ...readFileSync(join(root, "src/capabilities/distro/names.ts"), "utf8").matchAll(/^\s+"([a-z0-9]+)",$/gm),
].map((m) => m[1]);
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".yaml"));
// A placeholder sha256, which Debian and Ubuntu need for pkgs.k8s.io's key.
const SHA = "a".repeat(64);

/** A case: its file name and the CLI arguments; a work folder is the cwd, so nothing reads ./bake.yaml. */
const cases = [];
const add = (name, ...args) => cases.push({ name, args });

for (const command of ["", "cloud-init", "packer", "render", "validate", "schema", "init", "explain", "diff"])
  add(`help-${command || "bake"}`, ...(command ? [command] : []), "--help");
add("version", "--version");
add("schema", "schema");
add("explain-all", "explain");
add("explain-all-json", "explain", "--json");
for (const shell of ["bash", "zsh", "fish"]) add(`completion-${shell}`, "completion", shell);

for (const example of examples) {
  // Copied into the work folder and named relatively, so paths in messages match across trees.
  const spec = example;
  const base = example.replace(/\.yaml$/, "");
  add(`${base}.cloud-init`, "cloud-init", spec);
  add(`${base}.cloud-init-gzip-aws`, "cloud-init", spec, "--gzip", "--cloud", "aws");
  add(`${base}.packer`, "packer", spec);
  add(`${base}.validate-v`, "validate", spec, "-v");
  add(`${base}.diff`, "diff", "-c", spec);
}

for (const distro of distros) {
  const set = ["--defaults", "--set", `distro=${distro}`];
  const k8s = [...set, "--set", "kubernetes.enabled=true", "--set", `kubernetes.repo.gpgkeySha256=${SHA}`];
  add(`${distro}.cloud-init`, "cloud-init", ...set);
  add(`${distro}.packer`, "packer", ...set);
  add(`${distro}.validate-v`, "validate", ...set, "-v");
  add(`${distro}.k8s-worker.cloud-init`, "cloud-init", ...k8s);
  add(`${distro}.k8s-worker.packer`, "packer", ...k8s);
  add(`${distro}.k8s-cp.packer`, "packer", ...k8s, "--set", "kubernetes.role=control-plane");
  add(`${distro}.containerd17.packer`, "packer", ...set, "--set", "containerd.version=1.7");
  add(
    `${distro}.arm64-package-crictl.packer`,
    "packer",
    ...set,
    "--set",
    "arch=arm64",
    "--set",
    "crictl.install=package",
  );
  add(`${distro}.init`, "init", "--distro", distro, "-o", "-");
  add(`${distro}.init-k8s-cp`, "init", "--distro", distro, "--kubernetes", "control-plane", "-o", "-");
  add(`${distro}.explain-containerd`, "explain", "containerd", "--distro", distro);
  add(`${distro}.explain-kubernetes-json`, "explain", "kubernetes", "--distro", distro, "--json");
}
add("init-profile-cn", "init", "--profile", "cn", "-o", "-");
add("invalid-key", "validate", "--defaults", "--set", "containerd.nope=1");
add("invalid-value", "validate", "--defaults", "--set", "containerd.oomScore=5000");

const work = mkdtempSync(join(tmpdir(), "bake-cli-outputs-"));
for (const example of examples) copyFileSync(join(root, "examples", example), join(work, example));
for (const { name, args } of cases) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
  });
  writeFileSync(join(outDir, `${name}.out`), r.stdout);
  writeFileSync(join(outDir, `${name}.err`), r.stderr);
  writeFileSync(join(outDir, `${name}.rc`), `${r.status}\n`);
}
rmSync(work, { recursive: true, force: true });
process.stderr.write(`${cases.length} cases written to ${outDir}\n`);
