// Kernel modules and sysctls: persisted for every boot, applied now.
import { renderTemplate } from "../render/templates.js";
import { sh } from "../render/shell.js";
import type { Contribution, PlanContext } from "./types.js";

export const MODULES_FILE = "/etc/modules-load.d/containerd.conf";
export const SYSCTL_FILE = "/etc/sysctl.d/99-kubernetes-cri.conf";

export function kernel({ spec }: PlanContext): Contribution {
  const { modules, sysctl } = spec.kernel;
  const entries = Object.entries(sysctl).map(([key, value]) => ({ key, value: String(value) }));
  const out: Contribution = { files: [], steps: [], checks: [] };
  if (modules.length > 0) {
    out.files!.push({ path: MODULES_FILE, mode: "0644", content: renderTemplate("modules-load.conf.hbs", { modules }), from: ["kernel.modules"] });
    out.steps!.push({ id: "kernel-modules", title: "load kernel modules", run: sh`modprobe -a ${modules}`, needs: ["modprobe"] });
    for (const name of modules) out.checks!.push({ description: `kernel module ${name} is loaded`, test: sh`bake_module_loaded ${name}` });
  }
  if (entries.length > 0) {
    out.files!.push({ path: SYSCTL_FILE, mode: "0644", content: renderTemplate("sysctl.conf.hbs", { sysctl: entries }), from: ["kernel.sysctl"] });
    // Runs after kernel-modules: the bridge keys exist only once br_netfilter is loaded.
    out.steps!.push({ id: "sysctl", title: "apply sysctl settings", run: sh`sysctl -q -p ${SYSCTL_FILE}`, needs: ["sysctl"] });
    for (const { key, value } of entries) out.checks!.push({ description: `sysctl ${key} = ${value}`, test: sh`bake_sysctl_is ${key} ${value}` });
  }
  return out;
}
