// The provisioner's function library serves every plan; a plan calls only part
// of it. Trimming it keeps user-data within cloud size limits.

// A body in braces, or in parentheses (a subshell: bake_system_is keeps os-release's variables to itself).
const DEFINITION = /^(bake_[a-z0-9_]+)\(\) [{(]/;
// Each whole word starting bake_: a name is mentioned on a line exactly when it is one of them.
const MENTION = /(?<!\w)bake_\w*/g;

interface Block {
  name: string;
  /** First line (its comment, if any) and the line after the closing brace. */
  start: number;
  end: number;
}

/**
 * `script` without the bake_* functions that nothing calls, with the comment
 * lines right above each. Only the library part is scanned, up to `stopAt`, so
 * embedded file contents are never touched.
 */
export function dropUnusedFunctions(script: string, stopAt: RegExp): string {
  let lines = script.split("\n");
  // Each line's mentions, found once and kept in step with lines.
  let mentions = lines.map((line) => (line.includes("bake_") ? (line.match(MENTION) ?? []) : []));
  for (;;) {
    const limit = lines.findIndex((l) => stopAt.test(l));
    const blocks = functionBlocks(lines, limit === -1 ? lines.length : limit);
    const mentionedAt = linesMentioning(mentions);
    const unused = blocks.find((b) => !mentionedAt.get(b.name)?.some((i) => i < b.start || i >= b.end));
    if (!unused) return lines.join("\n");
    const blankAround = lines[unused.start - 1] === "" && lines[unused.end] === "";
    const drop = <T>(xs: T[]) => [...xs.slice(0, unused.start), ...xs.slice(unused.end + (blankAround ? 1 : 0))];
    lines = drop(lines);
    mentions = drop(mentions);
  }
}

/** Each name, and the lines that mention it. */
function linesMentioning(mentions: string[][]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  mentions.forEach((names, i) => {
    for (const name of names) {
      const at = out.get(name);
      if (at) at.push(i);
      else out.set(name, [i]);
    }
  });
  return out;
}

function functionBlocks(lines: string[], limit: number): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < limit; i++) {
    const name = DEFINITION.exec(lines[i]!)?.[1];
    if (!name) continue;
    let start = i;
    while (start > 0 && lines[start - 1]!.startsWith("# ") && !lines[start - 1]!.startsWith("# ----")) start--;
    let end = i;
    if (!/[})]$/.test(lines[i]!)) while (end < limit && lines[end] !== "}") end++;
    out.push({ name, start, end: end + 1 });
    i = end;
  }
  return out;
}

/**
 * `script` without the comment lines of its library (up to `stopAt`), except
 * its opening header and shellcheck directives. For the copy inside user-data,
 * where every byte counts; the Packer script keeps them for review.
 */
export function dropLibraryComments(script: string, stopAt: RegExp): string {
  const lines = script.split("\n");
  const limit = lines.findIndex((l) => stopAt.test(l));
  const headerEnd = lines.findIndex((l) => !l.startsWith("#"));
  return lines
    .filter((line, i) => i < headerEnd || (limit !== -1 && i >= limit) || !/^\s*# (?!shellcheck )/.test(line))
    .join("\n");
}
