// crictl: the release tarball (sha256-checked) or the cri-tools package, and /etc/crictl.yaml.
import { CRICTL_SHA256, crictlReleaseUrl } from "./releases.js";
import { renderTemplate } from "../../render/templates.js";
import { lines, sh } from "../../render/shell.js";
import type { Contribution, PlanContext } from "../../plan/types.js";

const CRICTL_CONFIG = "/etc/crictl.yaml";
const RELEASE_BINARY = "/usr/local/bin/crictl";

export function crictl({ spec }: PlanContext): Contribution {
  const c = spec.crictl;
  if (c.install === "none") return {};
  const url = c.url || crictlReleaseUrl(c.version, spec.arch);
  // validate.ts guarantees one of the two exists (crictl's rules).
  const sha256 = c.install === "release" ? c.sha256 || CRICTL_SHA256[c.version]![spec.arch] : "";
  return {
    files: [
      {
        path: CRICTL_CONFIG,
        mode: "0644",
        content: renderTemplate("crictl.yaml.hbs", c),
        from: ["crictl.runtimeEndpoint", "crictl.imageEndpoint", "crictl.timeout", "crictl.debug"],
      },
    ],
    ...(c.install === "release" && {
      background: [
        {
          id: "fetch-crictl",
          title: `download ${c.version} in the background`,
          run: sh`bake_fetch_in_background ${url} ${sha256} ${RELEASE_BINARY}`,
          needs: ["curl", "tar"],
        },
      ],
    }),
    steps:
      c.install === "release"
        ? [
            {
              id: "install-crictl",
              title: `install ${c.version} from the release tarball`,
              run: lines(
                sh`bake_install_tarball_binary fetch-crictl ${RELEASE_BINARY}`,
                // sudo's secure_path has no /usr/local/bin on EL and on Debian 14 (its sudo 1.9.17:
                // "/usr/sbin:/usr/bin:/sbin:/bin", seen on a booted forky), so the link goes on every distro.
                sh`bake_link_into_usr_bin ${RELEASE_BINARY}`,
              ),
            },
          ]
        : // With kubernetes on, install-kubernetes brings cri-tools from pkgs.k8s.io with kubeadm, which needs it.
          spec.kubernetes.enabled
          ? []
          : [
              {
                id: "install-crictl",
                title: "install the cri-tools package",
                run: sh`bake_pkg_install cri-tools`,
              },
            ],
    checks: [
      // It stands in for `ctr plugins ls`: one Go program fewer, a second under emulation.
      { description: "the CRI plugin answers crictl info", test: sh`bake_cri_answers`, slow: true },
      { description: "sudo finds crictl", test: sh`bake_sudo_finds crictl`, slow: true },
    ],
  };
}
