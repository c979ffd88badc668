// The containerd section's defaults; the package's source and version depend on the distro.
import { distroInfo, type DistroInfo } from "../distro/identity.js";
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

/**
 * A source written without a version gets that source's version, not the distro default's:
 * docker's repositories carry containerd.io 2.x for every distro bake knows (facts.ts), so
 * source: docker on debian13 installs 2.x rather than trixie's 1.7.
 */
export function followContainerd(spec: NodeSpec, raw: Record<string, unknown>): void {
  const craw = raw.containerd as Record<string, unknown> | undefined;
  if (craw?.source === undefined || craw.version !== undefined) return;
  const own = containerdDefault(distroInfo(spec.distro));
  spec.containerd.version = spec.containerd.source === own.source ? own.version : "2";
}
