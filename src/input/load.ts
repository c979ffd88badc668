// Load: read the spec (YAML or TOML, file or stdin), apply --set overrides,
// and keep enough of the source to point diagnostics at line:column.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as YamlModule from "yaml";
import type TomlModule from "@iarna/toml";
import { SpecError, type Diagnostic, type SourcePosition } from "../report.js";
import { inputSchemaJson, type JsonSchema } from "../schema/shipped.js";
import { displayPath, joinedPrefix, joinKey, setIn, splitKey, type KeyPath } from "../schema/key-path.js";

// yaml and @iarna/toml load only when a spec or --set is actually parsed: a run
// on the defaults needs neither. Both ship CommonJS, so require() them in place.
const require = createRequire(import.meta.url);
/** The yaml module, loaded at first use (compose reads user-data with it too). */
export const yaml = (): typeof YamlModule => require("yaml") as typeof YamlModule;
const toml = (): typeof TomlModule => require("@iarna/toml") as typeof TomlModule;

/** The raw spec as the user wrote it, before defaults, with a way back to the text. */
export interface LoadedSpec {
  data: Record<string, unknown>;
  /** Where a key path came from; undefined when nothing better than the file is known. */
  locate(path: KeyPath, target: "key" | "value"): SourcePosition | undefined;
  /** How many leading segments of path the source itself holds; lets --set tell whose position is nearer. */
  depth?(path: KeyPath): number;
  /** The spec text held nothing but blank lines and comments, so only defaults (and --set) apply. */
  empty?: boolean;
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
  let empty = false;
  if (options.text !== undefined || options.file !== undefined) {
    const text = options.text ?? readSpecText(options.file!);
    const format = options.format ?? detectFormat(options.file, text);
    base = format === "toml" ? parseTomlSpec(text, fileName) : parseYamlSpec(text, fileName);
    empty = isBlankSpec(text);
  }
  return { ...applySets(base, options.sets ?? []), empty };
}

/** Only blank lines, comments and YAML document markers: the same in YAML and TOML. */
const isBlankSpec = (text: string) => text.split("\n").every((line) => /^\s*(#.*)?$|^(---|\.\.\.)\s*$/.test(line));

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
  return specText(bytes, file);
}

/** The bytes of a spec as text; too large, binary or not UTF-8 is an error naming where they came from. */
export function specText(bytes: Buffer, file: string): string {
  if (bytes.length > MAX_SPEC_BYTES) {
    throw new SpecError([
      {
        severity: "error",
        path: "",
        message: `spec ${file} is ${bytes.length} bytes; the limit is ${MAX_SPEC_BYTES} (1 MiB)`,
      },
    ]);
  }
  if (bytes.includes(0)) {
    throw new SpecError([
      { severity: "error", path: "", message: `spec ${file} is a binary file, not YAML or TOML text` },
    ]);
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

export function position(file: string, text: string, line: number, column: number, length: number): SourcePosition {
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
    throw new SpecError(doc.errors.map((e) => yamlSyntaxError(e, doc, text, at)));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SpecError([{ severity: "error", path: "", message: `invalid YAML: ${(error as Error).message}` }]);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new SpecError([
      {
        severity: "error",
        path: "",
        message: "the spec must be a mapping of keys (distro:, containerd:, ...)",
        position: at(0, 1),
      },
    ]);
  }
  return {
    data: data as Record<string, unknown>,
    locate: (path, target) => locateInYaml(doc, path, target, at),
    depth: (path) => yamlNodeAt(doc, path).depth,
  };
}

/**
 * A YAML syntax error at the node that caused it. The parser reports some
 * errors where it noticed them, not where the mistake is: an over-indented key
 * at the blank line before it, an unclosed [ or { at the end of the file.
 */
export function yamlSyntaxError(
  e: YamlModule.YAMLError,
  doc: YamlModule.Document,
  text: string,
  at: (offset: number, length: number) => SourcePosition,
): Diagnostic {
  const first = e.message.split("\n")[0]!;
  const error = (message: string, offset: number, length: number): Diagnostic => ({
    severity: "error",
    path: "",
    message: `invalid YAML: ${message}`,
    position: at(offset, Math.max(1, length)),
  });
  if (e.code === "MULTIPLE_DOCS")
    return error(
      "a spec is one document; remove the second --- and what follows, or split it into two files",
      e.pos[0],
      e.pos[1] - e.pos[0],
    );
  const unclosed = /^Flow (sequence|map) .* end with a ([\]}])/.exec(first);
  if (unclosed) {
    const opener = unclosedNodeStart(doc, e.pos[0], "flow");
    if (opener !== undefined)
      return error(
        `this ${unclosed[2] === "]" ? "[" : "{"} is never closed: end the flow ${unclosed[1]} with ${unclosed[2]} (on the same line, or on a line indented deeper than its key)`,
        opener,
        1,
      );
  }
  const quote = /^Missing closing (["'])quote/.exec(first);
  if (quote) {
    const opener = unclosedNodeStart(doc, e.pos[0], "quoted");
    if (opener !== undefined)
      return error(`this ${quote[1]} is never closed: end the string with ${quote[1]}`, opener, 1);
  }
  if (e.code === "BAD_INDENT" && /mapping items must start at the same column/.test(first)) {
    const key = nextContentOffset(text, e.pos[0]);
    return error(
      `this key is indented deeper than the keys before it; ${indentHint(text, key)}`,
      key,
      keyLength(text, key),
    );
  }
  // Never point past the last character of the file.
  const last = text.trimEnd().length;
  const offset = e.pos[0] >= last && last > 0 ? last - 1 : e.pos[0];
  return error(first, offset, e.pos[1] - e.pos[0]);
}

/** Where the innermost flow collection ([ or {) or quoted string that runs to the error opens. */
function unclosedNodeStart(doc: YamlModule.Document, errorOffset: number, kind: "flow" | "quoted"): number | undefined {
  const { visit } = yaml();
  let opener: number | undefined;
  const consider = (node: { range?: [number, number, number] | null }) => {
    if (node.range && node.range[1] === errorOffset && (opener === undefined || node.range[0] > opener))
      opener = node.range[0];
  };
  if (kind === "flow")
    visit(doc, {
      Seq: (_, node) => void (node.flow && consider(node)),
      Map: (_, node) => void (node.flow && consider(node)),
    });
  else
    visit(doc, {
      Scalar: (_, node) => void ((node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && consider(node)),
    });
  return opener;
}

/** The first offset at or after `offset` that is neither blank nor inside a comment line. */
function nextContentOffset(text: string, offset: number): number {
  const re = /(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*/y;
  re.lastIndex = text.lastIndexOf("\n", offset - 1) + 1;
  const match = re.exec(text);
  return match ? re.lastIndex : offset;
}

const keyLength = (text: string, offset: number) => /^[^:\n]*/.exec(text.slice(offset))![0].trimEnd().length;

/**
 * What the line above an over-indented key says about the fix. bake init writes
 * sections as "# containerd:" with their keys indented below, so uncommenting a
 * key alone leaves it under a commented-out parent; and "registries: {}" is
 * already a (empty) value, so keys cannot go under it.
 */
function indentHint(text: string, offset: number): string {
  const lines = text.slice(0, offset).split("\n");
  const indent = lines.pop()!.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.replace(/\r$/, "");
    if (line.trim() === "" || /^\s*##/.test(line) || /^\s*\S/.exec(line)![0].length - 1 >= indent) continue;
    const section = /^\s*# ([^\s:#][^:#]*):\s*$/.exec(line);
    if (section) return `its parent "${section[1]}:" is commented out on line ${i + 1}: uncomment that line too`;
    const empty = /^\s*([^\s:#][^:#]*):\s*(\{\}|\[\])\s*(#.*)?$/.exec(line);
    if (empty)
      return `"${empty[1]}: ${empty[2]}" on line ${i + 1} is already an empty value: delete the ${empty[2]} to put keys under it`;
    break;
  }
  return "indent it like the keys beside it";
}

/** Walk down as far as the document goes; a missing key stops at its parent. */
function yamlNodeAt(doc: YamlModule.Document, path: KeyPath): { node: unknown; keyNode: unknown; depth: number } {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let depth = 0;
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
    depth++;
  }
  return { node, keyNode, depth };
}

function locateInYaml(
  doc: YamlModule.Document,
  path: KeyPath,
  target: "key" | "value",
  at: (offset: number, length: number) => SourcePosition,
): SourcePosition | undefined {
  const { node, keyNode } = yamlNodeAt(doc, path);
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
        position:
          e.line !== undefined ? tomlErrorPosition(file, text, message, e.line + 1, (e.col ?? 0) + 1) : undefined,
      },
    ]);
  }
  const keyLines = tomlKeyLines(text);
  const find = (path: KeyPath) => {
    const exact = keyLines.get(joinKey(path));
    if (exact) return { found: exact, depth: path.length };
    // registries.docker.io.mirrors = ... or [containerd.registries.docker.io] holds
    // the path without naming it alone: the first line under it is where it was written.
    const prefix = joinedPrefix(path);
    let below: { line: number; column: number; length: number } | undefined;
    for (const [key, found] of keyLines)
      if (key.startsWith(prefix) && (!below || found.line < below.line)) below = found;
    if (below) return { found: below, depth: path.length };
    for (let n = path.length - 1; n > 0; n--) {
      const found = keyLines.get(joinKey(path.slice(0, n)));
      if (found) return { found, depth: n };
    }
    return undefined;
  };
  return {
    data,
    locate: (path) => {
      const hit = find(path)?.found;
      return hit && position(file, text, hit.line, hit.column, hit.length);
    },
    depth: (path) => find(path)?.depth ?? 0,
  };
}

/**
 * @iarna/toml notices some mistakes at the end of their line; point at what
 * caused them: the redefined key or table, the opening quote, the unclosed [.
 */
function tomlErrorPosition(file: string, text: string, message: string, line: number, column: number): SourcePosition {
  const lineText = text.split("\n")[line - 1]?.replace(/\r$/, "") ?? "";
  const at = (col: number, length: number) => position(file, text, line, col, length);
  if (/^Can't redefine/.test(message)) {
    const key = /^(\s*)(\[\[?[^\]]*\]\]?|[^=#]*[^=#\s])/.exec(lineText);
    if (key?.[2]) return at(key[1]!.length + 1, key[2].length);
  }
  if (/^Unterminated string/.test(message)) {
    const quote = /=\s*("""|'''|"|')/.exec(lineText);
    if (quote) return at(quote.index + quote[0].length - quote[1]!.length + 1, 1);
  }
  const header = /^(\s*)\[/.exec(lineText);
  if (header && !lineText.includes("]") && / or \]$/.test(message)) return at(header[1]!.length + 1, 1);
  return at(Math.min(column, lineText.length + 1), 1);
}

/** Line of every `key = value` and `[table]` in a TOML text, keyed by full key path. */
function tomlKeyLines(text: string): Map<string, { line: number; column: number; length: number }> {
  const found = new Map<string, { line: number; column: number; length: number }>();
  let table: string[] = [];
  text.split("\n").forEach((raw, index) => {
    const header = /^(\s*)\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(raw);
    if (header) {
      table = splitDottedKey(header[2]!);
      found.set(joinKey(table), { line: index + 1, column: header[1]!.length + 1, length: raw.trim().length });
      return;
    }
    const assignment =
      /^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(raw);
    if (assignment) {
      const key = [...table, ...splitDottedKey(assignment[2]!)];
      found.set(joinKey(key), { line: index + 1, column: assignment[1]!.length + 1, length: assignment[2]!.length });
    }
  });
  return found;
}

function splitDottedKey(key: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/gy;
  for (let match = re.exec(key); match !== null && match[0] !== ""; match = re.exec(key))
    parts.push(match[1] ?? match[2] ?? match[3] ?? "");
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
      diagnostics.push({
        severity: "error",
        path: "",
        message: `--set ${JSON.stringify(assignment)} must look like key.path=value`,
        position: origin,
      });
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
      diagnostics.push({
        severity: "error",
        path: displayPath(path),
        message: `--set value is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
        position: { ...origin, column: eq + 2, length: assignment.length - eq - 1 },
      });
      continue;
    }
    const problem = setIn(data, path, value ?? "");
    if (problem) diagnostics.push({ severity: "error", path: displayPath(path), message: problem, position: origin });
    origins.set(joinKey(path), { ...origin, column: eq + 2, length: Math.max(1, assignment.length - eq - 1) });
  }
  if (diagnostics.length > 0) throw new SpecError(diagnostics);
  return {
    data,
    locate: (path, target) => {
      for (let n = path.length; n > 0; n--) {
        const origin = origins.get(joinKey(path.slice(0, n)));
        if (origin) return origin;
      }
      // An error about a parent of what --set wrote (containerd.root after --set containerd.root.x=1).
      const prefix = joinedPrefix(path);
      for (const [key, origin] of origins) if (key.startsWith(prefix)) return origin;
      // An error about a key beside one --set wrote (crictl.sha256 after --set
      // crictl.version=...): the --set is the nearer cause unless the file holds more of the path.
      const fileDepth = base.depth?.(path) ?? 0;
      let nearest: { origin: SourcePosition; shared: number } | undefined;
      for (const [key, origin] of origins) {
        const shared = sharedPrefix(splitKey(key).map(String), path.map(String));
        if (shared > 0 && shared >= fileDepth && (!nearest || shared > nearest.shared)) nearest = { origin, shared };
      }
      return nearest?.origin ?? base.locate(path, target);
    },
    depth: (path) => base.depth?.(path) ?? 0,
  };
}

function sharedPrefix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
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
    const mapValue =
      typeof schema?.additionalProperties === "object" ? (schema.additionalProperties as JsonSchema) : undefined;
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
