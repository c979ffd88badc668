// What follows from a Kubernetes minor: its release facts (end of life, kubeadm's
// images, the host tools kubeadm's preflight looks for), pkgs.k8s.io's repo,
// crictl's version, and the ports each node role listens on.

export const DEFAULT_KUBERNETES_VERSION = "1.37";

/** What bake knows of one Kubernetes minor; sources beside each entry, all read 2026-12-06. */
export interface MinorRelease {
  /** kubernetes.io/releases/<minor>: the "End Of Life Date" after which it gets no patches. */
  endOfLife: string;
  /** kubeadm's PauseVersion (cmd/kubeadm/app/constants/constants.go) on the minor's branch. */
  pause: string;
  /**
   * The CoreDNS and etcd tags `kubeadm config images list` names at the minor's .0 release (beside
   * kube-apiserver, kube-controller-manager, kube-scheduler and kube-proxy at the Kubernetes version,
   * and pause): kept for the minors in support. A node never reads them: bake asks the node's own
   * kubeadm for its list. The stand-in kubeadm of the tests prints them.
   */
  images?: { coredns: string; etcd: string };
}

// kubernetes.io/releases/1.3x/ pages (maintenance mode and end-of-life dates); CHANGELOG-1.3x.md of
// kubernetes/kubernetes for the images (docs/research/2026-12-06-k8s.md, sections 1a and 1b).
// 1.38 is not listed: it is due on 2026-12-16 (kubernetes/sig-release releases/release-1.38), so
// no release facts of it exist yet.
export const RELEASES: Record<string, MinorRelease> = {
  // Past their end of life: kept so that a spec naming them gets the warning with the date.
  // pause: 3.10 up to 1.33, 3.10.1 from 1.34 (as bake has had them since 2026-11).
  "1.33": { endOfLife: "2026-06-28", pause: "3.10" },
  "1.34": { endOfLife: "2026-10-27", pause: "3.10.1" },
  // pause 3.10.1; CoreDNS v1.13.1 (PR 133968; a v1.35.8 constants fixture, secondary); etcd
  // 3.6.6-0 (PR 135271's diff of SupportedEtcdVersion).
  "1.35": { endOfLife: "2027-02-28", pause: "3.10.1", images: { coredns: "v1.13.1", etcd: "3.6.6-0" } },
  // CHANGELOG-1.36, v1.36.0: "Updated the pause image to v3.10.2" (#138199), "Updated CoreDNS to
  // v1.14.2" (#137605), "Updated etcd images to v3.6.8" (#137107).
  "1.36": { endOfLife: "2027-06-28", pause: "3.10.2", images: { coredns: "v1.14.2", etcd: "3.6.8-0" } },
  // Released 2026-08-26. CHANGELOG-1.37 (only 1.37.0-alpha.1 is stored): "Bump coredns to 1.14.3"
  // (#138536), "Updated the default etcd version to 3.7.0-rc.0" (#139427), no pause change since
  // 1.36. rke2 v1.37.0-rke2r1 pins pause 3.10.2 and etcd v3.7.1 (nixpkgs' rke2 versions file):
  // pause and the final etcd tag rest on that secondary source.
  "1.37": { endOfLife: "2027-10-28", pause: "3.10.2", images: { coredns: "v1.14.3", etcd: "3.7.1-0" } },
};

/** The oldest minor in RELEASES: every minor before it is past its end of life. */
const OLDEST_KNOWN = Object.keys(RELEASES).sort((a, b) => minorNumber(a) - minorNumber(b))[0]!;

/** "1.35.2" -> "1.35"; "1.35" -> "1.35". */
export function minorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/** "1.35" -> 35. */
function minorNumber(version: string): number {
  return Number(minorOf(version).split(".")[1]);
}

/**
 * `version`'s minor and its end of life when that is before `today` (YYYY-MM-DD): "on <date>" for a
 * minor in RELEASES, "by <date>" (its oldest entry's) for an older one; undefined for a minor in
 * support or newer than bake knows.
 */
export function pastEndOfLife(version: string, today: string): { minor: string; when: string } | undefined {
  const minor = minorOf(version);
  const known = RELEASES[minor];
  if (known) return known.endOfLife < today ? { minor, when: `on ${known.endOfLife}` } : undefined;
  const oldest = RELEASES[OLDEST_KNOWN]!.endOfLife;
  return minorNumber(minor) < minorNumber(OLDEST_KNOWN) && oldest < today ? { minor, when: `by ${oldest}` } : undefined;
}

// pkgs.k8s.io's signing key, one for every minor (rsa2048 2022-08-25, "isv:kubernetes OBS
// Project"): gpg's listing of Release.key in kubernetes/kubernetes#128609 (2024-11-06), the
// USTC mirror's help ("all repos use the same key", ustclug/mirrorhelp docs/kubernetes.md);
// read 2026-12-06. Its expiry is extended by re-signing the same key (kubernetes/release#3818),
// which changes the file's bytes, not the fingerprint. Public listings show the current
// self-signature expiring 2026-12-29 (third-party, docs/research/2026-12-06-china.md; not
// confirmed). The rpm repos use the same key: dnf on pkgs.k8s.io's rpm repo names certificate
// DE15B144...A296436 (rpm-software-management/dnf5#1192) and rpm's copy gpg-pubkey-9a296436
// (kubernetes/release#3840), both read 2026-12-06.
export const PKGS_K8S_KEY_FINGERPRINT = "DE15B14486CD377B9E876E1A234654DA9A296436";

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
  return minorNumber(version) > minorNumber(LAST_MINOR_ON_CGROUP_V1);
}

// containerd's RELEASES.md, "Kubernetes Support" (release/2.3 copy, read 2026-12-06): 1.35 lists
// "2.2.0+, 2.1.5+, 1.7.28+", 1.36 lists "2.3.0+, 2.2.0+", no 1.x; containerd 1.7 reached its end of
// life at the end of September 2026 (containerd PR 12297; cri-tools PR 2185); kubelet 1.38 is to drop
// the cgroup-driver fallback a CRI without RuntimeConfig (every 1.x) needs (kubernetes PR 139121, KEP
// PR kubernetes/enhancements#6087). docs/research/2026-12-06-k8s.md sections 1d and 4.
export const LAST_MINOR_ON_CONTAINERD_1 = "1.35";

/** Kubernetes of this version has no containerd 1.x in containerd's support table. */
export function refusesContainerd1(version: string): boolean {
  return minorNumber(version) > minorNumber(LAST_MINOR_ON_CONTAINERD_1);
}

/**
 * The commands kubeadm's preflight looks for on PATH at `version` (addExecChecks in
 * cmd/kubeadm/app/preflight/checks_linux.go @039c72e, lines 77-94): `required` are errors when
 * missing, `warned` warnings. conntrack is required only below 1.32 (kubernetes PR 126952); 1.38
 * adds a warning for getent (CHANGELOG-1.38, 1.38.0-alpha.1, #141968).
 */
export function kubeadmHostTools(version: string): { required: string[]; warned: string[] } {
  const minor = minorNumber(version);
  return {
    required: [...(minor < 32 ? ["conntrack"] : []), "ip", "iptables", "mount", "nsenter"],
    warned: ["ebtables", "ethtool", "socat", "tc", "touch", ...(minor >= 38 ? ["getent"] : [])],
  };
}

/** cri-tools releases follow the Kubernetes minor: v1.35.0 for 1.35. */
export function crictlVersionFor(version: string): string {
  return `v${minorOf(version)}.0`;
}

/** The pause image kubeadm expects for `version` from `repository`; undefined for an unknown minor. */
export function pauseImageFor(version: string, repository: string): string | undefined {
  const pause = RELEASES[minorOf(version)]?.pause;
  return pause === undefined ? undefined : `${repository || "registry.k8s.io"}/pause:${pause}`;
}

// "Ports and Protocols" of the Kubernetes docs (kubernetes.io/docs/reference/networking/ports-and-protocols/).
export const ROLE_PORTS: Record<"control-plane" | "worker", string[]> = {
  "control-plane": ["6443/tcp", "2379-2380/tcp", "10250/tcp", "10257/tcp", "10259/tcp"],
  worker: ["10250/tcp", "10256/tcp", "30000-32767/tcp"],
};
