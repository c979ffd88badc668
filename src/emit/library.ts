// The provisioner's function library: each room's .sh files (src/**/*.sh, carried
// into the build by scripts/gen-templates.ts), in the order the script has always
// had them. That order interleaves rooms (kernel's checks come after containerd's
// service functions, with the other capabilities' checks), so it is this explicit
// list rather than one block per room; dropUnusedFunctions then trims what the
// plan does not call.
import { shellFiles } from "../render/generated/templates.js";
import { ShellCode } from "../render/shell.js";
import type { Plan } from "../plan/index.js";

interface LibraryPart {
  /** Path under src/. */
  file: string;
  /** Carried only for plans this holds for; always when absent. */
  when?: (plan: Plan) => boolean;
}

const el = (plan: Plan) => plan.distro.family === "el";
// The package manager's functions, one file per family: steps and checks call only
// bake_pkg_absent, bake_pkg_remove, bake_pkg_install and
// bake_pkg_version; bake_download (emit/run.sh) calls bake_fetch, and bake_pkg_install
// (packages/install.sh) calls bake_pkg_in_place and bake_pkg_install_now. On EL,
// host-tools installs curl wherever a step downloads, and rpm -q exits with the number
// of the names it did not find (rpm's query.c adds one per name).
const LIBRARY: LibraryPart[] = [
  { file: "emit/run.sh" },
  { file: "capabilities/distro/system-check.sh" },
  { file: "capabilities/crictl/release-tarball.sh" },
  { file: "capabilities/packages/el.sh", when: el },
  { file: "capabilities/packages/debian.sh", when: (plan) => !el(plan) },
  { file: "capabilities/packages/install.sh" },
  { file: "capabilities/host-tools/install-missing.sh" },
  { file: "capabilities/packages/remove.sh" },
  { file: "capabilities/containerd/config.sh" },
  { file: "capabilities/containerd/selinux.sh" },
  { file: "capabilities/containerd/service.sh" },
  { file: "capabilities/kernel/kernel.sh" },
  // It ends in two blank lines: the script has always had two after it.
  { file: "capabilities/kubernetes/functions.sh", when: (plan) => plan.spec.kubernetes.enabled },
  { file: "capabilities/verify/heading.sh" },
  { file: "capabilities/kernel/checks.sh" },
  { file: "capabilities/crictl/cri-check.sh" },
  { file: "capabilities/containerd/checks.sh" },
  { file: "capabilities/crictl/sudo-check.sh" },
  { file: "capabilities/verify/checks.sh" },
];

/** The library text for a plan, without its last newline (the template adds it). */
export function functionLibrary(plan: Plan): ShellCode {
  const text = LIBRARY.filter((part) => part.when?.(plan) ?? true)
    .map((part) => {
      const source = shellFiles[part.file];
      if (source === undefined) throw new Error(`no ${part.file} (src/**/*.sh are carried in by npm run build)`);
      return source;
    })
    .join("");
  return new ShellCode(text.slice(0, -1));
}

/** Every file of the library, for the test that each one is in the list. */
export const LIBRARY_FILES = LIBRARY.map((part) => part.file);
