// Shared test helpers: run the built CLI, and render through the library.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { plan, renderCloudInit, renderPackerScript, validateSpec, type SpecInput } from "../src/index.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI = join(ROOT, "dist/cli.js");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: string, cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "bake-test-"));
}

export function planFor(input: SpecInput) {
  return plan(validateSpec(input).spec);
}

export function renderBoth(input: SpecInput) {
  const p = planFor(input);
  return { plan: p, userData: renderCloudInit(p), script: renderPackerScript(p) };
}

export interface WriteFile {
  path: string;
  content: string;
  permissions: string;
  owner: string;
}

/**
 * The write_files entries of a #cloud-config, parsed the way cloud-init's YAML 1.1 loader would,
 * with the owner and permissions cloud-init applies when an entry names none (cc_write_files:
 * root:root, 0644).
 */
export function writeFilesOf(userData: string): WriteFile[] {
  const entries = (parse(userData, { version: "1.1" }) as { write_files: Partial<WriteFile>[] }).write_files;
  return entries.map((e) => ({ owner: "root:root", permissions: "0644", ...e }) as WriteFile);
}

/** Files the Packer script embeds, read back from its quoted here-documents. */
export function embeddedFiles(script: string): Map<string, { mode: string; content: string }> {
  const out = new Map<string, { mode: string; content: string }>();
  const re = /^bake_put (\S+) (\S+) <<'(BAKE_EOF(?:_\d+)?)'\n([\s\S]*?)^\3$/gm;
  for (const m of script.matchAll(re)) out.set(m[1]!, { mode: m[2]!, content: m[4]! });
  return out;
}

/** Every examples/*.yaml as [name, spec], so each tool check covers the shipped examples. */
export function exampleSpecs(): [string, SpecInput][] {
  return readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f): [string, SpecInput] => [
      `examples/${f}`,
      parse(readFileSync(join(ROOT, "examples", f), "utf8")) as SpecInput,
    ]);
}

/** The kubernetes section's steps, in node order, after containerd and crictl are up. */
export const KUBERNETES_STEPS_LAST = [
  "kubeadm-tools",
  "install-kubernetes",
  "swap-off",
  "selinux-mode",
  "firewalld",
  "enable-kubelet",
  "pull-images",
  "verify",
];
