// Shared test helpers: run the built CLI, and render through the library.
import { execFile, spawnSync } from "node:child_process";
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

export interface CliOptions {
  /** Written to its stdin (none: stdin is closed empty). */
  input?: string;
  cwd?: string;
  /** Over the test's own environment and NO_COLOR=1; a key set to undefined is removed. */
  env?: Record<string, string | undefined>;
}

const cliEnv = (env: CliOptions["env"] = {}) => ({ ...process.env, NO_COLOR: "1", ...env });

/** The built CLI (dist/cli.js) run as a process, as a user runs it. */
export function runCli(args: string[], input?: string, cwd = ROOT): CliResult {
  return runCliWith(args, { input, cwd });
}

export function runCliWith(args: string[], { input, cwd = ROOT, env }: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: "utf8", env: cliEnv(env) });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** runCliWith without blocking, so that many runs share the two cores. */
export function runCliAsync(args: string[], { input, cwd = ROOT, env }: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: cliEnv(env), timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
    child.stdin!.end(input);
  });
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
