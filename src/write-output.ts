// Writing -o: replace only what the user asked to replace. A regular file or a
// new path is written atomically (temp file, then rename), so a failure never
// leaves half a file; a device, pipe or FIFO is written through, since renaming
// over it would replace /dev/stdout or /dev/null itself; a symlink is followed
// and its target replaced, so the link stays a link.
import { chmodSync, lstatSync, mkdirSync, readlinkSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CommandError } from "./commands/errors.js";

/** Linux's own limit on links followed in one path (SYMLOOP_MAX, 40). */
const MAX_LINKS = 40;

/** /proc/<pid>/fd/N and /dev/fd/N name a descriptor someone already opened (a shell's > or >>). */
const DESCRIPTOR_LINK = /^\/(?:proc\/(self|thread-self|\d+)|dev)\/fd\/(\d+)$/;

export function writeOutput(path: string, content: string, mode = "0644"): void {
  const target = linkTarget(path);
  const own = ownDescriptor(target);
  if (own !== undefined) {
    // bake's own stdout or another inherited descriptor: write to it as the shell set it up
    // (a socket cannot be opened again by its /proc name, and a reopened >> file would lose the append).
    writeFileSync(own, content);
    return;
  }
  const found = statSync(target, { throwIfNoEntry: false });
  if (found?.isDirectory()) throw new CommandError(`cannot write ${path}: it is a directory; name a file in it`);
  if (found && !found.isFile()) {
    // A device, pipe or FIFO: open and write, no rename and no chmod.
    writeFileSync(target, content);
    return;
  }
  if (found && DESCRIPTOR_LINK.test(target)) {
    // Another process's open file: append, as its > already emptied it and >> wants that.
    writeFileSync(target, content, { flag: "a" });
    return;
  }
  writeAtomically(target, content, mode);
}

/** The descriptor number when the path names one of bake's own open descriptors. */
function ownDescriptor(path: string): number | undefined {
  const match = DESCRIPTOR_LINK.exec(path);
  if (!match) return undefined;
  const owner = match[1];
  return owner === undefined || owner === "self" || owner === "thread-self" || owner === String(process.pid)
    ? Number(match[2])
    : undefined;
}

/**
 * Where a chain of symlinks ends; a dangling link ends at the path it names
 * (then a new file). Stops at a descriptor link, whose target text (pipe:[123])
 * is no path: opening the link itself reaches the descriptor.
 */
function linkTarget(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    if (DESCRIPTOR_LINK.test(current)) return current;
    if (!lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new CommandError(`cannot write ${path}: more than ${MAX_LINKS} symbolic links in a row`);
}

/** Write through a temp file and rename, so a failure never leaves a half-written target. */
function writeAtomically(path: string, content: string, mode: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${process.pid}.bake-tmp`);
  writeFileSync(tmp, content, { mode: parseInt(mode, 8) });
  chmodSync(tmp, parseInt(mode, 8));
  renameSync(tmp, path);
}
