// #cloud-config: write_files for every file, runcmd for the provisioner.
import { renderTemplate } from "../render/templates.js";
import type { Plan, PlannedFile } from "../plan/index.js";
import { BAKE_VERSION } from "../version.js";
import { renderProvisionScript } from "./provision-script.js";
import { gzip } from "./size.js";

export const PROVISION_PATH = "/usr/local/sbin/bake-provision";

export interface CloudInitOptions {
  /** Ship each file gzip+base64 (write_files encoding gz+b64): smaller, still a text #cloud-config. */
  compressFiles?: boolean;
}

export function renderCloudInit(plan: Plan, { compressFiles = false }: CloudInitOptions = {}): string {
  const provisioner: Pick<PlannedFile, "path" | "mode" | "content" | "keyFetchedBy"> = {
    path: PROVISION_PATH,
    mode: "0700",
    content: renderProvisionScript(plan, false),
  };
  const files = [...plan.files, provisioner].map((f) => ({
    path: f.path,
    // cloud-init writes root:root 0644 unless told otherwise; only other modes are spelled out.
    mode: f.mode === "0644" ? "" : f.mode,
    content: compressFiles ? gzip(f.content).toString("base64") : f.content,
    encoding: compressFiles ? "gz+b64" : "",
    // Written in cloud-init's final stage, after its package_update and before runcmd.
    defer: f.keyFetchedBy !== undefined,
  }));
  return renderTemplate("cloud-config.yaml.hbs", {
    bakeVersion: BAKE_VERSION,
    target: `${plan.spec.distro}/${plan.spec.arch}`,
    files,
    provisionPath: PROVISION_PATH,
    reboot: plan.reboot,
    rebootMessage: plan.reboot && `bake: rebooting for ${plan.reboot.reason}`,
  });
}
