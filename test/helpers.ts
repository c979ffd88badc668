// Shared test helpers: run the CLI, and render through the library. The CLI runs two ways:
// runCliAsync calls main(argv) in this process (most CLI tests: no process start, no bundle
// load), runCli and runCliWith start the built dist/cli.js as a user does (the tests that
// prove the bundle, its exit codes and its stdin, signals and pipes).
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { plan, renderCloudInit, renderPackerScript, validateSpec, type SpecInput } from "../src/index.js";
import { setInProcessStdin } from "./support/in-process-stdin.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI = join(ROOT, "dist/cli.js");
/** Files only the cloud-init output writes: the provisioner and cloud-final's drop-in, not files of the node's plan. */
export const CLOUD_INIT_ONLY = [
  "/usr/local/sbin/bake-provision",
  "/etc/systemd/system/cloud-final.service.d/bake.conf",
];
/** The runcmd entry that writes the provisioner, before the here-document of its text. */
export const INSTALL_PROVISIONER = "install -m 0700 /dev/stdin /usr/local/sbin/bake-provision";

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

/** The built CLI as a process, without blocking. */
function runCliProcessAsync(args: string[], { input, cwd = ROOT, env }: CliOptions = {}): Promise<CliResult> {
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

let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * The CLI's main(argv) run in this process, as the built CLI would run it in a child with
 * these options: its cwd, its environment (over NO_COLOR=1), and `input` as its piped stdin
 * (test/support/in-process-stdin.ts stands in for the pipe). stdout and stderr are captured.
 * Runs one at a time, since they share the process's cwd, environment and streams. `-c -`
 * reads file descriptor 0 itself, so a spec named `-` starts the built CLI instead.
 */
export function runCliAsync(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const readsStdin = args.some(
    (a, i) => (a === "-" && !["-o", "--output"].includes(args[i - 1]!)) || a === "--config=-",
  );
  if (readsStdin) return runCliProcessAsync(args, options);
  const run = inProcessQueue.then(() => runMain(args, options));
  inProcessQueue = run.catch(() => undefined);
  return run;
}

async function runMain(args: string[], { input, cwd = ROOT, env }: CliOptions): Promise<CliResult> {
  const { main } = await import("../src/program.js");
  const captured = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const capture = (into: Buffer[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(Buffer.from(chunk));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    }) as typeof process.stdout.write;
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, cwd: process.cwd(), env: process.env };
  process.env = { ...cliEnv(env) };
  for (const [key, value] of Object.entries(process.env)) if (value === undefined) delete process.env[key];
  process.chdir(cwd);
  setInProcessStdin(input ?? "");
  process.stdout.write = capture(captured.stdout);
  process.stderr.write = capture(captured.stderr);
  let status: number;
  try {
    status = await main(["node", "bake", ...args]);
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    process.chdir(saved.cwd);
    process.env = saved.env;
  }
  const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");
  return { status, stdout: text(captured.stdout), stderr: text(captured.stderr) };
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

/** The provisioner that plain-text user-data writes: the here-document of runcmd's first entry, as sh reads it. */
export function provisionerOf(userData: string): string {
  return provisionerIn((parse(userData, { version: "1.1" }) as { runcmd: unknown[] }).runcmd[0]);
}

/** The provisioner that runcmd entry `entry` writes (see provisionerOf). */
export function provisionerIn(entry: unknown): string {
  const heredoc = /^<<'(BAKE_EOF(?:_\d+)?)'\n([\s\S]*\n)\1\n$/.exec(
    typeof entry === "string" && entry.startsWith(`${INSTALL_PROVISIONER} `)
      ? entry.slice(INSTALL_PROVISIONER.length + 1)
      : "",
  );
  if (!heredoc) throw new Error(`runcmd's first entry does not write the provisioner: ${String(entry).slice(0, 80)}`);
  return heredoc[2]!;
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
