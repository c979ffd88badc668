// The YAML parser of a spec: its data, where each key path was written, and syntax
// errors placed at the node that caused them.
import { createRequire } from "node:module";
import type * as YamlModule from "yaml";
import { SpecError, type Diagnostic, type SourcePosition } from "../report.js";
import type { KeyPath } from "../schema/key-path.js";
import { position, type LoadedSpec } from "./loaded-spec.js";

// yaml loads only when a spec or --set is actually parsed: a run on the defaults
// does without it. It ships CommonJS, so require() it in place.
const require = createRequire(import.meta.url);
/** The yaml module, loaded at first use (compose reads user-data with it too). */
export const yaml = (): typeof YamlModule => require("yaml") as typeof YamlModule;

export function parseYamlSpec(text: string, file: string): LoadedSpec {
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
