// A small bash lexer for tests: it marks which characters of a generated
// script are single-quoted literals, here-document bodies, comments, double-
// quoted or plain code, and finds the here-documents. It knows only what
// bake's scripts use (quotes, $'...', $( ), $(( )), comments, <<'TAG' and <<<), and
// throws on anything else rather than guess.

export enum Kind {
  Code = 0,
  Single = 1,
  Double = 2,
  Comment = 3,
  Heredoc = 4,
}

export interface Heredoc {
  /** Index of the "<<" that opened it. */
  opener: number;
  tag: string;
  /** The body, from the line after the opener to just before the terminator line. */
  bodyStart: number;
  bodyEnd: number;
}

export interface Lexed {
  kinds: Uint8Array;
  heredocs: Heredoc[];
}

interface Frame {
  type: "cmd" | "dq";
  depth: number;
}

export function lexShell(src: string): Lexed {
  const kinds = new Uint8Array(src.length);
  const heredocs: Heredoc[] = [];
  const stack: Frame[] = [{ type: "cmd", depth: 0 }];
  let pending: { tag: string; opener: number }[] = [];
  const wordStart = (j: number) => j === 0 || /[\s;&|()<>]/.test(src[j - 1]!);
  let i = 0;
  while (i < src.length) {
    const top = stack[stack.length - 1]!;
    const c = src[i]!;
    if (top.type === "dq") {
      kinds[i] = Kind.Double;
      if (c === "\\") {
        kinds[i + 1] = Kind.Double;
        i += 2;
      } else if (c === '"') {
        stack.pop();
        i++;
      } else if (c === "$" && src[i + 1] === "(") {
        stack.push({ type: "cmd", depth: 1 });
        i += 2;
      } else if (c === "`") {
        throw new Error(`lexShell: backquote at ${i} is not supported`);
      } else i++;
      continue;
    }
    if (c === "\\") {
      i += 2;
    } else if (c === "'") {
      // $'...' (ANSI-C quoting, e.g. $'\n'): a literal too, but \' does not end it.
      let end = src.indexOf("'", i + 1);
      if (src[i - 1] === "$")
        while (end > 0 && /(^|[^\\])(\\\\)*\\$/.test(src.slice(i + 1, end))) end = src.indexOf("'", end + 1);
      if (end < 0) throw new Error(`lexShell: unterminated single quote at ${i}`);
      kinds.fill(Kind.Single, i, end + 1);
      i = end + 1;
    } else if (c === '"') {
      kinds[i] = Kind.Double;
      stack.push({ type: "dq", depth: 0 });
      i++;
    } else if (c === "`") {
      throw new Error(`lexShell: backquote at ${i} is not supported`);
    } else if (c === "#" && wordStart(i)) {
      let end = src.indexOf("\n", i);
      if (end < 0) end = src.length;
      kinds.fill(Kind.Comment, i, end);
      i = end;
    } else if (c === "$" && src[i + 1] === "(") {
      stack.push({ type: "cmd", depth: 1 });
      i += 2;
    } else if (c === "(") {
      top.depth++;
      i++;
    } else if (c === ")") {
      top.depth--;
      if (stack.length > 1 && top.depth === 0) stack.pop();
      i++;
    } else if (src.startsWith("<<<", i)) {
      i += 3;
    } else if (src.startsWith("<<", i)) {
      const m = /^<<-?[ \t]*'([^'\n]+)'/.exec(src.slice(i, i + 256));
      if (!m) throw new Error(`lexShell: only quoted here-documents (<<'TAG') are supported, at ${i}`);
      pending.push({ tag: m[1]!, opener: i });
      i += m[0].length;
    } else if (c === "\n" && pending.length > 0) {
      i++;
      for (const p of pending) {
        const bodyStart = i;
        let lineStart = i;
        for (;;) {
          if (lineStart >= src.length) throw new Error(`lexShell: here-document ${p.tag} is not terminated`);
          let lineEnd = src.indexOf("\n", lineStart);
          if (lineEnd < 0) lineEnd = src.length;
          if (src.slice(lineStart, lineEnd) === p.tag) {
            kinds.fill(Kind.Heredoc, bodyStart, lineStart);
            heredocs.push({ opener: p.opener, tag: p.tag, bodyStart, bodyEnd: lineStart });
            i = lineEnd; // the terminator line's newline ends the command
            break;
          }
          lineStart = lineEnd + 1;
        }
      }
      pending = [];
    } else i++;
  }
  if (stack.length !== 1) throw new Error("lexShell: unterminated quote or command substitution at end of script");
  if (pending.length > 0) throw new Error("lexShell: here-document with no body at end of script");
  return { kinds, heredocs };
}

/** The shell words of a simple command line made of plain, '...' and \x parts (what shellWord produces). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; ) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`shellWords: unterminated quote in ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === "\\") {
      word = (word ?? "") + line[i + 1]!;
      i += 2;
    } else if (/["$`;&|<>()]/.test(c)) {
      throw new Error(`shellWords: ${JSON.stringify(c)} in ${line} is not a plain word`);
    } else {
      word = (word ?? "") + c;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Where `value` occurs in the script outside a single-quoted word, a quoted
 * here-document body or (for one-line values) a comment: places where the
 * shell would read it as code. Empty means every occurrence is inert.
 */
export function unquotedOccurrences(script: string, lexed: Lexed, value: string): number[] {
  const bad: number[] = [];
  if (value === "") return bad;
  const inert = (k: number) => k === Kind.Single || k === Kind.Heredoc || (k === Kind.Comment && !value.includes("\n"));
  for (let at = script.indexOf(value); at >= 0; at = script.indexOf(value, at + 1)) {
    for (let j = at; j < at + value.length; j++) {
      if (!inert(lexed.kinds[j]!)) {
        bad.push(at);
        break;
      }
    }
  }
  return bad;
}
