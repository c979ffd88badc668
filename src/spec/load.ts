// Load: read the spec (YAML or TOML, file or stdin), apply --set overrides,
// and keep enough of the source to point diagnostics at line:column.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as YamlModule from "yaml";
import type TomlModule from "@iarna/toml";
import { SpecError, type Diagnostic, type SourcePosition } from "../report.js";
import { inputSchemaJson, type JsonSchema } from "./input-schema.js";

// yaml and @iarna/toml load only when a spec or --set is actually parsed: a run
// on the defaults needs neither. Both ship CommonJS, so require() them in place.
const require = createRequire(import.meta.url);
const yaml = (): typeof YamlModule => require("yaml") as typeof YamlModule;
const toml = (): typeof TomlModule => require("@iarna/toml") as typeof TomlModule;

export type KeyPath = (string | number)[];

/** The raw spec as the user wrote it, before defaults, with a way back to the text. */
export interface LoadedSpec {
  data: Record<string, unknown>;
  /** Where a key path came from; undefined when nothing better than the file is known. */
  locate(path: KeyPath, target: "key" | "value"): SourcePosition | undefined;
}

export interface LoadOptions {
  /** File path, "-" for stdin, or undefined for built-in defaults only. */
  file?: string;
  /** The text itself (library use); takes precedence over reading `file`. */
  text?: string;
  format?: "yaml" | "toml";
  /** --set key.path=value overrides, applied in order. */
  sets?: string[];
}

export const MAX_SPEC_BYTES = 1024 * 1024;

export function loadSpec(options: LoadOptions = {}): LoadedSpec {
  const fileName = options.file === "-" ? "<stdin>" : (options.file ?? "<defaults>");
  let base: LoadedSpec = { data: {}, locate: () => undefined };
  if (options.text !== undefined || options.file !== undefined) {
    const text = options.text ?? readSpecText(options.file!);
    const format = options.format ?? detectFormat(options.file, text);
    base = format === "toml" ? parseTomlSpec(text, fileName) : parseYamlSpec(text, fileName);
  }
  return applySets(base, options.sets ?? []);
}

function readSpecText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = file === "-" ? readFileSync(0) : readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      ENOENT: "no such file",
      EACCES: "permission denied",
      EISDIR: "is a directory",
      ENOTDIR: "a parent of it is not a directory",
      ELOOP: "too many symbolic links",
    };
    const reason = reasons[code ?? ""] ?? (error as Error).message;
    throw new SpecError([{ severity: "error", path: "", message: `cannot read spec ${file}: ${reason}` }]);
  }
  if (bytes.length > MAX_SPEC_BYTES) {
    throw new SpecError([{ severity: "error", path: "", message: `spec ${file} is ${bytes.length} bytes; the limit is ${MAX_SPEC_BYTES} (1 MiB)` }]);
  }
  if (bytes.includes(0)) {
    throw new SpecError([{ severity: "error", path: "", message: `spec ${file} is a binary file, not YAML or TOML text` }]);
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\uFFFD")) {
    throw new SpecError([{ severity: "error", path: "", message: `spec ${file} is not valid UTF-8 text` }]);
  }
  return text.replace(/^\uFEFF/, "");
}

function detectFormat(file: string | undefined, text: string): "yaml" | "toml" {
  if (file?.endsWith(".toml")) return "toml";
  if (file && /\.ya?ml$/.test(file)) return "yaml";
  // stdin or an unusual name: TOML if the first meaningful line is a table or key = value.
  const first = text.split("\n").find((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  return first !== undefined && /^\s*(\[|[A-Za-z0-9_."'-]+\s*=)/.test(first) ? "toml" : "yaml";
}

function position(file: string, text: string, line: number, column: number, length: number): SourcePosition {
  return { file, line, column, lineText: text.split("\n")[line - 1]?.replace(/\r$/, "") ?? "", length };
}

function parseYamlSpec(text: string, file: string): LoadedSpec {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: "1.2" });
  const at = (offset: number, length: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return position(file, text, line, col, length);
  };
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => ({
        severity: "error" as const,
        path: "",
        message:
          e.code === "MULTIPLE_DOCS"
            ? "invalid YAML: a spec is one document; remove the second --- and what follows, or split it into two files"
            : `invalid YAML: ${e.message.split("\n")[0]}`,
        position: at(e.pos[0], Math.max(1, e.pos[1] - e.pos[0])),
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SpecError([{ severity: "error", path: "", message: `invalid YAML: ${(error as Error).message}` }]);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new SpecError([{ severity: "error", path: "", message: "the spec must be a mapping of keys (distro:, containerd:, ...)", position: at(0, 1) }]);
  }
  return { data: data as Record<string, unknown>, locate: (path, target) => locateInYaml(doc, path, target, at) };
}

function locateInYaml(doc: YamlModule.Document, path: KeyPath, target: "key" | "value", at: (offset: number, length: number) => SourcePosition): SourcePosition | undefined {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  // Walk down as far as the document goes; a missing key points at its parent.
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
      keyNode = undefined;
      node = node.items[segment];
    } else break;
  }
  const chosen = target === "key" && keyNode ? keyNode : (node ?? keyNode);
  const range = (chosen as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return undefined;
  // The code frame cuts the underline at the end of the line.
  return at(range[0], Math.max(1, range[1] - range[0]));
}

function parseTomlSpec(text: string, file: string): LoadedSpec {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(JSON.stringify(toml().parse(text))) as Record<string, unknown>;
  } catch (error) {
    const e = error as Error & { line?: number; col?: number };
    const message = e.message.split("\n")[0]?.replace(/ at row \d+, col \d+, pos \d+:?$/, "") ?? "parse error";
    throw new SpecError([
      {
        severity: "error",
        path: "",
        message: `invalid TOML: ${message}`,
        position: e.line !== undefined ? position(file, text, e.line + 1, (e.col ?? 0) + 1, 1) : undefined,
      },
    ]);
  }
  const keyLines = tomlKeyLines(text);
  return {
    data,
    locate: (path) => {
      for (let n = path.length; n > 0; n--) {
        const found = keyLines.get(path.slice(0, n).join("\u0000"));
        if (found) return position(file, text, found.line, found.column, found.length);
      }
      return undefined;
    },
  };
}

/** Line of every `key = value` and `[table]` in a TOML text, keyed by full key path. */
function tomlKeyLines(text: string): Map<string, { line: number; column: number; length: number }> {
  const found = new Map<string, { line: number; column: number; length: number }>();
  let table: string[] = [];
  text.split("\n").forEach((raw, index) => {
    const header = /^(\s*)\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(raw);
    if (header) {
      table = splitDottedKey(header[2]!);
      found.set(table.join("\u0000"), { line: index + 1, column: header[1]!.length + 1, length: raw.trim().length });
      return;
    }
    const assignment = /^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(raw);
    if (assignment) {
      const key = [...table, ...splitDottedKey(assignment[2]!)];
      found.set(key.join("\u0000"), { line: index + 1, column: assignment[1]!.length + 1, length: assignment[2]!.length });
    }
  });
  return found;
}

function splitDottedKey(key: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(key)) !== null && match[0] !== "") parts.push(match[1] ?? match[2] ?? match[3] ?? "");
  return parts;
}

const isMapping = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

// ---- --set key.path=value (Helm-style; the value is parsed as YAML)

function applySets(base: LoadedSpec, sets: string[]): LoadedSpec {
  if (sets.length === 0) return base;
  const data = structuredClone(base.data);
  const origins = new Map<string, SourcePosition>();
  const diagnostics: Diagnostic[] = [];
  for (const assignment of sets) {
    const eq = assignment.indexOf("=");
    const origin = position("--set", assignment, 1, 1, eq > 0 ? eq : assignment.length);
    if (eq <= 0) {
      diagnostics.push({ severity: "error", path: "", message: `--set ${JSON.stringify(assignment)} must look like key.path=value`, position: origin });
      continue;
    }
    const text = assignment.slice(eq + 1);
    let value: unknown;
    let path: string[] = assignment.slice(0, eq).split(".");
    try {
      value = yaml().parse(text, { version: "1.2", uniqueKeys: true });
      const resolved = resolveSetPath(assignment.slice(0, eq), isMapping(value));
      path = resolved.path;
      const schema = resolved.schema;
      // A string key keeps the text as typed: --set containerd.version=1.7 means "1.7".
      if (schema?.type === "string" && (typeof value === "number" || typeof value === "boolean")) value = text;
    } catch (error) {
      diagnostics.push({ severity: "error", path: path.join("."), message: `--set value is not valid YAML: ${(error as Error).message.split("\n")[0]}`, position: { ...origin, column: eq + 2, length: assignment.length - eq - 1 } });
      continue;
    }
    const problem = setIn(data, path, value ?? "");
    if (problem) diagnostics.push({ severity: "error", path: path.join("."), message: problem, position: origin });
    origins.set(path.join("\u0000"), { ...origin, column: eq + 2, length: Math.max(1, assignment.length - eq - 1) });
  }
  if (diagnostics.length > 0) throw new SpecError(diagnostics);
  return {
    data,
    locate: (path, target) => {
      for (let n = path.length; n > 0; n--) {
        const origin = origins.get(path.slice(0, n).join("\u0000"));
        if (origin) return origin;
      }
      // An error about a parent of what --set wrote (containerd.root after --set containerd.root.x=1).
      const prefix = path.join("\u0000") + "\u0000";
      for (const [key, origin] of origins) if (key.startsWith(prefix)) return origin;
      return base.locate(path, target);
    },
  };
}

/**
 * Split a --set key on dots. Map keys that hold dots (sysctl names, registry
 * hosts) need no escaping: inside a map, the schema says where the key ends.
 * "\." still forces a literal dot. Returns the path and the schema it ends at.
 */
function resolveSetPath(key: string, valueIsMapping: boolean): { path: string[]; schema: JsonSchema | undefined } {
  const raw = key.split(/(?<!\\)\./).map((s) => s.replace(/\\\./g, "."));
  const path: string[] = [];
  let schema: JsonSchema | undefined = inputSchemaJson();
  let i = 0;
  while (i < raw.length) {
    const props = schema?.properties as Record<string, JsonSchema> | undefined;
    const mapValue = typeof schema?.additionalProperties === "object" ? (schema.additionalProperties as JsonSchema) : undefined;
    if (props && raw[i]! in props) {
      path.push(raw[i]!);
      schema = props[raw[i]!];
      i++;
    } else if (mapValue) {
      const valueSchema = mapValue;
      const valueProps = (valueSchema?.properties ?? {}) as Record<string, JsonSchema>;
      // The map key runs until the next segment that names a property of the value.
      let end = i + 1;
      while (end < raw.length && !(raw[end]! in valueProps)) end++;
      if (Object.keys(valueProps).length === 0) end = raw.length;
      // docker.io.mirorrs=[...]: a list or scalar cannot be a whole registry, so the
      // last segment is a (misspelt) property, which validation then names.
      else if (end === raw.length && end - i >= 2 && !valueIsMapping) end--;
      path.push(raw.slice(i, end).join("."));
      schema = valueSchema;
      i = end;
    } else {
      path.push(...raw.slice(i));
      return { path, schema: undefined };
    }
  }
  return { path, schema };
}

function setIn(data: Record<string, unknown>, path: string[], value: unknown): string | undefined {
  let node: Record<string, unknown> = data;
  for (const [index, segment] of path.slice(0, -1).entries()) {
    const next = node[segment];
    if (next === undefined) node[segment] = {};
    else if (typeof next !== "object" || next === null || Array.isArray(next)) {
      return `cannot set a key inside ${path.slice(0, index + 1).join(".")}, which is not a mapping`;
    }
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
  return undefined;
}
