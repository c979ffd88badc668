// The kubernetes section's defaults, and the defaults that follow from the section
// rather than from the distro: the repo from the minor, crictl's version, the pause
// image, the role's ports. A key the user wrote is kept; rules.ts warns when it disagrees.
import { distroInfo, type DistroInfo } from "../distro/identity.js";
import {
  crictlVersionFor,
  DEFAULT_KUBERNETES_VERSION,
  pauseImageFor,
  PKGS_K8S_KEY_FINGERPRINT,
  pkgsK8sRepo,
  refusesContainerd1,
  repoKeyUrl,
  ROLE_PORTS,
} from "./releases.js";
import type { NodeSpec } from "../../schema/node-spec.js";

// kubeadm has no default pod network (`kubeadm init --pod-network-cidr` is empty); flannel's
// kube-flannel.yml has "Network": "10.244.0.0/16" and its Documentation/kubernetes.md says to pass
// --pod-network-cidr=10.244.0.0/16 to kubeadm init (flannel-io/flannel, read 2026-12-06).
export const DEFAULT_POD_SUBNET = "10.244.0.0/16";

export function kubernetesDefaults(info: DistroInfo): NodeSpec["kubernetes"] {
  return {
    enabled: false,
    version: DEFAULT_KUBERNETES_VERSION,
    role: "worker",
    podSubnet: DEFAULT_POD_SUBNET,
    repo: {
      ...pkgsK8sRepo(DEFAULT_KUBERNETES_VERSION, info.family),
      gpgkeyFingerprint: PKGS_K8S_KEY_FINGERPRINT,
      gpgkeySha256: "",
    },
    disableSwap: true,
    firewalld: { action: "open-ports", ports: ROLE_PORTS.worker },
    selinux: "permissive",
    images: { prePull: true, repository: "", extra: [] },
    preflightIgnore: [],
  };
}

type Raw = Record<string, unknown>;
const section = (raw: Raw | undefined, key: string): Raw | undefined => raw?.[key] as Raw | undefined;
const wrote = (raw: Raw | undefined, ...path: string[]): boolean => {
  let node: unknown = raw;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !(key in node)) return false;
    node = (node as Raw)[key];
  }
  return true;
};

export function followKubernetes(spec: NodeSpec, raw: Raw): void {
  const k = spec.kubernetes;
  const family = distroInfo(spec.distro).family;
  const kraw = section(raw, "kubernetes");
  if (!wrote(kraw, "repo", "baseurl")) k.repo.baseurl = pkgsK8sRepo(k.version, family).baseurl;
  if (!wrote(kraw, "repo", "gpgkey")) k.repo.gpgkey = repoKeyUrl(k.repo.baseurl, family);
  // EL: a repo the user points at, with no fingerprint, is not pinned (dnf imports what gpgkey serves), as before.
  const ownRepo = wrote(kraw, "repo", "baseurl") || wrote(kraw, "repo", "gpgkey");
  if (family === "el" && ownRepo && !wrote(kraw, "repo", "gpgkeyFingerprint")) k.repo.gpgkeyFingerprint = "";
  if (!wrote(kraw, "firewalld", "ports")) k.firewalld.ports = ROLE_PORTS[k.role];
  if (!k.enabled) return;
  // kubeadm's packages need cri-tools, whose /usr/bin/crictl would clash with the release tarball's.
  if (!wrote(raw, "crictl", "install")) spec.crictl.install = "package";
  if (!wrote(raw, "crictl", "version")) spec.crictl.version = crictlVersionFor(k.version);
  // A distro whose own containerd is 1.x (trixie's 1.7) gets docker's containerd.io 2.x when
  // the minor has no 1.x in containerd's support table; a containerd the user chose is kept (rules.ts).
  const c = spec.containerd;
  if (!wrote(raw, "containerd", "source") && !wrote(raw, "containerd", "version") && c.version.startsWith("1")) {
    if (refusesContainerd1(k.version)) Object.assign(c, { source: "docker", version: "2" });
  }
  const pause = pauseImageFor(k.version, k.images.repository);
  if (pause && !wrote(raw, "containerd", "sandboxImage")) spec.containerd.sandboxImage = pause;
}
