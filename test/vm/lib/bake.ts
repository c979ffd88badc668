// Runs the built bake CLI and returns the exact bytes it printed.
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const CLI = join(REPO, "dist", "cli.js");

export interface BakeOutput {
  format: "cloud-init" | "packer";
  specPath: string;
  spec: string;
  /** stdout of bake, byte for byte */
  bytes: Buffer;
  stderr: string;
}

/** Writes `spec` to `dir`/spec-<name>.yaml and runs `node dist/cli.js <format> -c spec [args]`. */
export async function bake(
  format: "cloud-init" | "packer",
  spec: object,
  dir: string,
  name: string,
  args: string[] = [],
): Promise<BakeOutput> {
  await mkdir(dir, { recursive: true });
  const specPath = join(dir, `spec-${name}.yaml`);
  const text = `# written by test/vm/boot.test.ts (${name})\n${stringify(spec)}`;
  await writeFile(specPath, text);
  const r = spawnSync(process.execPath, [CLI, format, "-c", specPath, ...args], { cwd: REPO, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(
      `bake ${format} -c ${specPath} ${args.join(" ")} exited ${r.status}\n${r.stderr.toString()}${r.stdout.toString()}`,
    );
  }
  const bytes = r.stdout;
  await writeFile(join(dir, `${name}.${format === "packer" ? "sh" : "user-data"}`), bytes);
  return { format, specPath, spec: text, bytes, stderr: r.stderr.toString() };
}
