// `bake diff`: what two specs change on the node; its flags and what it does with them.
import type { Command } from "commander";
import { colorAllowed, detail } from "./status.js";
import { planFor, specLabel, specSource, collect, collectSet } from "./options.js";

/** bake diff --exit-code found differences: exit 1, with nothing more to print. */
export class OutputsDiffer extends Error {}

export function diffCommand(program: Command): void {
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
        const { diffPlans, formatDiff, summary } = await import("../commands/diff.js");
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
          plan: planFor({ config: oldFile, set: [], quiet: options.quiet, verbose: options.verbose }, false),
        };
        const now = {
          label: newSpec.config === undefined ? (options.set.length ? "--set" : "defaults") : specLabel(newSpec.config),
          plan: planFor({ ...newSpec, set: options.set, quiet: options.quiet, verbose: options.verbose }),
        };
        const diffs = diffPlans(old, now, Math.max(0, Number.parseInt(options.unified, 10) || 0));
        process.stdout.write(formatDiff(diffs, colorAllowed(process.stdout)));
        if (!options.quiet) process.stderr.write(summary(diffs, old.label, now.label) + "\n");
        for (const d of diffs) detail(options, `${d.status}: ${d.path}`);
        if (options.exitCode && diffs.length > 0) throw new OutputsDiffer();
      },
    );
}
