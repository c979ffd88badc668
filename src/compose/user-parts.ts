// The user's own user-data files (--merge FILE): read each one, tell its kind
// from its first line as cloud-init does, and parse a cloud-config with
// positions, so errors point at file:line:column like the spec's.
import { readFileSync } from "node:fs";
import type * as YamlModule from "yaml";
import { SpecError, type Diagnostic, type SourcePosition } from "../report.js";
import { position } from "../input/loaded-spec.js";
import { yaml, yamlSyntaxError } from "../input/yaml-spec.js";

/** The part kinds bake combines, keyed by the first line cloud-init reads; values are MIME types. */
export const PART_TYPES = {
  "#cloud-config": "text/cloud-config",
  "#!": "text/x-shellscript",
  "#cloud-boothook": "text/cloud-boothook",
} as const;
type PartKind = keyof typeof PART_TYPES;

export interface UserPart {
  /** The file name as the user gave it. */
  file: string;
  /** Undefined when the first line names no kind bake combines. */
  kind?: PartKind;
  text: string;
  /** The parsed document, for a #cloud-config. */
  doc?: YamlModule.Document.Parsed;
  /** Where an offset in `text` is, for diagnostics. */
  at(offset: number, length: number): SourcePosition;
}

const fail = (message: string): never => {
  throw new SpecError([{ severity: "error", path: "", message }]);
};

function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      `cannot read --merge ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message}`,
    );
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (bytes.includes(0) || text.includes("\uFFFD")) fail(`--merge ${file} is not UTF-8 text`);
  return text.replace(/^\uFEFF/, "");
}

/** The kind a first line names; cloud-init's own prefixes, so "#cloud-config-archive" is not "#cloud-config". */
function kindOf(firstLine: string): PartKind | undefined {
  const line = firstLine.replace(/\r$/, "").trimEnd();
  if (line === "#cloud-config" || line === "#cloud-boothook") return line;
  return line.startsWith("#!") ? "#!" : undefined;
}

export function readUserPart(file: string): UserPart {
  const text = readText(file);
  const firstLine = text.split("\n")[0]!;
  const at = (offset: number, length: number) => {
    const before = text.slice(0, offset).split("\n");
    return position(file, text, before.length, before.at(-1)!.length + 1, length);
  };
  const kind = kindOf(firstLine);
  const part: UserPart = { file, kind, text, at };
  if (kind === "#cloud-config") part.doc = parseCloudConfig(part);
  return part;
}

function parseCloudConfig(part: UserPart): YamlModule.Document.Parsed {
  const doc = yaml().parseDocument(part.text, { uniqueKeys: true, prettyErrors: false });
  const at = part.at;
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e): Diagnostic => {
        const d = yamlSyntaxError(e, doc, part.text, at);
        return e.code === "MULTIPLE_DOCS"
          ? { ...d, message: "invalid YAML: a cloud-config is one document; remove the second --- and what follows" }
          : d;
      }),
    );
  }
  expandAliases(doc, part);
  if (doc.contents !== null && !yaml().isMap(doc.contents)) {
    throw new SpecError([
      {
        severity: "error",
        path: "",
        message: `${part.file}: a cloud-config must be a mapping of keys (users:, runcmd:, ...)`,
        position: at(doc.contents.range?.[0] ?? 0, 1),
      },
    ]);
  }
  return doc;
}

/**
 * Replace each *alias with a copy of what it names, and drop the &anchors:
 * the user's nodes move into bake's document, where an alias could come
 * before its anchor or meet another file's anchor of the same name.
 */
function expandAliases(doc: YamlModule.Document.Parsed, part: UserPart): void {
  const { isAlias, isNode, visit } = yaml();
  try {
    doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SpecError([
      { severity: "error", path: "", message: `invalid YAML in ${part.file}: ${(error as Error).message}` },
    ]);
  }
  // Two passes: resolving an alias looks its anchor up in the document.
  visit(doc, { Alias: (_, alias) => alias.resolve(doc)?.clone() as YamlModule.Node | undefined });
  visit(doc, {
    Node: (_, node) => {
      if (!isAlias(node) && isNode(node)) delete (node as { anchor?: string }).anchor;
    },
  });
}
