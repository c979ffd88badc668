// A key path in a spec, and the one set of helpers for it: shown to the user,
// joined into a map key, read and written.
//
// Segments are keys (strings) and list indexes (numbers). The key catalog uses
// two kinds of placeholder segments: "[]" for any list item and "<host>",
// "<key>", "<name>" for any map key.

export type KeyPath = readonly (string | number)[];

/**
 * The user's text in double quotes, with every character that could move the
 * cursor, break the line or reorder what the terminal shows escaped: JSON
 * escapes C0 controls; C1 controls, U+2028/U+2029 and bidi overrides need \u too.
 */
export const quote = (text: string) =>
  JSON.stringify(text).replace(
    /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

const PLAIN_KEY = /^[A-Za-z0-9_.:@/-]+$/;
const PLACEHOLDER = /^<[a-z]+>$/;

/**
 * containerd.registries.docker.io.mirrors[0].url. Keys are the user's text: a
 * segment that is not a plain key (a newline, a quote, an escape sequence) is
 * shown quoted, so it cannot garble the terminal.
 */
export function displayPath(path: KeyPath): string {
  return path
    .map((p) =>
      typeof p === "number"
        ? `[${p}]`
        : p === "[]"
          ? "[]"
          : PLAIN_KEY.test(p) || PLACEHOLDER.test(p)
            ? p
            : `[${quote(p)}]`,
    )
    .join(".")
    .replace(/\.\[/g, "[");
}

// Joined with a character no YAML or TOML key can hold, so a map key with dots stays one segment.
const JOINER = "\u0000";

/** The path as one string, for a Map key; splitKey undoes it. */
export function joinKey(path: KeyPath): string {
  return path.join(JOINER);
}

/** What the joined key of every path below this one starts with. */
export function joinedPrefix(path: KeyPath): string {
  return joinKey(path) + JOINER;
}

/** A joined path back to segments; all-digit segments become list indexes. */
export function splitKey(joined: string): KeyPath {
  return joined === "" ? [] : joined.split(JOINER).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The value at a path of a plain object, or undefined. */
export function getIn(value: unknown, path: KeyPath): unknown {
  let node = value;
  for (const s of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[s as string];
  }
  return node;
}

/**
 * Write a value at a path of a plain object, in place; undefined deletes the
 * key. Missing parents are created (a list when the next segment is an index).
 * Returns a problem when a parent holds something other than a mapping or list.
 */
export function setIn(data: Record<string, unknown>, path: KeyPath, value: unknown): string | undefined {
  let node: Record<string | number, unknown> = data;
  for (const [index, segment] of path.slice(0, -1).entries()) {
    const next = node[segment];
    const wantList = typeof path[index + 1] === "number";
    if (next === undefined) node[segment] = wantList ? [] : {};
    else if (typeof next !== "object" || next === null || Array.isArray(next) !== wantList) {
      return `cannot set a key inside ${displayPath(path.slice(0, index + 1))}, which is not a ${wantList ? "list" : "mapping"}`;
    }
    node = node[segment] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return undefined;
}
