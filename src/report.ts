// Diagnostics: what went wrong, at which key, and where in the input.
// Every phase collects them and stops only at its end, so users see all at once.
import { joinKey } from "./schema/key-path.js";

export interface SourcePosition {
  /** File name as the user gave it, "<stdin>" or "--set". */
  file: string;
  line: number;
  column: number;
  /** The whole source line, for the code frame. */
  lineText: string;
  /** How many characters to underline. */
  length: number;
}

export interface Diagnostic {
  severity: "error" | "warning";
  /** Key path in the spec, e.g. containerd.oomScore; "" for the whole document. */
  path: string;
  message: string;
  position?: SourcePosition;
}

/** Thrown when the spec cannot be used; carries every diagnostic found. */
export class SpecError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.path || "spec"}: ${d.message}`).join("\n"));
    this.name = "SpecError";
  }
}

interface FormatOptions {
  color: boolean;
}

const paint = (on: boolean, code: string, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/**
 * URLs may carry user:password@ (proxies, mirrors); diagnostics show the user only.
 * The password runs to the last "@" before the path: an unescaped "@" in it is hidden too.
 */
export function hideUrlPasswords(text: string): string {
  return text.replace(/(https?:\/\/[^:/@\s"']*):[^/\s"']*@/g, "$1:***@");
}

/** rustc/Butane-style: headline, --> file:line:col, the line and a caret. */
function formatDiagnostic(diagnostic: Diagnostic, { color }: FormatOptions): string {
  const d = {
    ...diagnostic,
    message: hideUrlPasswords(diagnostic.message),
    position: diagnostic.position && {
      ...diagnostic.position,
      lineText: hideUrlPasswords(diagnostic.position.lineText),
    },
  };
  const label = d.severity === "error" ? paint(color, "1;31", "error") : paint(color, "1;33", "warning");
  const where = d.path ? `${paint(color, "1", d.path)}: ` : "";
  const lines = [`${label}: ${where}${d.message}`];
  const p = d.position;
  if (p) {
    const gutter = String(p.line).length;
    const pad = " ".repeat(gutter);
    lines.push(`${pad}--> ${p.file}:${p.line}:${p.column}`);
    if (p.lineText !== "") {
      // The user's line, with anything a terminal would act on made visible.
      const shown = p.lineText
        .replace(/\t/g, " ")
        .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, "?");
      lines.push(`${pad} |`);
      lines.push(`${p.line} | ${shown}`);
      // Columns count characters; the caret line counts terminal cells, two for a CJK character.
      const before = shown.slice(0, p.column - 1);
      const width = displayWidth(shown.slice(p.column - 1, p.column - 1 + p.length));
      lines.push(`${pad} | ${" ".repeat(displayWidth(before))}${paint(color, "1;31", "^".repeat(Math.max(1, width)))}`);
    }
  }
  return lines.join("\n");
}

/**
 * Code points a terminal draws two cells wide: the East Asian Wide and
 * Fullwidth blocks of Unicode's EastAsianWidth.txt (CJK, kana, Hangul,
 * fullwidth forms, emoji). Combining marks are rare in specs and count as one.
 */
const WIDE: [number, number][] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f5],
  [0x26fa, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x2753, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f2ff],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

const isWide = (codePoint: number) =>
  codePoint >= 0x1100 && WIDE.some(([from, to]) => codePoint >= from && codePoint <= to);

/** How many terminal cells a line of text takes. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += isWide(char.codePointAt(0)!) ? 2 : 1;
  return width;
}

export function formatDiagnostics(diagnostics: Diagnostic[], options: FormatOptions): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const body = diagnostics.map((d) => formatDiagnostic(d, options)).join("\n\n");
  return errors > 0 ? `${body}\n\n${errors} error${errors === 1 ? "" : "s"}; nothing was written.` : body;
}

/** Levenshtein distance, for did-you-mean suggestions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The closest candidate, if it is close enough to be what the user meant. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const prefixMatch = candidates.find(
    (c) => c.toLowerCase().startsWith(word.toLowerCase()) || word.toLowerCase().startsWith(c.toLowerCase()),
  );
  if (bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  return word.length >= 3 ? prefixMatch : undefined;
}

/** A rule's finding: it points at a key's value unless it says the key itself is the problem. */
export type RuleFinding = Diagnostic & { target?: "key" };

/** A rule's findings, and its two ways to add one (paths as segments, joined with joinKey). */
export function ruleFindings() {
  const out: RuleFinding[] = [];
  const add = (severity: Diagnostic["severity"]) => (path: string[], message: string) =>
    out.push({ severity, path: joinKey(path), message });
  return { out, error: add("error"), warn: add("warning") };
}
