// A spec piped to bake (cat node.yaml | bake cloud-init), read only when that
// cannot hang: a terminal is never read; a regular file is read at once; a
// pipe or socket is read only if it sends something, or closes, within a short
// wait. CI runners, ssh and docker run -i often leave stdin open and idle.
import { fstatSync, readFileSync } from "node:fs";

/** How long an open pipe may stay silent before bake stops waiting for it. */
export const STDIN_WAIT_MS = 500;

type PipedStdin =
  /** A terminal, /dev/null or another device, or no stdin at all. */
  | { kind: "none" }
  /** A pipe that neither sent anything nor closed within STDIN_WAIT_MS; left unread. */
  | { kind: "idle" }
  /** What stdin held: empty when a pipe closed, or a file ended, with nothing in it. */
  | { kind: "read"; bytes: Buffer };

export async function pipedStdin(waitMs = STDIN_WAIT_MS): Promise<PipedStdin> {
  let kind: "file" | "stream";
  try {
    const stat = fstatSync(0);
    if (stat.isFile()) kind = "file";
    else if (stat.isFIFO() || stat.isSocket()) kind = "stream";
    else return { kind: "none" };
  } catch {
    return { kind: "none" };
  }
  if (kind === "file") return { kind: "read", bytes: readFileSync(0) };
  return readStream(process.stdin, waitMs);
}

/** Read to the end once the first byte (or the end) comes within waitMs; else give up on it. */
function readStream(stream: NodeJS.ReadStream, waitMs: number): Promise<PipedStdin> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      stream.destroy();
      resolve({ kind: "idle" });
    }, waitMs);
    stream.on("data", (chunk: Buffer) => {
      clearTimeout(timer);
      chunks.push(chunk);
    });
    stream.on("end", () => {
      clearTimeout(timer);
      resolve({ kind: "read", bytes: Buffer.concat(chunks) });
    });
    stream.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
