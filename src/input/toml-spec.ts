// The TOML parser of a spec: its data, the line of each key, and errors placed at their cause.
import { createRequire } from "node:module";
import type TomlModule from "@iarna/toml";
import { SpecError, type SourcePosition } from "../report.js";
import { joinedPrefix, joinKey, type KeyPath } from "../schema/key-path.js";
import { position, type LoadedSpec } from "./loaded-spec.js";

// @iarna/toml loads only when a TOML spec is parsed; it ships CommonJS, so require() it in place.
const require = createRequire(import.meta.url);
const toml = (): typeof TomlModule => require("@iarna/toml") as typeof TomlModule;

export function parseTomlSpec(text: string, file: string): LoadedSpec {
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
