// Kernel modules and sysctls: persisted for every boot, applied now; cgroup v2.
import { bootsCgroupV1 } from "../distro.js";
import { renderTemplate } from "../render/templates.js";
import { sh } from "../render/shell.js";
import type { Contribution, PlanContext } from "./types.js";
import { batchedCheck } from "./verify.js";

export const MODULES_FILE = "/etc/modules-load.d/containerd.conf";
export const SYSCTL_FILE = "/etc/sysctl.d/99-kubernetes-cri.conf";

export const REBOOT_MARKER = "/var/lib/bake/reboot-required";

export function kernel({ spec, distro }: PlanContext): Contribution {
  const { modules, sysctl, cgroup } = spec.kernel;
  const entries = Object.entries(sysctl).map(([key, value]) => ({ key, value: String(value) }));
  const out: Contribution = { files: [], steps: [], checks: [] };
  if (cgroup === "v2" && bootsCgroupV1(distro)) {
    // A kernel argument switches to v2, from the next boot on.
    out.steps!.push({
      id: "cgroup-v2",
      title: "make the node boot cgroup v2",
      run: sh`bake_cgroup_v2 ${REBOOT_MARKER}`,
    });
    out.checks!.push({
      description: "cgroup v2 is mounted, or set for the next boot",
      test: sh`bake_cgroup_v2_or_pending ${REBOOT_MARKER}`,
    });
    out.reboot = { marker: REBOOT_MARKER, reason: "cgroup v2" };
  } else if (cgroup === "v2") {
    out.checks!.push({ description: "cgroup v2 is mounted", test: sh`bake_cgroup_is_v2` });
  }
  if (modules.length > 0) {
    out.files!.push({
      path: MODULES_FILE,
      mode: "0644",
      content: renderTemplate("modules-load.conf.hbs", { modules }),
      from: ["kernel.modules"],
    });
    out.steps!.push({
      id: "kernel-modules",
      title: "load kernel modules",
      run: sh`bake_load_modules ${modules}`,
      needs: ["modprobe"],
    });
    for (const name of modules)
      out.checks!.push(batchedCheck("kernel module {} is loaded", "bake_module_loaded", name));
  }
  if (entries.length > 0) {
    out.files!.push({
      path: SYSCTL_FILE,
      mode: "0644",
      content: renderTemplate("sysctl.conf.hbs", { sysctl: entries }),
      from: ["kernel.sysctl"],
    });
    // Runs after kernel-modules: the bridge keys exist only once br_netfilter is loaded.
    out.steps!.push({
      id: "sysctl",
      title: "apply sysctl settings",
      run: sh`sysctl -q -p ${SYSCTL_FILE}`,
      needs: ["sysctl"],
    });
    // Blanks squeezed here, not on the node: one process fewer per check.
    for (const { key, value } of entries)
      out.checks!.push(batchedCheck("sysctl {}", "bake_sysctl_is", `${key}=${value.replace(/[ \t]+/g, " ")}`));
  }
  return out;
}
