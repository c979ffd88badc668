// `bake diff`: what changes on the node between two specs (or a spec and the
// defaults), file by file, as a unified diff of every file bake writes on the
// node plus the provisioning script (the steps).
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import type { Plan } from "../plan/index.js";
import { renderPackerScript } from "../emit/packer.js";

interface DiffSide {
  /** What to call this side in headers, e.g. a.yaml or "defaults". */
  label: string;
  plan: Plan;
}

interface FileDiff {
  /** Node path, or "provision.sh" for the script. */
  path: string;
  status: "added" | "removed" | "changed";
  /** Unified diff text, "--- a/…" / "+++ b/…" headers included. */
  patch: string;
}

const SCRIPT_NAME = "provision.sh";

/** The files a plan puts on the node, and the provisioning script. */
function nodeFiles(plan: Plan): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of plan.files) files.set(file.path, `${file.content}`);
  files.set(SCRIPT_NAME, renderPackerScript(plan));
  return files;
}

const modes = (plan: Plan) => new Map(plan.files.map((f) => [f.path, f.mode]));

/** Every file that differs, in the order the node gets them (script last). */
export function diffPlans(a: DiffSide, b: DiffSide, context = 3): FileDiff[] {
  const before = nodeFiles(a.plan);
  const after = nodeFiles(b.plan);
  const modeA = modes(a.plan);
  const modeB = modes(b.plan);
  const paths = [...new Set([...before.keys(), ...after.keys()])].filter((p) => p !== SCRIPT_NAME);
  const out: FileDiff[] = [];
  for (const path of [...paths, SCRIPT_NAME]) {
    const old = before.get(path);
    const now = after.get(path);
    const modeChange = old !== undefined && now !== undefined && modeA.get(path) !== modeB.get(path);
    if (old === now && !modeChange) continue;
    const name = path.replace(/^\//, "");
    const oldName = old === undefined ? "/dev/null" : `a/${name}`;
    const newName = now === undefined ? "/dev/null" : `b/${name}`;
    let patch =
      old === now
        ? `--- ${oldName}\n+++ ${newName}\n`
        : createTwoFilesPatch(oldName, newName, old ?? "", now ?? "", undefined, undefined, {
            context,
            headerOptions: FILE_HEADERS_ONLY,
          });
    if (modeChange) patch = `old mode ${modeA.get(path)}\nnew mode ${modeB.get(path)}\n${patch}`;
    out.push({ path, status: old === undefined ? "added" : now === undefined ? "removed" : "changed", patch });
  }
  return out;
}

/** The diffs as one text, coloured like git when asked. */
export function formatDiff(diffs: FileDiff[], color: boolean): string {
  const text = diffs.map((d) => d.patch).join("");
  if (!color) return text;
  return text
    .split("\n")
    .map((line) =>
      /^(---|\+\+\+|old mode|new mode) /.test(line)
        ? `\u001b[1m${line}\u001b[0m`
        : line.startsWith("@@")
          ? `\u001b[36m${line}\u001b[0m`
          : line.startsWith("+")
            ? `\u001b[32m${line}\u001b[0m`
            : line.startsWith("-")
              ? `\u001b[31m${line}\u001b[0m`
              : line,
    )
    .join("\n");
}

export function summary(diffs: FileDiff[], a: string, b: string): string {
  if (diffs.length === 0) return `bake: no difference between ${a} and ${b}`;
  const count = (s: FileDiff["status"]) => diffs.filter((d) => d.status === s).length;
  const parts = [`${count("changed")} changed`, `${count("added")} added`, `${count("removed")} removed`];
  return `bake: ${a} -> ${b}: ${diffs.length} file${diffs.length === 1 ? "" : "s"} differ (${parts.join(", ")})`;
}
