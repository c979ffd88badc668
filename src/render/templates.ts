// Handlebars with no HTML escaping and no way to print a raw value: every
// {{...}} must call one of the escaping helpers below (checked when a template
// is compiled), and strict mode turns a missing variable into an error.
import { readFileSync } from "node:fs";
import Handlebars from "handlebars";
import { aptValue, plainLine, repoValue, shellWord, systemdEnvAssignment, tomlString, yamlBlock, yamlString } from "./escape.js";
import { ShellCode } from "./shell.js";

const TEMPLATE_DIR = new URL("../../templates/", import.meta.url);

const hb = Handlebars.create();

const asString = (value: unknown, helper: string): string => {
  if (typeof value !== "string") throw new TypeError(`{{${helper}}} expects a string, got ${typeof value}`);
  return value;
};

const helpers: Record<string, (...args: unknown[]) => string> = {
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
    if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`{{int}} expects an integer, got ${String(v)}`);
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
for (const [name, fn] of Object.entries(helpers)) {
  // Handlebars passes its options object last; helpers take only their arguments.
  hb.registerHelper(name, (...args: unknown[]) => fn(...args.slice(0, -1)));
}

const BLOCK_HELPERS = new Set(["if", "unless", "each"]);

/** Reject any {{x}} that does not go through an escaping helper. */
function checkTemplate(name: string, source: string): void {
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === "MustacheStatement") {
      const m = node as hbs.AST.MustacheStatement;
      const helper = (m.path as hbs.AST.PathExpression).original;
      if (!(helper in helpers) || m.params.length === 0) {
        throw new Error(`template ${name}: {{${helper}}} at line ${m.loc.start.line} prints a value without an escaping helper`);
      }
    }
    if (node.type === "BlockStatement") {
      const b = node as hbs.AST.BlockStatement;
      const helper = (b.path as hbs.AST.PathExpression).original;
      if (!BLOCK_HELPERS.has(helper)) throw new Error(`template ${name}: unknown block {{#${helper}}}`);
      b.program.body.forEach(visit);
      b.inverse?.body.forEach(visit);
    }
  };
  hb.parse(source).body.forEach(visit);
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

export function renderTemplate(name: string, data: object): string {
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(new URL(name, TEMPLATE_DIR), "utf8");
    checkTemplate(name, source);
    template = hb.compile(source, { strict: true, noEscape: true });
    cache.set(name, template);
  }
  return template(data);
}

/** Whether heredoc() can carry this content unchanged. */
export function fitsHeredoc(content: string): boolean {
  return content.endsWith("\n") && !/[\r\0]/.test(content);
}

/** `<<'TAG'` + content + `TAG`, with a tag that no line of content equals. */
export function heredoc(content: string): string {
  if (!fitsHeredoc(content)) throw new Error("heredoc content must be text ending in a newline");
  const contentLines = new Set(content.split("\n"));
  let tag = "BAKE_EOF";
  for (let n = 1; contentLines.has(tag); n++) tag = `BAKE_EOF_${n}`;
  return `<<'${tag}'\n${content}${tag}`;
}

export function base64Heredoc(content: string): string {
  const b64 = Buffer.from(content, "utf8").toString("base64");
  return `<<'BAKE_B64'\n${b64.replace(/.{1,76}/g, "$&\n")}BAKE_B64`;
}
