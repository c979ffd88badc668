// Load: read the spec (YAML or TOML, file or stdin), apply --set overrides,
// and keep enough of the source to point diagnostics at line:column. Each
// parser is its own file: yaml-spec.ts, toml-spec.ts, set-overrides.ts.
import { readFileSync } from "node:fs";
import { SpecError } from "../report.js";
import type { LoadedSpec } from "./loaded-spec.js";
import { applySets } from "./set-overrides.js";
import { parseTomlSpec } from "./toml-spec.js";
import { parseYamlSpec } from "./yaml-spec.js";

export interface LoadOptions {
  /** File path, "-" for stdin, or undefined for built-in defaults only. */
  file?: string;
  /** The text itself (library use); takes precedence over reading `file`. */
  text?: string;
  format?: "yaml" | "toml";
  /** --set key.path=value overrides, applied in order. */
  sets?: string[];
}

const MAX_SPEC_BYTES = 1024 * 1024;

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
