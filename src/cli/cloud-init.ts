// `bake cloud-init`: print a #cloud-config user-data; its flags and what it does with them.
import { type Command, Option } from "commander";
import { CLOUDS } from "../emit/size.js";
import {
  specAction,
  withSpecOptions,
  withMergeOptions,
  planFor,
  emit,
  userDataFor,
  composerFor,
  type CloudInitCliOptions,
} from "./options.js";

export function cloudInitCommand(program: Command): void {
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
        const p = planFor(options);
        emit(
          userDataFor(p, options, await composerFor(p, options, command)),
          options.output,
          options,
          "user-data",
          options.cloud,
        );
      }),
    );
}
