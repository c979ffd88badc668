// The containerd section's defaults; the package's source and version depend on the distro.
import type { DistroInfo } from "../../distro.js";
import type { NodeSpec } from "../../schema/node-spec.js";
import { containerdDefault } from "./facts.js";

/** containerd's own defaults for root and state; plan.ts relabels them for SELinux when moved. */
export const CONTAINERD_DEFAULT_ROOT = "/var/lib/containerd";
export const CONTAINERD_DEFAULT_STATE = "/run/containerd";

export function containerdDefaults(info: DistroInfo): NodeSpec["containerd"] {
  const { source, version } = containerdDefault(info);
  return {
    source,
    version,
    hold: true,
    root: CONTAINERD_DEFAULT_ROOT,
    state: CONTAINERD_DEFAULT_STATE,
    oomScore: 0,
    // kubeadm 1.35's PauseVersion (cmd/kubeadm/app/constants), for the default crictl v1.35.
    sandboxImage: "registry.k8s.io/pause:3.10.1",
    systemdCgroup: true,
    configPath: "/etc/containerd/certs.d",
    registries: {},
    verifyPull: "auto",
    proxy: { http: "", https: "", noProxy: [] },
    service: { limitNOFILE: 1048576, oomScoreAdjust: -999, tasksMax: "infinity" },
  };
}
