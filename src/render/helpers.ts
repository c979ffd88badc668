// The only helpers a template may print a value through: each one escapes for
// its target language (see escape.ts). templates.ts registers them with the
// Handlebars runtime; scripts/template-check.ts refuses any {{x}} that bypasses them.
import {
  aptValue,
  plainLine,
  repoValue,
  shellWord,
  systemdEnvAssignment,
  tomlString,
  yamlBlock,
  yamlString,
} from "./escape.js";
import { ShellCode } from "./shell.js";

const asString = (value: unknown, helper: string): string => {
  if (typeof value !== "string") throw new TypeError(`{{${helper}}} expects a string, got ${typeof value}`);
  return value;
};

export const helpers: Record<string, (...args: unknown[]) => string> = {
  toml: (v) => tomlString(asString(v, "toml")),
  tomlList: (v) => `[${(v as unknown[]).map((item) => tomlString(asString(item, "tomlList"))).join(", ")}]`,
  yaml: (v) => yamlString(asString(v, "yaml")),
  yamlBlock: (v, indent) => yamlBlock(asString(v, "yamlBlock"), Number(indent)),
  sh: (v) => shellWord(asString(v, "sh")),
  systemdEnv: (v) => systemdEnvAssignment(asString(v, "systemdEnv")),
  repo: (v) => repoValue(asString(v, "repo")),
  apt: (v) => aptValue(asString(v, "apt")),
  line: (v) => plainLine(typeof v === "number" ? String(v) : asString(v, "line")),
  int: (v) => {
    if (typeof v !== "number" || !Number.isInteger(v))
      throw new TypeError(`{{int}} expects an integer, got ${String(v)}`);
    return String(v);
  },
  bool: (v) => {
    if (typeof v !== "boolean") throw new TypeError(`{{bool}} expects a boolean, got ${String(v)}`);
    return String(v);
  },
  /** Trusted shell code built with the sh`` tag. */
  code: (v) => {
    if (!(v instanceof ShellCode)) throw new TypeError("{{code}} only prints ShellCode built with the sh`` tag");
    return v.text;
  },
  /** A quoted here-document carrying text `content` byte for byte. */
  heredoc: (v) => heredoc(asString(v, "heredoc")),
  /** A here-document of `content` as base64, for content a text heredoc cannot carry. */
  base64Heredoc: (v) => base64Heredoc(asString(v, "base64Heredoc")),
};

/** The block helpers a template may use. */
export const BLOCK_HELPERS = new Set(["if", "unless", "each"]);

/** Whether heredoc() can carry this content unchanged. */
export function fitsHeredoc(content: string): boolean {
  return content.endsWith("\n") && !content.includes("\r") && !content.includes("\0");
}

/** `<<'TAG'` + content + `TAG`, with a tag that no line of content equals. */
export function heredoc(content: string): string {
  if (!fitsHeredoc(content)) throw new Error("heredoc content must be text ending in a newline");
  // content ends in a newline, so a line equal to tag is at the start or between two newlines.
  const isLine = (tag: string) => content.startsWith(`${tag}\n`) || content.includes(`\n${tag}\n`);
  let tag = "BAKE_EOF";
  for (let n = 1; isLine(tag); n++) tag = `BAKE_EOF_${n}`;
  return `<<'${tag}'\n${content}${tag}`;
}

export function base64Heredoc(content: string): string {
  const b64 = Buffer.from(content, "utf8").toString("base64");
  return `<<'BAKE_B64'\n${b64.replace(/.{1,76}/g, "$&\n")}BAKE_B64`;
}
