// Kernel modules and sysctls: persisted for every boot, applied now; cgroup v2.
// Modules load in the background, beside the package install (a second or two
// under emulation); sysctl, whose bridge keys need br_netfilter, waits for them
// after the install.
import { bootsCgroupV1 } from "../distro/identity.js";
import { modulesPackage } from "./facts.js";
import { renderTemplate } from "../../render/templates.js";
import { lines, sh } from "../../render/shell.js";
import type { Contribution, PlanContext, PlannedStep } from "../../plan/types.js";
import { batchedCheck } from "../../plan/check.js";

const MODULES_FILE = "/etc/modules-load.d/containerd.conf";
const SYSCTL_FILE = "/etc/sysctl.d/99-kubernetes-cri.conf";

const REBOOT_MARKER = "/var/lib/bake/reboot-required";

export function kernel({ spec, distro }: PlanContext): Contribution {
  const { modules, cgroup } = spec.kernel;
  // A kernel argument switches to v2, from the next boot on.
  const switchToV2 = cgroup === "v2" && bootsCgroupV1(distro);
  // Where the image may lack a module's package, it is installed first, in the
  // foreground (a second dnf beside the package steps would wait on their lock),
  // as a step after the background ones: the crictl download overlaps it.
  const needsPackage = modulesPackage(distro);
  const loadModules: PlannedStep[] =
    modules.length > 0
      ? [
          {
            id: "kernel-modules",
            title: needsPackage
              ? `install ${needsPackage} for the running kernel if a module is missing; load them in the background`
              : "load them in the background",
            run: lines(
              ...(needsPackage ? [sh`bake_modules_package ${[needsPackage, ...modules]}`] : []),
              sh`bake_background bake_load_modules ${modules}`,
            ),
            needs: needsPackage ? ["modprobe", "modinfo"] : ["modprobe"],
          },
        ]
      : [];
  return {
    files:
      modules.length > 0
        ? [
            {
              path: MODULES_FILE,
              mode: "0644",
              content: renderTemplate("modules-load.conf.hbs", { modules }),
              from: ["kernel.modules"],
            },
          ]
        : [],
    background: needsPackage ? [] : loadModules,
    steps: [
      ...(switchToV2
        ? [{ id: "cgroup-v2", title: "make the node boot cgroup v2", run: sh`bake_cgroup_v2 ${REBOOT_MARKER}` }]
        : []),
      ...(needsPackage ? loadModules : []),
    ],
    checks: [
      ...(switchToV2
        ? [
            {
              description: "cgroup v2 is mounted, or set for the next boot",
              test: sh`bake_cgroup_v2_or_pending ${REBOOT_MARKER}`,
            },
          ]
        : cgroup === "v2"
          ? [{ description: "cgroup v2 is mounted", test: sh`bake_cgroup_is_v2` }]
          : []),
      ...modules.map((name) => batchedCheck("kernel module {} is loaded", "bake_module_loaded", name)),
    ],
    ...(switchToV2 && { reboot: { marker: REBOOT_MARKER, reason: "cgroup v2" } }),
  };
}

/** After the package install: waits for kernel-modules, then applies the sysctls. */
export function sysctl({ spec }: PlanContext): Contribution {
  const entries = Object.entries(spec.kernel.sysctl).map(([key, value]) => ({ key, value: String(value) }));
  const waitForModules = spec.kernel.modules.length > 0 ? [sh`bake_joined kernel-modules`] : [];
  if (entries.length === 0) {
    const wait = { id: "kernel-modules-loaded", title: "wait for the kernel modules", run: lines(...waitForModules) };
    return { steps: waitForModules.length > 0 ? [wait] : [] };
  }
  return {
    files: [
      {
        path: SYSCTL_FILE,
        mode: "0644",
        content: renderTemplate("sysctl.conf.hbs", { sysctl: entries }),
        from: ["kernel.sysctl"],
      },
    ],
    steps: [
      {
        id: "sysctl",
        title: "apply the settings",
        // The bridge keys exist only once br_netfilter is loaded.
        run: lines(...waitForModules, sh`sysctl -q -p ${SYSCTL_FILE}`),
        needs: ["sysctl"],
      },
    ],
    // The key's file and the value's squeezed blanks come from here, not the node:
    // bake_sysctl_is then reads /proc/sys without starting a process.
    checks: entries.map(({ key, value }) =>
      batchedCheck("sysctl {}", "bake_sysctl_is", `${sysctlPath(key)}=${value.replace(/[ \t]+/g, " ")}`),
    ),
  };
}

/**
 * The key's file under /proc/sys, by sysctl's (procps's) rule: a key whose first
 * separator is a dot has its dots and slashes swapped (net.ipv4.conf.eth0/1.rp_filter
 * is net/ipv4/conf/eth0.1/rp_filter); one with a slash first is the path already.
 */
export function sysctlPath(key: string): string {
  if (key[key.search(/[./]/)] !== ".") return key;
  return key.replace(/[./]/g, (c) => (c === "." ? "/" : "."));
}
