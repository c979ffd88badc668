// What the commands share: the spec they read (-c, [spec], stdin, ./bake.yaml), --set,
// -q/-v/--strict, -o, --merge; planning that spec; and printing through stderr and -o.
import { existsSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import { formatDiagnostics, SpecError, type Diagnostic } from "../report.js";
import { planSpec } from "../plan-spec.js";
import type { Plan } from "../plan/index.js";
import { handOverNote, sizeWarningWithoutCloud, type Cloud, type SizeCheck } from "../emit/size.js";
import { renderUserData } from "../emit/user-data.js";
import { writeOutput } from "../write-output.js";
import { specText } from "../input/load.js";
import { pipedStdin, STDIN_WAIT_MS } from "../input/piped-stdin.js";
import { DISTROS } from "../capabilities/distro/names.js";
import { colorAllowed, describePlan, describeSize, detail, status, type StatusOptions } from "./status.js";

export interface CommonOptions extends Omit<ChosenSpec, "config"> {
  /** The spec to read, once resolved by specSource(); undefined means the built-in defaults. */
  config?: string;
  set?: string[];
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  strict?: boolean;
}

export interface CloudInitCliOptions extends CommonOptions {
  cloud: Cloud;
  gzip?: boolean;
  /** The user's own user-data files (--merge), in order. */
  merge?: string[];
  mime?: boolean;
  userFirst?: boolean;
}

type Compose = (bakeText: string) => string;

const useColor = () => colorAllowed(process.stderr);

export function printDiagnostics(diagnostics: Diagnostic[]): void {
  if (diagnostics.length > 0) process.stderr.write(formatDiagnostics(diagnostics, { color: useColor() }) + "\n");
}

/** Spec files bake reads from the current folder when none is named; the place `bake init` writes. */
const FOUND_SPECS = ["bake.yaml", "bake.yml", "bake.toml"];

interface SpecChoice {
  /** Every -c given (commander collects them so that a second one is not silently dropped). */
  config?: string[];
  defaults?: boolean;
  quiet?: boolean;
}

/** The spec a command reads, as specSource() chose it. */
interface ChosenSpec {
  /** A file, "-" for stdin, or undefined for the built-in defaults. */
  config?: string;
  /** Stdin's text, when bake read it because no spec was named. */
  stdinText?: string;
  /** Why this one, for the note on stderr: found in the folder, stdin left unread. */
  why?: string;
}

/**
 * The spec a command reads: the one named (-c FILE or a positional FILE), else
 * a spec piped to stdin (piped-stdin.ts: never a terminal, never waiting on an
 * idle pipe), else ./bake.yaml, ./bake.yml or ./bake.toml, else the built-in
 * defaults. Naming two is a usage error: bake does not merge specs, because a
 * merge rule for lists (mirrors: append or replace?) would be one more thing to
 * learn and errors would have to say which layer won; --set already layers
 * single keys over one spec. Two files found in the folder are an error too:
 * reading one would silently ignore the other, perhaps the one being edited.
 */
export async function specSource(options: SpecChoice, named: string[], command: Command): Promise<ChosenSpec> {
  if (named.length > 1)
    command.error(
      `error: one spec at a time, got ${named.join(" and ")}; bake does not merge specs (use --set KEY=VALUE to change keys of one)`,
    );
  if (options.defaults && named.length > 0)
    command.error(`error: --defaults and ${named[0]} exclude each other: --defaults means no spec file`);
  if (named.length === 1) return { config: named[0] };
  if (options.defaults) return {};
  const piped = await pipedStdin();
  if (piped.kind === "read" && piped.bytes.toString().trim() !== "")
    return { config: "-", stdinText: specText(piped.bytes, "<stdin>") };
  const unread =
    piped.kind === "idle" ? `; stdin sent nothing in ${STDIN_WAIT_MS} ms, so it was not read (-c - waits for it)` : "";
  const found = FOUND_SPECS.filter((f) => existsSync(f));
  if (found.length > 1)
    command.error(
      `error: both ./${found.join(" and ./")} are here; name the one to use (bake ${command.name()} ${found[0]})`,
    );
  if (found.length === 0) return { why: unread };
  return {
    config: found[0],
    why: ` (found in the current folder; name another spec, or --defaults for none)${unread}`,
  };
}

/** How a spec is named in notes and messages. */
export const specLabel = (config: string | undefined) =>
  config === "-" ? "stdin" : config === undefined ? "built-in defaults" : config;

/** Plan the chosen spec (the CLI's one way to planSpec); the note naming it (-q silences it) comes first, or once the defaults' distro is known. */
export function planFor(options: CommonOptions, announce = true) {
  const note = (distro?: string) => {
    if (announce)
      status(options, `spec: ${specLabel(options.config)}${distro ? ` (distro ${distro})` : ""}${options.why ?? ""}`);
  };
  if (options.config !== undefined) note();
  const { plan: p, warnings } = planSpec({
    file: options.config,
    text: options.stdinText,
    sets: options.set,
    strict: options.strict,
  });
  if (options.config === undefined) note(p.spec.distro);
  if (!options.quiet) printDiagnostics(warnings);
  for (const line of describePlan(p, specLabel(options.config))) detail(options, line);
  return p;
}

/** The user-data to print for --cloud/--gzip; over the platform's size limit is an error. */
export function userDataFor(p: Plan, options: CloudInitCliOptions, compose?: Compose): string {
  const { content, form, check } = renderUserData(p, { cloud: options.cloud, gzip: options.gzip, compose });
  if (form === "gzip-payload")
    status(
      options,
      `user-data is gzip, base64-encoded for the ${options.cloud} API (Terraform: user_data_base64); cloud-init decompresses it`,
    );
  if (form === "gzip-files") status(options, "user-data carries each file gzip+base64 (write_files encoding gz+b64)");
  reportSize(check, options);
  const handOver = handOverNote(options.cloud, content);
  if (handOver) status(options, handOver);
  return content;
}

/** The size line of user-data, the same for every command that writes or checks it: over --cloud's limit is an error, over AWS's without --cloud a warning. */
export function reportSize(check: SizeCheck, options: StatusOptions & { cloud: Cloud }): void {
  if (!check.ok) throw new SpecError([{ severity: "error", path: "", message: check.message }]);
  const warning = sizeWarningWithoutCloud(check.bytes);
  if (options.cloud !== "none") detail(options, `size: ${check.message}`);
  else if (warning) status(options, warning);
}

/** --merge files combined with bake's document; the compose module loads only when there are some. */
export async function composerFor(
  p: Plan,
  options: CloudInitCliOptions,
  command: Command,
): Promise<Compose | undefined> {
  const files = options.merge ?? [];
  if (files.length === 0) {
    if (options.mime || options.userFirst)
      command.error(`error: ${options.mime ? "--mime" : "--user-first"} needs at least one --merge FILE`);
    return undefined;
  }
  const { composer } = await import("../compose/index.js");
  return composer(p, { files, mime: options.mime, userFirst: options.userFirst });
}

/** Writes an artifact; `cloud` is set for user-data, whose size line names that cloud's limit. */
export function emit(
  content: string,
  output: string | undefined,
  options: CommonOptions = {},
  name = "output",
  cloud?: Cloud,
): void {
  if (output && output !== "-") writeOutput(output, content);
  else process.stdout.write(content);
  detail(
    options,
    () => `${describeSize(name, content, cloud)}, written to ${output && output !== "-" ? output : "stdout"}`,
  );
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A --set with no "=", or an empty key or key segment, is a usage error (exit 2), like an unknown flag. */
export function collectSet(value: string, previous: string[]): string[] {
  const eq = value.indexOf("=");
  if (
    eq <= 0 ||
    value
      .slice(0, eq)
      .split(/(?<!\\)\./)
      .some((segment) => segment === "")
  ) {
    throw new InvalidArgumentError(
      `--set ${JSON.stringify(value)} must look like key.path=value (for example containerd.oomScore=-999)`,
    );
  }
  return [...previous, value];
}

/** How your own user-data joins bake's: for cloud-init, and for validate to check the same result. */
export function withMergeOptions(command: Command): Command {
  return command
    .option(
      "--merge <file>",
      "your own user-data to combine with bake's: a #cloud-config merged in (your runcmd after bake's provisioner); with --mime also #! scripts and #cloud-boothook (repeatable)",
      collect,
    )
    .option("--mime", "write multipart/mixed user-data: bake's part, then each --merge file as its own part")
    .option("--user-first", "run the --merge files' runcmd and scripts before bake's provisioner, not after it");
}

const SPEC_HELP =
  "node spec, YAML or TOML (- waits for stdin); without it: a spec piped to stdin, else ./bake.yaml, ./bake.yml or ./bake.toml, else built-in defaults (docs/guide.md)";

export function withSpecOptions(command: Command, output: "file" | "dir" | "none"): Command {
  command
    .argument("[spec]", "the node spec, as with -c")
    .option("-c, --config <file>", SPEC_HELP, collect)
    .option("--defaults", "use the built-in defaults even when ./bake.yaml exists")
    .option("--set <key=value>", "override one key, value parsed as YAML (repeatable)", collectSet, [])
    .option("-q, --quiet", "print nothing on stderr but errors")
    .option("-v, --verbose", "also print what was read and rendered: target, files, steps, sizes")
    .option("--strict", "treat warnings as errors");
  if (output === "file") command.option("-o, --output <file>", "write here instead of stdout");
  if (output === "dir")
    command.requiredOption("-o, --output <dir>", "folder to write user-data, provision.sh and files/ into");
  return command;
}

/** Wrap a rendering command's action: resolve [spec], -c and ./bake.yaml into options.config. */
export function specAction<T extends CommonOptions>(run: (options: T, command: Command) => void | Promise<void>) {
  return async (spec: string | undefined, options: Omit<T, "config"> & SpecChoice, command: Command) => {
    const chosen = await specSource(
      options,
      [...(options.config ?? []), ...(spec === undefined ? [] : [spec])],
      command,
    );
    return run({ ...options, ...chosen } as T, command);
  };
}

export const distroOption = () => new Option("--distro <distro>", "target OS").choices(DISTROS).default("rocky9");
