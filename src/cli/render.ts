// `bake render`: write the review tree; its flags and what it does with them.
import type { Command } from "commander";

import { renderFiles } from "../emit/files.js";
import { resolve } from "node:path";
import { writeOutput } from "../write-output.js";
import { detail, status } from "./status.js";
import { checkUserDataSize } from "../emit/size.js";
import { specAction, withSpecOptions, planFor, reportSize, type CommonOptions } from "./options.js";

export function renderCommand(program: Command): void {
  withSpecOptions(program.command("render"), "dir")
    .description("write user-data, provision.sh and every file under files/<absolute path>, for review and diffing")
    .addHelpText("after", "\nExample:\n  $ bake render -c examples/guide.yaml -o out/\n")
    .action(
      specAction((options: CommonOptions) => {
        const rendered = renderFiles(planFor(options));
        // The user-data written here is cloud-init's without --cloud: the same warning.
        reportSize(
          checkUserDataSize(Buffer.from(rendered.find((f) => f.path === "user-data")!.content), "none", "text"),
          { ...options, cloud: "none" },
        );
        for (const file of rendered) {
          writeOutput(resolve(options.output!, file.path), file.content, file.mode);
          detail(options, `wrote ${file.path} (${file.mode}, ${Buffer.byteLength(file.content)} bytes)`);
        }
        status(options, `wrote ${rendered.length} files to ${options.output}`);
      }),
    );
}
