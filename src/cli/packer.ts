// `bake packer`: print the Packer script; its flags and what it does with them.
import type { Command } from "commander";

import { renderPackerScript } from "../emit/packer.js";
import { specAction, withSpecOptions, planFor, emit, type CommonOptions } from "./options.js";

export function packerCommand(program: Command): void {
  withSpecOptions(program.command("packer"), "file")
    .description("print one self-contained bash script for a Packer shell provisioner")
    .addHelpText("after", "\nExample:\n  $ bake packer bake.yaml -o provision.sh\n")
    .action(
      specAction((options: CommonOptions) =>
        emit(renderPackerScript(planFor(options)), options.output, options, "provision.sh"),
      ),
    );
}
