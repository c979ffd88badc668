// multipart/mixed user-data: bake's #cloud-config first, then each user file as
// its own part. The boundary is a hash of the parts, so the output is
// byte-stable and cannot occur inside them.
import { createHash } from "node:crypto";
import { basename } from "node:path";
import type { ComposeOptions } from "./merge.js";
import { PART_TYPES, type UserPart } from "./user-parts.js";

// cloud-init's default for a later cloud-config part is dict(replace): a user's
// runcmd would replace bake's. Appending lists (or prepending, to run first)
// and never replacing bake's keys keeps both; checkUserParts refused the rest.
const mergeType = (userFirst: boolean) =>
  `list(${userFirst ? "prepend" : "append"})+dict(no_replace,recurse_list)+str()`;

/**
 * cloud-init writes script parts into one folder with runcmd's script (named
 * "runcmd") and runs them sorted by name, so the name orders them: "user-" runs
 * after bake's provisioner, "early-" before it.
 */
const scriptName = (part: UserPart, index: number, userFirst: boolean) =>
  `${userFirst ? "early" : "user"}-${String(index + 1).padStart(2, "0")}-${basename(part.file).replace(/[^A-Za-z0-9._-]/g, "_")}`;

/**
 * With list(prepend) each later part goes before the earlier ones, so for
 * --user-first the cloud-config parts go in reverse: their runcmd then runs in
 * the order the files were given, as in a merge. Other parts keep their order.
 */
function inMergeOrder(parts: UserPart[], userFirst: boolean): { part: UserPart; i: number }[] {
  const numbered = parts.map((part, i) => ({ part, i }));
  if (!userFirst) return numbered;
  const configs = numbered.filter((p) => p.part.kind === "#cloud-config");
  return [...configs.reverse(), ...numbered.filter((p) => p.part.kind !== "#cloud-config")];
}

const withNewline = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);

export function renderMime(bakeText: string, parts: UserPart[], { userFirst = false }: ComposeOptions = {}): string {
  const sections = [
    {
      headers: [
        'Content-Type: text/cloud-config; charset="utf-8"',
        'Content-Disposition: attachment; filename="bake.cfg"',
      ],
      body: bakeText,
    },
    ...inMergeOrder(parts, userFirst).map(({ part, i }) => ({
      headers: [
        `Content-Type: ${PART_TYPES[part.kind!]}; charset="utf-8"`,
        `Content-Disposition: attachment; filename="${scriptName(part, i, userFirst)}"`,
        ...(part.kind === "#cloud-config" ? [`Merge-Type: ${mergeType(userFirst)}`] : []),
      ],
      body: part.text,
    })),
  ];
  const hash = createHash("sha256");
  for (const s of sections) hash.update(`${s.headers.join("\n")}\n\n${s.body}\0`);
  const boundary = `==bake-${hash.digest("hex").slice(0, 32)}==`;
  const out = [`Content-Type: multipart/mixed; boundary="${boundary}"`, "MIME-Version: 1.0", ""];
  for (const s of sections) {
    out.push(
      `--${boundary}`,
      ...s.headers,
      "MIME-Version: 1.0",
      "Content-Transfer-Encoding: 8bit",
      "",
      withNewline(s.body).slice(0, -1),
    );
  }
  out.push(`--${boundary}--`, "");
  return out.join("\n");
}
