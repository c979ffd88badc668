// Shell code built from trusted text and escaped values. The `sh` tag quotes
// every interpolated value as one shell word, so a value can never become code;
// a ShellCode interpolates as-is, which lets snippets nest.
import { shellWord } from "./escape.js";

export class ShellCode {
  // Declared, not a class field: a plain assignment is cheaper than defining a field on every snippet.
  declare readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

type ShellValue = string | number | ShellCode | readonly (string | number)[];

export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCode {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new ShellCode(out);
}

function render(value: ShellValue): string {
  if (value instanceof ShellCode) return value.text;
  if (Array.isArray(value)) return value.map((v) => shellWord(String(v))).join(" ");
  return shellWord(String(value));
}

/** Join snippets line by line. */
export function lines(...parts: (ShellCode | false | undefined)[]): ShellCode {
  return new ShellCode(
    parts
      .filter((p): p is ShellCode => p instanceof ShellCode)
      .map((p) => p.text)
      .join("\n"),
  );
}
