// What every parser of a spec returns: the data, and a way back from a key path to the text.
import type { SourcePosition } from "../report.js";
import type { KeyPath } from "../schema/key-path.js";

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

export function position(file: string, text: string, line: number, column: number, length: number): SourcePosition {
  return { file, line, column, lineText: text.split("\n")[line - 1]?.replace(/\r$/, "") ?? "", length };
}
