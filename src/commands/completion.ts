// `bake completion bash|zsh|fish`: commander does not write completion scripts,
// so this walks the program's commands and options and writes one per shell.
// The scripts are generated from the same Command objects the CLI parses with,
// so a new flag or choice is completed without editing anything here.
import type { Command } from "commander";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

interface FlagModel {
  short?: string;
  long?: string;
  description: string;
  /** undefined: a switch; "file": a path; "any": a value bake cannot guess; else the allowed values. */
  value?: "file" | "any" | string[];
}

interface CommandModel {
  name: string;
  description: string;
  flags: FlagModel[];
  /** What a positional argument completes to. */
  positional?: "file" | string[];
}

/** Options whose value is a path. */
const PATH_OPTIONS = new Set(["config", "output"]);
/** Positional arguments that are spec files. */
const PATH_ARGUMENTS = new Set(["spec", "specs"]);

/** One line, no characters a shell quoting or a zsh spec would trip on. */
const summary = (text: string) =>
  text
    .split(/[;.]\s/)[0]!
    .replace(/[[\]]/g, (c) => (c === "[" ? "(" : ")"))
    .replace(/[`$\\]/g, "")
    .slice(0, 80);

function word(text: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$|^--?[A-Za-z0-9][A-Za-z0-9-]*$/.test(text))
    throw new Error(`not a plain completion word: ${text}`);
  return text;
}

function flagsOf(command: Command): FlagModel[] {
  const flags: FlagModel[] = command.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      short: o.short ? word(o.short) : undefined,
      long: o.long ? word(o.long) : undefined,
      description: summary(o.description),
      value: o.argChoices
        ? o.argChoices.map(word)
        : o.required || o.optional
          ? PATH_OPTIONS.has(o.attributeName())
            ? "file"
            : "any"
          : undefined,
    }));
  flags.push({ short: "-h", long: "--help", description: "display help" });
  return flags;
}

function model(program: Command): { top: FlagModel[]; commands: CommandModel[] } {
  const commands = program.commands.map((c): CommandModel => {
    const argument = c.registeredArguments[0];
    const positional = argument
      ? PATH_ARGUMENTS.has(argument.name())
        ? ("file" as const)
        : argument.argChoices?.map(word)
      : undefined;
    return { name: word(c.name()), description: summary(c.description()), flags: flagsOf(c), positional };
  });
  const shells = commands.find((c) => c.name === "completion");
  if (shells) shells.positional = [...SHELLS];
  return { top: flagsOf(program), commands };
}

const names = (f: FlagModel) => [f.short, f.long].filter((n): n is string => n !== undefined);

function bash(program: Command): string {
  const { top, commands } = model(program);
  const out = [
    "# bash completion for bake (written by: bake completion bash)",
    "_bake() {",
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command="" flags="" values="" files="" i',
    "  for ((i = 1; i < COMP_CWORD; i++)); do",
    "    case ${COMP_WORDS[i]} in -*) ;; *) command=${COMP_WORDS[i]}; break ;; esac",
    "  done",
    '  case "$command" in',
    `    "") values="${commands.map((c) => c.name).join(" ")}"; flags="${top.flatMap(names).join(" ")}" ;;`,
  ];
  for (const c of commands) {
    out.push(`    ${c.name})`);
    const withValue = c.flags.filter((f) => f.value !== undefined);
    if (withValue.length > 0) {
      out.push('      case "$prev" in');
      for (const f of withValue) {
        const reply =
          f.value === "file"
            ? '$(compgen -f -- "$cur")'
            : f.value === "any"
              ? ""
              : `$(compgen -W "${f.value!.join(" ")}" -- "$cur")`;
        out.push(`        ${names(f).join("|")}) COMPREPLY=(${reply}); return ;;`);
      }
      out.push("      esac");
    }
    const choices = Array.isArray(c.positional) ? `; values="${c.positional.join(" ")}"` : "";
    out.push(
      `      flags="${c.flags.flatMap(names).join(" ")}"${choices}${c.positional === "file" ? "; files=1" : ""} ;;`,
    );
  }
  out.push(
    "  esac",
    '  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
    '  elif [[ -n $files ]]; then COMPREPLY=($(compgen -f -- "$cur"))',
    '  else COMPREPLY=($(compgen -W "$values" -- "$cur")); fi',
    "}",
    "complete -o default -F _bake bake",
    "",
  );
  return out.join("\n");
}

const zshQuote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

function zsh(program: Command): string {
  const { commands } = model(program);
  const out = [
    "#compdef bake",
    "# zsh completion for bake (written by: bake completion zsh)",
    "_bake() {",
    "  local -a commands",
    "  commands=(",
    ...commands.map((c) => `    ${zshQuote(`${c.name}:${c.description}`)}`),
    "  )",
    "  if (( CURRENT == 2 )); then",
    "    _describe -t commands 'bake command' commands",
    "    return",
    "  fi",
    "  local command=$words[2]",
    "  shift words",
    "  (( CURRENT-- ))",
    "  case $command in",
  ];
  for (const c of commands) {
    const specs = c.flags.flatMap((f) =>
      names(f).map((n) => {
        const action =
          f.value === undefined
            ? ""
            : f.value === "file"
              ? ":file:_files"
              : f.value === "any"
                ? ":value: "
                : `:value:(${f.value.join(" ")})`;
        return zshQuote(`*${n}[${f.description}]${action}`);
      }),
    );
    if (c.positional === "file") specs.push(zshQuote("*:spec file:_files"));
    else if (Array.isArray(c.positional)) specs.push(zshQuote(`:value:(${c.positional.join(" ")})`));
    out.push(`    (${c.name})`, `      _arguments -s ${specs.join(" \\\n        ")} ;;`);
  }
  out.push(
    "  esac",
    "}",
    // Autoloaded from $fpath, the file's body runs as the function; sourced, it registers it.
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _bake "$@"; else compdef _bake bake; fi',
    "",
  );
  return out.join("\n");
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function fish(program: Command): string {
  const { commands } = model(program);
  const out = ["# fish completion for bake (written by: bake completion fish)", "complete -c bake -f"];
  for (const c of commands)
    out.push(`complete -c bake -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.description)}`);
  for (const c of commands) {
    const when = `-n ${fishQuote(`__fish_seen_subcommand_from ${c.name}`)}`;
    for (const f of c.flags) {
      const flag = [f.short ? `-s ${f.short.slice(1)}` : "", f.long ? `-l ${f.long.slice(2)}` : ""]
        .filter(Boolean)
        .join(" ");
      const value =
        f.value === undefined
          ? ""
          : f.value === "file"
            ? " -r -F"
            : f.value === "any"
              ? " -x"
              : ` -x -a ${fishQuote(f.value.join(" "))}`;
      out.push(`complete -c bake ${when} ${flag}${value} -d ${fishQuote(f.description)}`);
    }
    if (c.positional === "file") out.push(`complete -c bake ${when} -F`);
    else if (Array.isArray(c.positional)) out.push(`complete -c bake ${when} -a ${fishQuote(c.positional.join(" "))}`);
  }
  return out.join("\n") + "\n";
}

export function completionScript(program: Command, shell: Shell): string {
  return { bash, zsh, fish }[shell](program);
}
