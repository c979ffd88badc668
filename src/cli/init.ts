// `bake init`: write a commented starter spec; its flags and what it does with them.
import { type Command, Option } from "commander";
import { writeOutput } from "../write-output.js";
import { PROFILES, type Profile } from "../commands/profiles.js";
import type { Distro } from "../schema/node-spec.js";
import { status } from "./status.js";
import { distroOption } from "./options.js";

export function initCommand(program: Command): void {
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
        const { writeStarter } = await import("../commands/init.js");
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
}
