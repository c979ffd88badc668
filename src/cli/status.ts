// Status lines on stderr (artifacts go to stdout): --quiet silences them,
// --verbose adds what was read and rendered.
import type { Plan } from "../plan/index.js";
import { CLOUD_LIMITS, type Cloud, gzip } from "../emit/size.js";

/**
 * Colour on a terminal, by Node's rules (docs: cli.md, FORCE_COLOR): FORCE_COLOR
 * "", 1, 2, 3 or true turns it on even in a pipe and NO_COLOR is then ignored;
 * any other FORCE_COLOR value turns it off. Else NO_COLOR set to anything but
 * "" (https://no-color.org) or TERM=dumb turns it off.
 */
export function colorAllowed(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ["", "1", "2", "3", "true"].includes(force);
  if (env.NO_COLOR || env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

export interface StatusOptions {
  quiet?: boolean;
  verbose?: boolean;
}

/** Print a status line to stderr unless --quiet. */
export function status(options: StatusOptions, line: string): void {
  if (!options.quiet) process.stderr.write(`bake: ${line}\n`);
}

/**
 * Print a detail line to stderr only with --verbose (and never with --quiet).
 * A function is called only then: some lines cost a gzip to compute.
 */
export function detail(options: StatusOptions, line: string | (() => string)): void {
  if (options.verbose && !options.quiet) process.stderr.write(`bake: ${typeof line === "string" ? line : line()}\n`);
}

/** What --verbose says about a plan. */
export function describePlan(plan: Plan, source: string): string[] {
  return [
    `spec: ${source}; target ${plan.spec.distro}/${plan.spec.arch}, containerd ${plan.spec.containerd.version} from ${plan.spec.containerd.source} (config schema v${plan.configVersion})`,
    `${plan.files.length} files: ${plan.files.map((f) => `${f.path} (${f.mode})`).join(", ")}`,
    `${plan.steps.length} steps: ${plan.steps.map((s) => s.id).join(", ")}`,
  ];
}

/**
 * Size of an artifact; for user-data also its gzip+base64 size, against the limit of the
 * cloud named by --cloud, or EC2's (the smallest common one) when none is.
 */
export function describeSize(name: string, text: string, cloud?: Cloud): string {
  const raw = Buffer.byteLength(text);
  if (cloud === undefined) return `${name}: ${raw} bytes`;
  const packed = gzip(text).toString("base64").length;
  const { name: platform, limit } = CLOUD_LIMITS[cloud === "none" ? "aws" : cloud];
  return `${name}: ${raw} bytes (gzip+base64 ${packed}; ${platform} user-data limit ${limit})`;
}
