// Child-process helpers for the VM harness: run a command, capture or stream its output.
import { spawn, type SpawnOptions } from "node:child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes written to the child's stdin. */
  input?: string | Buffer;
  /** Prefix for lines echoed to the harness log while the command runs; no echo when absent. */
  echo?: string;
  /** Throw unless the exit code is 0 (default true). */
  check?: boolean;
  timeoutMs?: number;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    const echo = (chunk: Buffer) => {
      if (opts.echo === undefined) return;
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) log(`${opts.echo}${line}`);
    };
    child.stdout?.on("data", (c: Buffer) => {
      out.push(c);
      echo(c);
    });
    child.stderr?.on("data", (c: Buffer) => {
      err.push(c);
      echo(c);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const res = {
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
      if ((opts.check ?? true) && res.code !== 0) {
        reject(
          new Error(
            `${cmd} ${args.join(" ")} exited ${res.code}${signal ? ` (${signal})` : ""}\n${tail(res.stderr || res.stdout, 40)}`,
          ),
        );
      } else resolve(res);
    });
    // a child that exits without reading stdin must not become an EPIPE in the test runner
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(opts.input ?? "");
  });
}

export function tail(text: string, lines: number): string {
  return text.split("\n").slice(-lines).join("\n");
}

export function log(message: string): void {
  // stderr is not swallowed by vitest's reporter and keeps progress visible during long boots.
  process.stderr.write(`[vm ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function which(bin: string): Promise<boolean> {
  const r = await run("sh", ["-c", `command -v "$1"`, "sh", bin], { check: false });
  return r.code === 0;
}
