// `bake schema`: print the JSON Schema; its flags and what it does with them.
import type { Command } from "commander";
import { emit } from "./options.js";

export function schemaCommand(program: Command): void {
  program
    .command("schema")
    .description(
      "print the JSON Schema of the spec, for editors (the package also ships it as schema/bake.schema.json)",
    )
    .option("-o, --output <file>", "write here instead of stdout")
    .addHelpText("after", "\nExample:\n  $ bake schema > bake.schema.json\n")
    .action(async (options: { output?: string }) => {
      const { schemaText } = await import("../schema/document.js");
      emit(schemaText(), options.output, {}, "schema");
    });
}
