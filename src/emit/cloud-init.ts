// #cloud-config: write_files for every file, runcmd for the provisioner.
import { renderTemplate } from "../render/templates.js";
import type { Plan } from "../plan/index.js";
import { BAKE_VERSION } from "../version.js";
import { renderProvisionScript } from "./provision-script.js";

export const PROVISION_PATH = "/usr/local/sbin/bake-provision";

export function renderCloudInit(plan: Plan): string {
  const provisioner = { path: PROVISION_PATH, mode: "0700", content: renderProvisionScript(plan, false) };
  return renderTemplate("cloud-config.yaml.hbs", {
    bakeVersion: BAKE_VERSION,
    target: `${plan.spec.distro}/${plan.spec.arch}`,
    files: [...plan.files, provisioner],
    provisionPath: PROVISION_PATH,
  });
}
