// The command line: the program, its commands in the order --help lists them (each
// declares its own flags in src/cli/), and main(), which maps errors to exit codes.
// The CLI imports the modules themselves, not index.ts, which also exports the
// TypeBox schema objects and would load TypeBox on every start; schema, init, explain
// and diff load their modules (and jsdiff) only when run.
import { Command, CommanderError } from "commander";
import { SpecError } from "./report.js";
import { BAKE_VERSION } from "./version.js";
import { printDiagnostics } from "./cli/options.js";
import { cloudInitCommand } from "./cli/cloud-init.js";
import { packerCommand } from "./cli/packer.js";
import { renderCommand } from "./cli/render.js";
import { validateCommand } from "./cli/validate.js";
import { schemaCommand } from "./cli/schema.js";
import { initCommand } from "./cli/init.js";
import { explainCommand } from "./cli/explain.js";
import { diffCommand, OutputsDiffer } from "./cli/diff.js";
import { versionCommand } from "./cli/version.js";
import { completionCommand } from "./cli/completion.js";

const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

function createProgram(): Command {
  const program = new Command()
    .name("bake")
    .description(
      "Render cloud-init user-data or a Packer provisioner that turns Rocky Linux (and Debian/Ubuntu) into a containerd node ready for kubeadm.",
    )
    .version(BAKE_VERSION)
    .showHelpAfterError("(run bake --help for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cloudInitCommand(program);
  packerCommand(program);
  renderCommand(program);
  validateCommand(program);
  schemaCommand(program);
  initCommand(program);
  explainCommand(program);
  diffCommand(program);
  versionCommand(program);
  completionCommand(program);

  // --version on every command, not only on bake itself.
  for (const command of program.commands) command.version(BAKE_VERSION, "-V, --version", "print bake's version");
  return program;
}

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
