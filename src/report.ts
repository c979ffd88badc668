// Diagnostics: what went wrong, at which key, and where in the input.
// Every phase collects them and stops only at its end, so users see all at once.

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

export interface FormatOptions {
  color: boolean;
}

const paint = (on: boolean, code: string, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** URLs may carry user:password@ (proxies, mirrors); diagnostics show the user only. */
export function hideUrlPasswords(text: string): string {
  return text.replace(/(https?:\/\/[^:/@\s"']*):[^@/\s"']*@/g, "$1:***@");
}

/** rustc/Butane-style: headline, --> file:line:col, the line and a caret. */
export function formatDiagnostic(diagnostic: Diagnostic, { color }: FormatOptions): string {
  const d = {
    ...diagnostic,
    message: hideUrlPasswords(diagnostic.message),
    position: diagnostic.position && { ...diagnostic.position, lineText: hideUrlPasswords(diagnostic.position.lineText) },
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
      const shown = p.lineText.replace(/\t/g, " ").replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, "?");
      lines.push(`${pad} |`);
      lines.push(`${p.line} | ${shown}`);
      const width = Math.min(p.length, shown.length - (p.column - 1));
      lines.push(`${pad} | ${" ".repeat(Math.max(0, p.column - 1))}${paint(color, "1;31", "^".repeat(Math.max(1, width)))}`);
    }
  }
  return lines.join("\n");
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
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
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
  const prefixMatch = candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase()) || word.toLowerCase().startsWith(c.toLowerCase()));
  if (bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  return word.length >= 3 ? prefixMatch : undefined;
}
