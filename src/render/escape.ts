// One escaping function per target language. Templates may only print values
// through these (enforced in templates.ts), so a spec value can never change
// the structure of the file it lands in.

export class UnsafeValueError extends Error {}

// Control characters other than tab and newline have no safe, readable form in
// the config files we write; the schema rejects them earlier, this is the backstop.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
// CONTROL plus \n: what a one-line value may not hold (one scan instead of two).
const CONTROL_OR_NEWLINE = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// CONTROL plus the line breaks and BOM a YAML literal block cannot carry.
const NOT_IN_LITERAL_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/;

function refuseControl(value: string, target: string): void {
  if (CONTROL.test(value)) {
    throw new UnsafeValueError(
      `value ${JSON.stringify(value)} holds a control character and cannot be written as ${target}`,
    );
  }
}

/** A TOML basic string: "..." with backslash escapes. */
export function tomlString(value: string): string {
  refuseControl(value, "a TOML string");
  const body = value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\t/g, "\\t").replace(/\n/g, "\\n");
  return `"${body}"`;
}

/** A YAML double-quoted scalar; valid in YAML 1.1 (cloud-init's PyYAML) and 1.2. */
export function yamlString(value: string): string {
  refuseControl(value, "a YAML string");
  // JSON strings are YAML double-quoted scalars, except that YAML also treats
  // U+0085, U+2028 and U+2029 as line breaks inside them.
  return JSON.stringify(value).replace(
    /[\u0085\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * File content as a YAML literal block ("|") at the given indentation when that
 * round-trips exactly; otherwise a double-quoted scalar, which always does.
 */
export function yamlBlock(content: string, indent: number): string {
  const literalIsExact =
    // Text ending in exactly one newline, after a non-empty last line.
    content.length > 1 &&
    content.endsWith("\n") &&
    !content.endsWith("\n\n") &&
    // YAML takes the block's indentation from its first non-empty line.
    !/^\n*[ \t]/.test(content) &&
    !NOT_IN_LITERAL_BLOCK.test(content) &&
    // No line of only spaces or tabs.
    !/(?:^|\n)[ \t]+\n/.test(content);
  if (!literalIsExact) return yamlString(content);
  // Every non-empty line indented (only \n breaks lines here: \r, U+2028/9 are refused above).
  const pad = " ".repeat(indent);
  return "|\n" + (content[0] === "\n" ? "" : pad) + content.slice(0, -1).replace(/\n(?=[^\n])/g, "\n" + pad);
}

/** One shell word in single quotes; safe in bash and POSIX sh. */
export function shellWord(value: string): string {
  if (value.includes("\0")) throw new UnsafeValueError("value holds a NUL byte and cannot be a shell word");
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One quoted item of a systemd Environment= line, e.g. "HTTP_PROXY=http://p:3128". */
export function systemdEnvAssignment(value: string): string {
  refuseControl(value, "a systemd Environment= value");
  if (value.includes("\n")) throw new UnsafeValueError("a systemd Environment= value cannot hold a newline");
  // Inside double quotes systemd unescapes \\ and \"; % starts a specifier.
  const body = value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%");
  return `"${body}"`;
}

/** A value in a dnf/yum .repo file: one line, no leading or trailing space. */
export function repoValue(value: string): string {
  if (CONTROL_OR_NEWLINE.test(value) || value.trim() !== value) {
    throw new UnsafeValueError(`value ${JSON.stringify(value)} cannot be written on one line of a .repo file`);
  }
  return value;
}

/**
 * A value in an apt sources entry: no whitespace, brackets or '#'; brackets
 * only around an IPv6 host (http://[fd00::1]/debian), which apt reads as such.
 */
export function aptValue(value: string): string {
  const rest = value.replace(/^(https?:\/\/(?:[^/@]*@)?)\[[0-9A-Fa-f:.]+\]/, "$1");
  if (/[\s#[\]]/.test(rest) || CONTROL.test(value)) {
    throw new UnsafeValueError(`value ${JSON.stringify(value)} cannot be written in an apt sources line`);
  }
  return value;
}

/** A plain line of a line-based config file (modules-load.d, sysctl.d). */
export function plainLine(value: string): string {
  if (CONTROL_OR_NEWLINE.test(value)) {
    throw new UnsafeValueError(`value ${JSON.stringify(value)} cannot be written as one line`);
  }
  return value;
}
