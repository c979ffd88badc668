// `bake completion`: print a shell completion script; its flags and what it does with them.
import type { Command } from "commander";

export function completionCommand(program: Command): void {
  program
    .command("completion")
    .argument("<shell>", "bash, zsh or fish")
    .description("print a shell completion script for bake's commands, flags and their values")
    .addHelpText(
      "after",
      '\nInstall:\n  bash: $ bake completion bash > ~/.local/share/bash-completion/completions/bake\n  zsh:  $ bake completion zsh > "${fpath[1]}/_bake"     (or: source <(bake completion zsh))\n  fish: $ bake completion fish > ~/.config/fish/completions/bake.fish\n',
    )
    .action(async (shell: string, _options: unknown, command: Command) => {
      const { completionScript, SHELLS } = await import("../commands/completion.js");
      if (!(SHELLS as readonly string[]).includes(shell))
        command.error(`error: no completion for ${JSON.stringify(shell)}; choose one of ${SHELLS.join(", ")}`);
      process.stdout.write(completionScript(program, shell as (typeof SHELLS)[number]));
    });
}
