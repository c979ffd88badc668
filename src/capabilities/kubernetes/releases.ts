// What follows from a Kubernetes minor: pkgs.k8s.io's repo, crictl's version,
// kubeadm's pause image, and the ports each node role listens on.

export const DEFAULT_KUBERNETES_VERSION = "1.35";

// kubeadm's PauseVersion (cmd/kubeadm/app/constants/constants.go) at each
// minor's release branch: 3.10 up to 1.33, 3.10.1 from 1.34. A minor not listed
// here needs containerd.sandboxImage set by hand.
export const PAUSE_VERSION: Record<string, string> = {
  "1.33": "3.10",
  "1.34": "3.10.1",
  "1.35": "3.10.1",
};

/** "1.35.2" -> "1.35"; "1.35" -> "1.35". */
export function minorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/** pkgs.k8s.io's per-minor repo, rpm for EL and deb for Debian/Ubuntu. */
export function pkgsK8sRepo(version: string, family: "el" | "debian"): { baseurl: string; gpgkey: string } {
  const baseurl = `https://pkgs.k8s.io/core:/stable:/v${minorOf(version)}/${family === "el" ? "rpm" : "deb"}/`;
  return { baseurl, gpgkey: repoKeyUrl(baseurl, family) };
}

/** Where a pkgs.k8s.io-shaped repo (or a mirror of one) keeps its signing key. */
export function repoKeyUrl(baseurl: string, family: "el" | "debian"): string {
  const dir = baseurl.endsWith("/") ? baseurl : `${baseurl}/`;
  return family === "el" ? `${dir}repodata/repomd.xml.key` : `${dir}Release.key`;
}

// From 1.35, kubeadm's preflight fails on a cgroup v1 node ([ERROR SystemVerification]),
// where 1.34 warned: system-validators v1.12.1's cgroups validator errs for a kubelet
// version >= 1.35.0-0 (kubernetes/system-validators PR #61, its test
// TestIsCgroupsV1DisabledInKubelet), vendored by kubernetes PR #134744 (merged for 1.35);
// both read 2026-12-06. kubelet 1.35 also refuses cgroup v1 unless failCgroupV1 is false.
export const LAST_MINOR_ON_CGROUP_V1 = "1.34";

/** kubeadm's preflight (and kubelet) of this version refuse a cgroup v1 node. */
export function refusesCgroupV1(version: string): boolean {
  return Number(minorOf(version).split(".")[1]) > Number(LAST_MINOR_ON_CGROUP_V1.split(".")[1]);
}

/** cri-tools releases follow the Kubernetes minor: v1.35.0 for 1.35. */
export function crictlVersionFor(version: string): string {
  return `v${minorOf(version)}.0`;
}

/** The pause image kubeadm expects for `version` from `repository`; undefined for an unknown minor. */
export function pauseImageFor(version: string, repository: string): string | undefined {
  const pause = PAUSE_VERSION[minorOf(version)];
  return pause === undefined ? undefined : `${repository || "registry.k8s.io"}/pause:${pause}`;
}

// "Ports and Protocols" of the Kubernetes docs (kubernetes.io/docs/reference/networking/ports-and-protocols/).
export const ROLE_PORTS: Record<"control-plane" | "worker", string[]> = {
  "control-plane": ["6443/tcp", "2379-2380/tcp", "10250/tcp", "10257/tcp", "10259/tcp"],
  worker: ["10250/tcp", "10256/tcp", "30000-32767/tcp"],
};
