// One #cloud-config from bake's and the user's: bake's document as rendered,
// the user's keys added with their comments, write_files appended, and the
// user's runcmd after bake's provisioner (or before it, with userFirst).
import { isSeq, parseDocument, type YAMLSeq, type Node } from "yaml";
import type { UserPart } from "./user-parts.js";
import { topLevel } from "./checks.js";

export interface ComposeOptions {
  /** Run the user's runcmd (and scripts) before bake's provisioner instead of after it. */
  userFirst?: boolean;
}

// The style bake's template writes, so that bake's part reads the same merged or not.
const STYLE = { lineWidth: 0, indentSeq: false, flowCollectionPadding: false } as const;

/** Mark where a user's node came from, keeping the user's own comment. */
function markSource(node: Node, file: string): void {
  const own = node.commentBefore?.replace(/^cloud-config\n?/, "");
  node.commentBefore = [` from ${file}`, own].filter(Boolean).join("\n");
}

/** Merge the user's #cloud-config parts (already checked by checkUserParts) into bake's rendered document. */
export function mergeCloudConfig(
  bakeText: string,
  parts: UserPart[],
  { userFirst = false }: ComposeOptions = {},
): string {
  const doc = parseDocument(bakeText);
  const bakeSeq = (key: string) => doc.get(key, true) as YAMLSeq;
  let runcmdAt = 0;
  for (const part of parts) {
    let keyMarked = false;
    for (const { key, pair } of topLevel(part)) {
      const items = isSeq(pair.value) ? (pair.value.items as Node[]) : [];
      if (key === "write_files" || key === "runcmd") {
        if (items.length === 0) continue;
        markSource(items[0]!, part.file);
        const list = bakeSeq(key);
        if (key === "runcmd" && userFirst) list.items.splice(runcmdAt, 0, ...items);
        else list.items.push(...items);
        if (key === "runcmd") runcmdAt += items.length;
        continue;
      }
      const existing = doc.get(key, true);
      if (isSeq(existing)) {
        // A list another user file set first: cloud-init's list(append).
        if (items.length > 0) markSource(items[0]!, part.file);
        existing.items.push(...items);
        continue;
      }
      if (!keyMarked) markSource(pair.key as Node, part.file);
      keyMarked = true;
      doc.add(pair);
    }
  }
  return doc.toString(STYLE);
}
