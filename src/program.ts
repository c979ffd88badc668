// The command line: parse flags, call the library, write -o (write-output.ts), map errors to exit codes.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
// The CLI imports the modules themselves, not index.ts, which also exports the
// TypeBox schema objects and would load TypeBox on every start.
import { formatDiagnostics, SpecError, type Diagnostic } from "./report.js";
import { planSpec } from "./plan-spec.js";
import type { Plan } from "./plan/index.js";
import { renderPackerScript } from "./emit/packer.js";
import { renderFiles } from "./emit/files.js";
import { CLOUD_LIMITS, CLOUDS, type Cloud } from "./emit/size.js";
import { renderUserData } from "./emit/user-data.js";
import { BAKE_VERSION } from "./version.js";
import { writeOutput } from "./write-output.js";
import { specText } from "./input/load.js";
import { pipedStdin, STDIN_WAIT_MS } from "./input/piped-stdin.js";
import { DISTROS } from "./schema/distros.js";
import type { Distro } from "./schema/node-spec.js";
import { colorAllowed, describePlan, describeSize, detail, status } from "./commands/status.js";
import { PROFILES, type Profile } from "./commands/profiles.js";
// schema, init, explain and diff load their modules (and jsdiff) only when run,
// so the rendering commands' cold start does not pay for them.

const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

interface CommonOptions extends Omit<ChosenSpec, "config"> {
  /** The spec to read, once resolved by specSource(); undefined means the built-in defaults. */
  config?: string;
  set?: string[];
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  strict?: boolean;
}

interface CloudInitCliOptions extends CommonOptions {
  cloud: Cloud;
  gzip?: boolean;
  /** The user's own user-data files (--merge), in order. */
  merge?: string[];
  mime?: boolean;
  userFirst?: boolean;
}

type Compose = (bakeText: string) => string;

const useColor = () => colorAllowed(process.stderr);

function printDiagnostics(diagnostics: Diagnostic[]): void {
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
async function specSource(options: SpecChoice, named: string[], command: Command): Promise<ChosenSpec> {
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
const specLabel = (config: string | undefined) =>
  config === "-" ? "stdin" : config === undefined ? "built-in defaults" : config;

/** Plan the chosen spec; the note naming it (-q silences it) comes first, or once the defaults' distro is known. */
function buildPlan(options: CommonOptions, announce = true) {
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
function userDataFor(p: Plan, options: CloudInitCliOptions, compose?: Compose): string {
  const { content, form, check } = renderUserData(p, { cloud: options.cloud, gzip: options.gzip, compose });
  if (form === "gzip-payload")
    status(
      options,
      `user-data is gzip, base64-encoded for the ${options.cloud} API (Terraform: user_data_base64); cloud-init decompresses it`,
    );
  if (form === "gzip-files") status(options, "user-data carries each file gzip+base64 (write_files encoding gz+b64)");
  if (!check.ok) throw new SpecError([{ severity: "error", path: "", message: check.message }]);
  const aws = CLOUD_LIMITS.aws.limit;
  if (options.cloud !== "none") detail(options, `size: ${check.message}`);
  else if (check.bytes > aws)
    status(
      options,
      `warning: user-data is ${check.bytes} bytes, over AWS's ${aws}-byte limit; pass --cloud to check your platform's, or --gzip`,
    );
  return content;
}

/** --merge files combined with bake's document; the compose module loads only when there are some. */
async function composerFor(p: Plan, options: CloudInitCliOptions, command: Command): Promise<Compose | undefined> {
  const files = options.merge ?? [];
  if (files.length === 0) {
    if (options.mime || options.userFirst)
      command.error(`error: ${options.mime ? "--mime" : "--user-first"} needs at least one --merge FILE`);
    return undefined;
  }
  const { composer } = await import("./compose/index.js");
  return composer(p, { files, mime: options.mime, userFirst: options.userFirst });
}

function emit(content: string, output: string | undefined, options: CommonOptions = {}, name = "output"): void {
  if (output && output !== "-") writeOutput(output, content);
  else process.stdout.write(content);
  detail(options, () => `${describeSize(name, content)}, written to ${output && output !== "-" ? output : "stdout"}`);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A --set with no "=", or an empty key or key segment, is a usage error (exit 2), like an unknown flag. */
function collectSet(value: string, previous: string[]): string[] {
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
function withMergeOptions(command: Command): Command {
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

function withSpecOptions(command: Command, output: "file" | "dir" | "none"): Command {
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
function specAction<T extends CommonOptions>(run: (options: T, command: Command) => void | Promise<void>) {
  return async (spec: string | undefined, options: Omit<T, "config"> & SpecChoice, command: Command) => {
    const chosen = await specSource(
      options,
      [...(options.config ?? []), ...(spec === undefined ? [] : [spec])],
      command,
    );
    return run({ ...options, ...chosen } as T, command);
  };
}

export function createProgram(): Command {
  const program = new Command()
    .name("bake")
    .description(
      "Render cloud-init user-data or a Packer provisioner that turns Rocky Linux (and Debian/Ubuntu) into a containerd node ready for kubeadm.",
    )
    .version(BAKE_VERSION)
    .showHelpAfterError("(run bake --help for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  withMergeOptions(
    withSpecOptions(program.command("cloud-init"), "file")
      .description("print a #cloud-config user-data: write_files for every file, runcmd for the steps")
      .addOption(
        new Option("--cloud <platform>", "check the size limit of this platform's user-data")
          .choices(CLOUDS)
          .default("none"),
      )
      .option("--gzip", "compress: gzip+base64 payload where the platform takes it, else gz+b64 per file"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ bake cloud-init > user-data                   # reads ./bake.yaml (what bake init wrote)\n  $ cat node.yaml | bake cloud-init > user-data   # a spec on stdin, when none is named\n  $ bake cloud-init node.yaml --set containerd.sandboxImage=registry.k8s.io/pause:3.10 > user-data\n  $ bake cloud-init -c bake.yaml --cloud aws --gzip -o user-data.b64\n  $ bake cloud-init --merge users.yaml > user-data          # one #cloud-config holding both\n  $ bake cloud-init --merge users.yaml --merge setup.sh --mime > user-data\n",
    )
    .action(
      specAction(async (options: CloudInitCliOptions, command) => {
        const p = buildPlan(options);
        emit(userDataFor(p, options, await composerFor(p, options, command)), options.output, options, "user-data");
      }),
    );

  withSpecOptions(program.command("packer"), "file")
    .description("print one self-contained bash script for a Packer shell provisioner")
    .addHelpText("after", "\nExample:\n  $ bake packer bake.yaml -o provision.sh\n")
    .action(
      specAction((options: CommonOptions) =>
        emit(renderPackerScript(buildPlan(options)), options.output, options, "provision.sh"),
      ),
    );

  withSpecOptions(program.command("render"), "dir")
    .description("write user-data, provision.sh and every file under files/<absolute path>, for review and diffing")
    .addHelpText("after", "\nExample:\n  $ bake render -c examples/guide.yaml -o out/\n")
    .action(
      specAction((options: CommonOptions) => {
        const rendered = renderFiles(buildPlan(options));
        for (const file of rendered) {
          writeOutput(resolve(options.output!, file.path), file.content, file.mode);
          detail(options, `wrote ${file.path} (${file.mode}, ${Buffer.byteLength(file.content)} bytes)`);
        }
        status(options, `wrote ${rendered.length} files to ${options.output}`);
      }),
    );

  withMergeOptions(
    withSpecOptions(program.command("validate"), "none")
      .description("check the spec and render every output in memory; writes nothing")
      .addOption(
        new Option("--cloud <platform>", "also check the user-data against this platform's size limit")
          .choices(CLOUDS)
          .default("none"),
      )
      .option("--gzip", "check the size of the compressed user-data"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ bake validate bake.yaml --strict --cloud aws && echo valid\n  $ bake validate --merge users.yaml --cloud aws   # the user-data bake cloud-init --merge users.yaml prints\n",
    )
    .action(
      specAction(async (options: CloudInitCliOptions, command) => {
        const p = buildPlan(options);
        const userData = userDataFor(p, { ...options, quiet: true }, await composerFor(p, options, command));
        detail(options, () => describeSize("user-data", userData));
        const script = renderPackerScript(p);
        detail(options, () => describeSize("provision.sh", script));
        status(
          options,
          `${specLabel(options.config)} is valid (${p.spec.distro}/${p.spec.arch}, ${p.files.length} files, ${p.steps.length} steps)`,
        );
      }),
    );

  program
    .command("schema")
    .description(
      "print the JSON Schema of the spec, for editors (the package also ships it as schema/bake.schema.json)",
    )
    .option("-o, --output <file>", "write here instead of stdout")
    .addHelpText("after", "\nExample:\n  $ bake schema > bake.schema.json\n")
    .action(async (options: { output?: string }) => {
      const { schemaText } = await import("./schema/document.js");
      emit(schemaText(), options.output, {}, "schema");
    });

  const distroOption = () => new Option("--distro <distro>", "target OS").choices(DISTROS).default("rocky9");

  program
    .command("init")
    .description("write a commented starter spec; every key shown with its meaning and default")
    .addOption(distroOption())
    .option("-o, --output <file>", "where to write it (- for stdout); a .toml name gets TOML, else YAML", "bake.yaml")
    .option("--force", "replace the spec, and a different bake.schema.json beside it, if they exist")
    .option(
      "--schema <ref>",
      "the $schema URL or path for editors (default: ./bake.schema.json, which init writes beside the spec)",
    )
    .addOption(
      new Option(
        "--profile <name>",
        "fill in a working set of values: cn (mirrors reachable from mainland China)",
      ).choices(PROFILES),
    )
    .addOption(
      new Option(
        "--kubernetes [role]",
        "fill in the kubernetes section: a kubeadm-ready worker (default) or control-plane",
      ).choices(["worker", "control-plane"]),
    )
    .option("-q, --quiet", "print nothing on success")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bake init --distro rocky9 && bake validate      # validate reads ./bake.yaml\n  $ bake init --profile cn -o bake.yaml\n  $ bake init --kubernetes control-plane -o bake.yaml\n  $ bake init -o - --schema https://example.com/bake.schema.json > node.yaml\n",
    )
    .action(
      async (options: {
        distro: Distro;
        output: string;
        force?: boolean;
        schema?: string;
        quiet?: boolean;
        profile?: Profile;
        kubernetes?: true | "worker" | "control-plane";
      }) => {
        const { writeStarter } = await import("./commands/init.js");
        const kubernetes = options.kubernetes === true ? "worker" : options.kubernetes;
        const schemaFile = writeStarter({ ...options, kubernetes, force: options.force === true, writeOutput });
        if (schemaFile)
          status(options, `wrote ${schemaFile} (the JSON Schema the spec's first line names, for editors)`);
        const what = [
          options.distro,
          options.profile && `profile ${options.profile}`,
          kubernetes && `kubernetes ${kubernetes}`,
        ]
          .filter(Boolean)
          .join(", ");
        const validate = options.output === "bake.yaml" ? "bake validate" : `bake validate ${options.output}`;
        if (options.output !== "-") status(options, `wrote ${options.output} (${what}); edit it, then: ${validate}`);
      },
    );

  program
    .command("explain")
    .argument(
      "[key]",
      "a key path such as containerd.sandboxImage or containerd.registries.docker.io.mirrors; all keys without it",
    )
    .description("what a key means, its type and default, and which files and steps it changes")
    .addOption(distroOption())
    .option("--json", "print the data as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  $ bake explain containerd.sandboxImage\n  $ bake explain crictl --distro debian13\n",
    )
    .action(async (key: string | undefined, options: { distro: Distro; json?: boolean }) => {
      const { explain, formatExplanations } = await import("./commands/explain.js");
      const items = explain(key, options.distro);
      const color = colorAllowed(process.stdout);
      process.stdout.write(
        options.json ? JSON.stringify(items, null, 2) + "\n" : formatExplanations(items, options.distro, color),
      );
    });

  program
    .command("diff")
    .description(
      "unified diff, file by file, of what two specs put on the node (files and provision.sh); one -c compares it with the defaults",
    )
    .argument("[specs...]", "old and new spec, as with -c")
    .option(
      "-c, --config <file>",
      "a spec, YAML or TOML; give it twice (old, then new) or once (against the defaults); without it, the new side is a spec piped to stdin, else ./bake.yaml, ./bake.yml or ./bake.toml",
      collect,
      [],
    )
    .option("--defaults", "compare the defaults with --set only, even when ./bake.yaml exists")
    .option("--set <key=value>", "override one key of the new side, value parsed as YAML (repeatable)", collectSet, [])
    .option(
      "--exit-code",
      "exit 1 when the outputs differ, 0 when they do not (as git diff --exit-code and kubectl diff)",
    )
    .option("-U, --unified <lines>", "lines of context", "3")
    .option("-q, --quiet", "print no warnings and no summary")
    .option("-v, --verbose", "also list each file that differs, and both plans")
    .addHelpText(
      "after",
      "\nExit status is 0 whether or not the outputs differ (with --exit-code: 1 when they differ), 1 when a spec is invalid, 2 on a usage error.\n\nExample:\n  $ bake diff -c old.yaml -c new.yaml           # or: bake diff old.yaml new.yaml\n  $ bake diff                                   # what ./bake.yaml changes from the defaults\n  $ bake diff --set containerd.oomScore=-999    # defaults against one change\n",
    )
    .action(
      async (
        specs: string[],
        options: {
          config: string[];
          set: string[];
          unified: string;
          quiet?: boolean;
          verbose?: boolean;
          defaults?: boolean;
          exitCode?: boolean;
        },
        command: Command,
      ) => {
        const { diffPlans, formatDiff, summary } = await import("./commands/diff.js");
        const named = [...options.config, ...specs];
        if (named.length > 2)
          command.error("error: bake diff compares two specs: give at most two (-c old -c new, or old new)");
        if (named.length === 2 && options.defaults)
          command.error("error: --defaults and two specs exclude each other: --defaults means no spec file");
        // The old side is named or the defaults; the new side is chosen as for every command.
        const [oldFile, newSpec] =
          named.length === 2
            ? [named[0], { config: named[1] }]
            : [undefined, await specSource(options, named, command)];
        const old = {
          label: oldFile === undefined ? "defaults" : specLabel(oldFile),
          plan: buildPlan({ config: oldFile, set: [], quiet: options.quiet, verbose: options.verbose }, false),
        };
        const now = {
          label: newSpec.config === undefined ? (options.set.length ? "--set" : "defaults") : specLabel(newSpec.config),
          plan: buildPlan({ ...newSpec, set: options.set, quiet: options.quiet, verbose: options.verbose }),
        };
        const diffs = diffPlans(old, now, Math.max(0, Number.parseInt(options.unified, 10) || 0));
        process.stdout.write(formatDiff(diffs, colorAllowed(process.stdout)));
        if (!options.quiet) process.stderr.write(summary(diffs, old.label, now.label) + "\n");
        for (const d of diffs) detail(options, `${d.status}: ${d.path}`);
        if (options.exitCode && diffs.length > 0) throw new OutputsDiffer();
      },
    );

  program
    .command("version")
    .description("print bake's version (as bake --version)")
    .action(() => void process.stdout.write(`${BAKE_VERSION}\n`));

  program
    .command("completion")
    .argument("<shell>", "bash, zsh or fish")
    .description("print a shell completion script for bake's commands, flags and their values")
    .addHelpText(
      "after",
      '\nInstall:\n  bash: $ bake completion bash > ~/.local/share/bash-completion/completions/bake\n  zsh:  $ bake completion zsh > "${fpath[1]}/_bake"     (or: source <(bake completion zsh))\n  fish: $ bake completion fish > ~/.config/fish/completions/bake.fish\n',
    )
    .action(async (shell: string, _options: unknown, command: Command) => {
      const { completionScript, SHELLS } = await import("./commands/completion.js");
      if (!(SHELLS as readonly string[]).includes(shell))
        command.error(`error: no completion for ${JSON.stringify(shell)}; choose one of ${SHELLS.join(", ")}`);
      process.stdout.write(completionScript(program, shell as (typeof SHELLS)[number]));
    });

  // --version on every command, not only on bake itself.
  for (const command of program.commands) command.version(BAKE_VERSION, "-V, --version", "print bake's version");
  return program;
}

/** bake diff --exit-code found differences: exit 1, with nothing more to print. */
class OutputsDiffer extends Error {}

export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
        ? 0
        : EXIT_USAGE;
    }
    if (error instanceof OutputsDiffer) return EXIT_INVALID;
    if (error instanceof SpecError) {
      printDiagnostics(error.diagnostics);
      return EXIT_INVALID;
    }
    if (error instanceof Error && "code" in error && typeof error.code === "string" && /^E[A-Z]+$/.test(error.code)) {
      process.stderr.write(`bake: ${error.message}\n`);
      return EXIT_INVALID;
    }
    process.stderr.write(
      `bake: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 70;
  }
}
