// `bake validate`: check a spec and render everything in memory; its flags and what it does with them.
import { type Command, Option } from "commander";
import { CLOUDS } from "../emit/size.js";
import { renderPackerScript } from "../emit/packer.js";
import { renderUserData } from "../emit/user-data.js";
import { describeSize, detail, status } from "./status.js";
import {
  specAction,
  withSpecOptions,
  withMergeOptions,
  planFor,
  reportSize,
  composerFor,
  specLabel,
  type CloudInitCliOptions,
} from "./options.js";

export function validateCommand(program: Command): void {
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
        const p = planFor(options);
        // The size line cloud-init gives, without its note on the form it prints.
        const { content, check } = renderUserData(p, {
          cloud: options.cloud,
          gzip: options.gzip,
          compose: await composerFor(p, options, command),
        });
        reportSize(check, options);
        detail(options, () => describeSize("user-data", content, options.cloud));
        const script = renderPackerScript(p);
        detail(options, () => describeSize("provision.sh", script));
        status(
          options,
          `${specLabel(options.config)} is valid (${p.spec.distro}/${p.spec.arch}, ${p.files.length} files, ${p.steps.length} steps)`,
        );
      }),
    );
}
