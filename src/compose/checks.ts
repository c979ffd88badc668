// What must hold before bake combines its user-data with the user's, merged or
// as MIME parts: no path written twice, no key set twice unless both are lists
// (cloud-init appends those), runcmd and write_files lists. Every problem is
// collected, then thrown at once, like the spec's diagnostics.
import { isMap, isScalar, isSeq, type Node, type Pair } from "yaml";
import type { Plan } from "../plan/index.js";
import { SpecError, type Diagnostic } from "../report.js";
import { PROVISION_PATH } from "../emit/cloud-init.js";
import type { UserPart } from "./user-parts.js";

/** The keys bake's own #cloud-config sets, besides write_files and runcmd. */
function bakeKeys(plan: Plan): Set<string> {
  return new Set(plan.reboot ? ["power_state"] : []);
}

/** The top-level pairs of a user's cloud-config, with their key as a string. */
export function topLevel(part: UserPart): { key: string; pair: Pair<Node, Node> }[] {
  const contents = part.doc?.contents;
  if (!isMap(contents)) return [];
  return contents.items.map((pair) => ({
    key: String(isScalar(pair.key) ? pair.key.value : pair.key),
    pair: pair as Pair<Node, Node>,
  }));
}

export function checkUserParts(plan: Plan, parts: UserPart[]): void {
  const diagnostics: Diagnostic[] = [];
  const bakeFiles = new Map<string, string>([
    ...plan.files.map((f) => [f.path, f.from.length ? `spec keys ${f.from.join(", ")}` : "its defaults"] as const),
    [PROVISION_PATH, "its provisioner"],
  ]);
  const userFiles = new Map<string, string>();
  const keysSeen = new Map<string, { file: string; list: boolean }>();
  const reserved = bakeKeys(plan);
  const error = (part: UserPart, node: Node | null | undefined, message: string) =>
    diagnostics.push({
      severity: "error",
      path: "",
      message,
      position: part.at(node?.range?.[0] ?? 0, Math.max(1, (node?.range?.[1] ?? 1) - (node?.range?.[0] ?? 0))),
    });

  for (const part of parts) {
    for (const { key, pair } of topLevel(part)) {
      const value = pair.value;
      if (key === "write_files" || key === "runcmd") {
        if (value !== null && !isSeq(value)) {
          error(part, value ?? pair.key, `${key} in ${part.file} must be a list`);
          continue;
        }
      }
      if (key === "write_files" && isSeq(value)) {
        for (const item of value.items) {
          const path = isMap(item) ? item.get("path", true) : undefined;
          if (!isScalar(path) || typeof path.value !== "string") {
            error(part, item as Node, `each write_files entry in ${part.file} needs a path:`);
            continue;
          }
          const where = path.value;
          const bake = bakeFiles.get(where);
          if (bake)
            error(
              part,
              path,
              `${where} is written by both ${part.file} (write_files) and bake (from ${bake}); remove it from ${part.file}, or change it through the spec`,
            );
          else if (userFiles.has(where))
            error(
              part,
              path,
              `${where} is written by both ${userFiles.get(where)} and ${part.file} (write_files); keep it in one of them`,
            );
          else userFiles.set(where, part.file);
        }
        continue;
      }
      if (key === "runcmd") continue;
      if (reserved.has(key)) {
        error(
          part,
          pair.key as Node,
          `${key} in ${part.file} clashes with bake's ${key} (bake sets it to reboot for ${plan.reboot!.reason}); remove it from ${part.file}`,
        );
        continue;
      }
      const earlier = keysSeen.get(key);
      if (earlier && !(earlier.list && isSeq(value)))
        error(
          part,
          pair.key as Node,
          `${key} is set in both ${earlier.file} and ${part.file}; only lists are combined, so keep it in one of them`,
        );
      else if (!earlier) keysSeen.set(key, { file: part.file, list: isSeq(value) });
    }
  }
  if (diagnostics.length > 0) throw new SpecError(diagnostics);
}
