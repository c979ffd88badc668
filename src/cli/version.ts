// `bake version`: print bake's version; its flags and what it does with them.
import type { Command } from "commander";
import { BAKE_VERSION } from "../version.js";

export function versionCommand(program: Command): void {
  program
    .command("version")
    .description("print bake's version (as bake --version)")
    .action(() => void process.stdout.write(`${BAKE_VERSION}\n`));
}
