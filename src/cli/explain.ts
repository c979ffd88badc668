// `bake explain`: what a key means and changes; its flags and what it does with them.
import type { Command } from "commander";

import type { Distro } from "../schema/node-spec.js";
import { colorAllowed } from "./status.js";
import { distroOption } from "./options.js";

export function explainCommand(program: Command): void {
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
      const { explain, formatExplanations } = await import("../commands/explain.js");
      const items = explain(key, options.distro);
      const color = colorAllowed(process.stdout);
      process.stdout.write(
        options.json ? JSON.stringify(items, null, 2) + "\n" : formatExplanations(items, options.distro, color),
      );
    });
}
