// #cloud-config: write_files for every file and cloud-final's resume drop-in, runcmd writes the
// provisioner and runs it.
import { sh } from "../render/shell.js";
import { heredoc, renderTemplate } from "../render/templates.js";
import type { Plan, PlannedFile } from "../plan/index.js";
import { BAKE_VERSION } from "../version.js";
import { renderProvisionScript, RESUME_DROP_IN } from "./provision-script.js";
import { gzip } from "./size.js";

export const PROVISION_PATH = "/usr/local/sbin/bake-provision";

export interface CloudInitOptions {
  /** Ship each file gzip+base64 (write_files encoding gz+b64): smaller, still a text #cloud-config. */
  compressFiles?: boolean;
}

export function renderCloudInit(plan: Plan, { compressFiles = false }: CloudInitOptions = {}): string {
  const provisioner: Pick<PlannedFile, "path" | "mode" | "content"> = {
    path: PROVISION_PATH,
    mode: "0700",
    content: renderProvisionScript(plan, false),
  };
  const resume: typeof provisioner = {
    path: RESUME_DROP_IN,
    mode: "0644",
    content: renderTemplate("cloud-final-resume.conf.hbs", {}),
  };
  // As text, runcmd writes the provisioner: a runcmd entry's lines take one space of YAML
  // indentation where write_files content takes three, 450 bytes of EC2's 16,384. cloud-init
  // runs runcmd's script with sh at each run (the first boot and each resumed one), so the
  // file is written anew before each run, and install's new file leaves a running copy alone.
  // gz+b64 content exists only in write_files, so compressed files keep it there.
  const writeProvisioner = `${sh`install -m 0700 /dev/stdin ${PROVISION_PATH}`.text} ${heredoc(provisioner.content)}\n`;
  const files = [...plan.files, ...(compressFiles ? [provisioner] : []), resume].map((f) => ({
    path: f.path,
    // cloud-init writes root:root 0644 unless told otherwise; only other modes are spelled out.
    mode: f.mode === "0644" ? "" : f.mode,
    content: compressFiles ? gzip(f.content).toString("base64") : f.content,
    encoding: compressFiles ? "gz+b64" : "",
  }));
  return renderTemplate("cloud-config.yaml.hbs", {
    bakeVersion: BAKE_VERSION,
    target: `${plan.spec.distro}/${plan.spec.arch}`,
    files,
    // The entries after bake's (the user's, with --merge) run only once its run ends ok: a
    // failure ends runcmd's script, and a pending reboot ends it too; they run after the
    // reboot, when cloud-init runs the runcmd again (RESUME_DROP_IN).
    runcmd: [
      ...(compressFiles ? [] : [writeProvisioner]),
      sh`/bin/bash ${PROVISION_PATH} || exit`.text,
      ...(plan.reboot ? [sh`[ ! -e ${plan.reboot.marker} ] || exit 0`.text] : []),
    ],
    reboot: plan.reboot,
    rebootMessage: plan.reboot && `bake: rebooting for ${plan.reboot.reason}`,
  });
}
