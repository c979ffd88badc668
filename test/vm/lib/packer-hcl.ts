// Reads what the VM suite replays from a Packer template (examples/packer/*.pkr.hcl): the
// builder's ssh_username and shutdown_command, and each shell provisioner of the build, so
// the test runs the strings the example holds, not copies of them. A small reader for the
// HCL those examples use (blocks, strings, lists of strings, bools, numbers, var.NAME),
// not a general HCL parser: anything else it meets is an error.

export interface ShellProvisioner {
  /** inline commands, or undefined for a script provisioner */
  inline?: string[];
  /** the script attribute's value (var.NAME resolved to its default) */
  script?: string;
  remoteFolder: string;
  /** Packer's default: chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }} */
  executeCommand: string;
  expectDisconnect: boolean;
  validExitCodes: number[];
}

export interface PackerBuild {
  sshUsername: string;
  /** undefined where the builder stops the machine itself (amazon-ebs) */
  shutdownCommand?: string;
  provisioners: ShellProvisioner[];
  variables: Map<string, unknown>;
}

// Packer's shell provisioner defaults (developer.hashicorp.com/packer/docs/provisioners/shell, read 2026-12-06)
const DEFAULT_EXECUTE = "chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}";
const DEFAULT_REMOTE_FOLDER = "/tmp";

interface Block {
  labels: string[];
  attrs: Map<string, unknown>;
  blocks: { type: string; block: Block }[];
}

export function parsePackerTemplate(text: string, sourceType: string): PackerBuild {
  const root = parseBody(tokenize(text), { i: 0 }, true);
  const variables = new Map<string, unknown>();
  for (const { type, block } of root.blocks)
    if (type === "variable") variables.set(block.labels[0]!, block.attrs.get("default"));
  const resolve = (v: unknown) => {
    if (v instanceof VarRef) {
      if (!variables.has(v.name)) throw new Error(`var.${v.name} is not declared`);
      return variables.get(v.name);
    }
    return v;
  };
  const source = root.blocks.find((b) => b.type === "source" && b.block.labels[0] === sourceType)?.block;
  if (!source) throw new Error(`no source "${sourceType}" block`);
  const build = root.blocks.find((b) => b.type === "build")?.block;
  if (!build) throw new Error("no build block");
  const str = (b: Block, k: string, d?: string): string => {
    const v = resolve(b.attrs.get(k)) ?? d;
    if (typeof v !== "string") throw new Error(`${k} is not a string`);
    return v;
  };
  const provisioners = build.blocks
    .filter((b) => b.type === "provisioner")
    .map(({ block: p }): ShellProvisioner => {
      if (p.labels[0] !== "shell") throw new Error(`provisioner "${p.labels[0]}" is not replayed`);
      const inline = p.attrs.get("inline") as string[] | undefined;
      const codes = (p.attrs.get("valid_exit_codes") as number[] | undefined) ?? [0];
      return {
        inline,
        script: inline ? undefined : str(p, "script"),
        remoteFolder: str(p, "remote_folder", DEFAULT_REMOTE_FOLDER),
        executeCommand: str(p, "execute_command", DEFAULT_EXECUTE),
        expectDisconnect: (p.attrs.get("expect_disconnect") as boolean | undefined) ?? false,
        validExitCodes: codes,
      };
    });
  return {
    sshUsername: str(source, "ssh_username"),
    shutdownCommand: source.attrs.has("shutdown_command") ? str(source, "shutdown_command") : undefined,
    provisioners,
    variables,
  };
}

class VarRef {
  constructor(readonly name: string) {}
}

type Token = { kind: "str"; value: string } | { kind: "word"; value: string } | { kind: "punct"; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|#[^\n]*|\/\/[^\n]*|("(?:[^"\\]|\\.)*")|([A-Za-z0-9_.-]+)|([{}[\]=,()])|(.)/gsy;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) tokens.push({ kind: "str", value: JSON.parse(m[1]) as string });
    else if (m[2] !== undefined) tokens.push({ kind: "word", value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "punct", value: m[3] });
    else if (m[4] !== undefined) throw new Error(`unexpected ${JSON.stringify(m[4])} in the template`);
  }
  return tokens;
}

function parseBody(t: Token[], pos: { i: number }, top: boolean): Block {
  const block: Block = { labels: [], attrs: new Map(), blocks: [] };
  while (pos.i < t.length) {
    const tok = t[pos.i]!;
    if (tok.kind === "punct" && tok.value === "}") {
      if (top) throw new Error("unbalanced }");
      pos.i++;
      return block;
    }
    if (tok.kind !== "word" && tok.kind !== "str") throw new Error(`unexpected ${tok.value}`);
    pos.i++;
    const next = t[pos.i]!;
    if (next.kind === "punct" && next.value === "=") {
      pos.i++;
      block.attrs.set(tok.value, parseValue(t, pos));
      continue;
    }
    const labels: string[] = [];
    while (t[pos.i]!.kind === "str") labels.push(t[pos.i++]!.value);
    expectPunct(t, pos, "{");
    const child = parseBody(t, pos, false);
    child.labels = labels;
    block.blocks.push({ type: tok.value, block: child });
  }
  if (!top) throw new Error("unterminated block");
  return block;
}

function parseValue(t: Token[], pos: { i: number }): unknown {
  const tok = t[pos.i++]!;
  if (tok.kind === "str") return tok.value;
  if (tok.kind === "punct" && tok.value === "[") {
    const list: unknown[] = [];
    while (!(t[pos.i]!.kind === "punct" && t[pos.i]!.value === "]")) {
      list.push(parseValue(t, pos));
      if (t[pos.i]!.kind === "punct" && t[pos.i]!.value === ",") pos.i++;
    }
    pos.i++;
    return list;
  }
  if (tok.kind === "punct" && tok.value === "{") {
    // a map (tags, cd_content): not replayed, skipped whole
    let depth = 1;
    while (depth > 0) {
      const p = t[pos.i++]!;
      if (p.kind === "punct" && p.value === "{") depth++;
      if (p.kind === "punct" && p.value === "}") depth--;
    }
    return undefined;
  }
  if (tok.kind === "word") {
    if (tok.value === "true" || tok.value === "false") return tok.value === "true";
    if (tok.value === "null") return null;
    if (/^-?\d+$/.test(tok.value)) return Number(tok.value);
    if (tok.value.startsWith("var.")) return new VarRef(tok.value.slice(4));
    return new VarRef(`<expression ${tok.value}>`);
  }
  throw new Error(`unexpected ${tok.value}`);
}

function expectPunct(t: Token[], pos: { i: number }, p: string): void {
  const tok = t[pos.i++];
  if (tok?.kind !== "punct" || tok.value !== p) throw new Error(`expected ${p}, got ${tok?.value}`);
}

/**
 * Packer's templatefile() for the seed's user-data: `${name}` from vars; `$${` and `%{` (escapes,
 * directives) do not occur in the seed and are refused rather than rendered wrongly.
 */
export function renderTemplateFile(text: string, vars: Record<string, string>): string {
  if (/\$\$\{|%\{/.test(text)) throw new Error("template escapes or directives are not supported here");
  return text.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`template variable ${name} not given`);
    return vars[name]!;
  });
}
