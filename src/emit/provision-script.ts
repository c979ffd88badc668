// The bash provisioner both outputs run: cloud-init without files (write_files
// has placed them) or library comments (size limits), Packer with every file
// embedded.
import { createHash } from "node:crypto";
import { lines, sh } from "../render/shell.js";
import { fitsHeredoc, renderTemplate } from "../render/templates.js";
import type { Plan } from "../plan/index.js";
import { BAKE_VERSION } from "../version.js";
import { functionLibrary } from "./library.js";
import { dropLibraryComments, dropUnusedFunctions } from "./trim-library.js";

/** The Packer script's exit code when all steps passed but a reboot is pending (EX_TEMPFAIL: run again). */
const REBOOT_EXIT_CODE = 75;

/**
 * cloud-init only: until a run ends ok (and removes it), this drop-in makes cloud-init run its
 * runcmd again at each boot, so a run cut by a reboot or a power cut resumes. Packer drives its
 * own re-run (exit 75), and an image must not re-run its user's runcmd.
 */
export const RESUME_DROP_IN = "/etc/systemd/system/cloud-final.service.d/bake.conf";

// Where the function library ends: the embedded files, or else the steps.
const LIBRARY_END = /^(bake_write_files\(\) \{|echo running > )/;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function renderProvisionScript(plan: Plan, embedFiles: boolean): string {
  // The files go in after the first step, the system check: none is written on the wrong system.
  const [systemCheck, ...rest] = plan.steps;
  const steps = embedFiles
    ? [
        systemCheck!,
        { id: "write-files", title: `write ${plan.files.length} config files`, run: sh`bake_write_files` },
        ...rest,
      ]
    : plan.steps;
  const main = lines(
    ...steps.flatMap((s, i) => [sh`bake_step ${`${i + 1}/${steps.length}`} ${s.id} ${s.title}`, s.run]),
  );
  const script = renderTemplate("provision.sh.hbs", {
    target: `${plan.spec.distro}/${plan.spec.arch}`,
    bakeVersion: BAKE_VERSION,
    library: functionLibrary(plan),
    embedFiles,
    files: plan.files.map((f) => ({ path: f.path, mode: f.mode, content: f.content, text: fitsHeredoc(f.content) })),
    fileCount: plan.files.length,
    fileSums: plan.files.map((f) => `${sha256(f.content)}  ${f.path}\n`).join(""),
    // stat's %a: the octal mode without leading zeros
    fileModes: plan.files.map((f) => `${Number.parseInt(f.mode, 8).toString(8)} ${f.path}`).join("\n"),
    main,
    reboot: plan.reboot,
    rebootExitCode: REBOOT_EXIT_CODE,
    resumeDropIn: embedFiles ? "" : RESUME_DROP_IN,
  });
  const trimmed = dropUnusedFunctions(script, LIBRARY_END);
  return embedFiles ? trimmed : dropLibraryComments(trimmed, LIBRARY_END);
}
