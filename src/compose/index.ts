// Combine bake's #cloud-config with the user's own user-data files: one merged
// document, or MIME multipart with bake's part first. Loaded only for --merge.
import type { Plan } from "../plan/index.js";
import { SpecError } from "../report.js";
import { checkUserParts } from "./checks.js";
import { mergeCloudConfig, type ComposeOptions } from "./merge.js";
import { renderMime } from "./mime.js";
import { readUserPart, type UserPart } from "./user-parts.js";

export interface ComposeRequest extends ComposeOptions {
  /** The user's files, in the order given. */
  files: string[];
  /** Write multipart/mixed instead of one merged #cloud-config. */
  mime?: boolean;
}

/** Why a user file cannot be combined: merging takes only a #cloud-config, MIME the part types cloud-init runs. */
function refusal(part: UserPart, firstLine: string, mime: boolean): string {
  const known = "#cloud-config, #! (a script) or #cloud-boothook";
  if (mime)
    return `${part.file} is not a part type bake sends: its first line must be ${known}, not ${JSON.stringify(firstLine)}`;
  if (part.kind)
    return `${part.file} is not a #cloud-config (it starts with ${part.kind === "#!" ? "#!, a script" : part.kind}), so it cannot be merged into one; send it as its own part with --mime`;
  return `${part.file} is not a #cloud-config: its first line must be #cloud-config, not ${JSON.stringify(firstLine)}`;
}

/** Read and check the user's files once; the result turns each rendering of bake's document into the user-data. */
export function composer(plan: Plan, request: ComposeRequest): (bakeText: string) => string {
  const parts = request.files.map(readUserPart);
  const refused = parts.filter((p) => (request.mime ? p.kind === undefined : p.kind !== "#cloud-config"));
  if (refused.length > 0) {
    throw new SpecError(
      refused.map((p) => {
        const firstLine = p.text.split("\n")[0]!.replace(/\r$/, "");
        return {
          severity: "error" as const,
          path: "",
          message: refusal(p, firstLine, request.mime === true),
          position: p.at(0, Math.max(1, firstLine.length)),
        };
      }),
    );
  }
  checkUserParts(plan, parts);
  return request.mime
    ? (bakeText) => renderMime(bakeText, parts, request)
    : (bakeText) => mergeCloudConfig(bakeText, parts, request);
}
