// Cross-key rules of the kubernetes section: what bake can know at validate
// time about versions that must agree, firewalld ports and preflight.
import { bootsCgroupV1, distroInfo } from "../distro/identity.js";
import {
  crictlVersionFor,
  DEFAULT_KUBERNETES_VERSION,
  repoKeyUrl,
  LAST_MINOR_ON_CGROUP_V1,
  LAST_MINOR_ON_CONTAINERD_1,
  minorOf,
  pastEndOfLife,
  RELEASES,
  PKGS_K8S_KEY_FINGERPRINT,
  refusesCgroupV1,
  refusesContainerd1,
  ROLE_PORTS,
} from "./releases.js";
import { repoOfFormat, urlFormat, urlMinor, withFormat, withMinor, type RepoFormat } from "./repo-url.js";
import type { Diagnostic } from "../../report.js";
import type { NodeSpec } from "../../schema/node-spec.js";
import { joinKey } from "../../schema/key-path.js";
import { cidrWithoutHostBits } from "../../schema/formats.js";

// Why each role port matters, for the warning when a port list leaves one out.
const PORT_USE: Record<string, string> = {
  "6443/tcp": "the API server",
  "2379-2380/tcp": "etcd",
  "10250/tcp": "the kubelet API",
  "10256/tcp": "kube-proxy's health check",
  "10257/tcp": "kube-controller-manager",
  "10259/tcp": "kube-scheduler",
  "30000-32767/tcp": "NodePort services",
};

/**
 * The repo's URLs against the version and the distro: a v1.XX segment other than
 * kubernetes.version's minor installs that minor's kubelet glob from the wrong repo
 * (dnf/apt find no 1.34.* in the v1.35 repo, the node fails at boot), and an rpm
 * segment on an apt distro (deb on EL) is a repo its package manager cannot read.
 * Only segments a URL has are checked (repo-url.ts). The key URL's minor is not:
 * every pkgs.k8s.io minor is signed by the same key (USTC's help, docs/research/2026-12-06-china.md).
 */
function repoRules(spec: NodeSpec, kraw: Record<string, unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { version, repo } = spec.kubernetes;
  const minor = minorOf(version);
  const family = distroInfo(spec.distro).family;
  const format: RepoFormat = family === "el" ? "rpm" : "deb";
  const manager = family === "el" ? "dnf" : "apt";
  const error = (key: string, message: string) =>
    out.push({ severity: "error", path: joinKey(["kubernetes", "repo", key]), message });
  const urlMinorOf = urlMinor(repo.baseurl);
  if (urlMinorOf !== undefined && urlMinorOf !== minor) {
    error(
      "baseurl",
      `is the v${urlMinorOf} repo, but kubernetes.version is ${version}: it has no kubelet ${minor}.*, so the install fails; use ${withMinor(repo.baseurl, minor)} (or set kubernetes.version: "${urlMinorOf}")`,
    );
  }
  const baseFormat = urlFormat(repo.baseurl);
  if (baseFormat !== undefined && baseFormat !== format) {
    error(
      "baseurl",
      `holds ${baseFormat} packages, which ${manager} on ${spec.distro} cannot install; use ${withFormat(repo.baseurl, format)}`,
    );
  }
  const wroteKey = (kraw.repo as Record<string, unknown> | undefined)?.gpgkey !== undefined;
  const keyFormat = urlFormat(repo.gpgkey);
  if (wroteKey && keyFormat !== undefined && keyFormat !== format) {
    error(
      "gpgkey",
      `names the ${keyFormat} repo's key, not the ${format} repo ${spec.distro} reads; use ${repoKeyUrl(repoOfFormat(repo.gpgkey, format), family)}`,
    );
  }
  return out;
}

/**
 * The minor against the calendar (`today`, YYYY-MM-DD) and against the containerd it runs on:
 * a minor past its end of life gets no security patches; containerd 1.x is not in the support
 * table of minors after LAST_MINOR_ON_CONTAINERD_1 (releases.ts).
 */
function releaseRules(spec: NodeSpec, raw: Record<string, unknown>, today: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { version } = spec.kubernetes;
  const ended = pastEndOfLife(version, today);
  if (ended) {
    out.push({
      severity: "warning",
      path: joinKey(["kubernetes", "version"]),
      message: `Kubernetes ${ended.minor} reached its end of life ${ended.when} (kubernetes.io/releases): it gets no more patches; use "${DEFAULT_KUBERNETES_VERSION}"`,
    });
  }
  const c = spec.containerd;
  if (c.version.split(".")[0] === "1" && refusesContainerd1(version)) {
    const craw = (raw.containerd ?? {}) as Record<string, unknown>;
    // Without a version of the user's, the 1.x is the distro's own containerd (trixie's 1.7).
    const distrosOwn = craw.version === undefined && c.source === "distro";
    const key = distrosOwn ? "source" : "version";
    const fix = distrosOwn
      ? `set containerd.source: docker (containerd.io 2.x from docker's repository)`
      : `set containerd.version: "2"`;
    out.push({
      severity: "error",
      path: joinKey(["containerd", key]),
      message: `gives containerd ${c.version}, which Kubernetes ${minorOf(version)} does not support: containerd's support table lists 1.x up to Kubernetes ${LAST_MINOR_ON_CONTAINERD_1}, 1.7 reached its end of life in September 2026, and kubelet 1.38 drops the fallback it needs; ${fix}, or kubernetes.version: "${LAST_MINOR_ON_CONTAINERD_1}"`,
    });
  }
  return out;
}

/** Paths are joined with joinKey, as validate.ts expects. `today` (YYYY-MM-DD) dates the end-of-life warning. */
export function kubernetesRules(spec: NodeSpec, raw: Record<string, unknown>, today: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = (severity: Diagnostic["severity"], path: string[], message: string) =>
    out.push({ severity, path: joinKey(path), message });
  const k = spec.kubernetes;
  const kraw = (raw.kubernetes ?? {}) as Record<string, unknown>;
  if (!k.enabled) {
    const others = Object.keys(kraw).filter((key) => key !== "enabled");
    if (others.length > 0) add("warning", ["kubernetes", others[0]!], "is unused while kubernetes.enabled is false");
    return out;
  }
  const minor = minorOf(k.version);
  out.push(...releaseRules(spec, raw, today), ...repoRules(spec, kraw));

  if (distroInfo(spec.distro).family === "debian" && k.repo.gpgkeyFingerprint === "" && k.repo.gpgkeySha256 === "") {
    add(
      "error",
      ["kubernetes", "repo", "gpgkeyFingerprint"],
      `is empty, and so is gpgkeySha256: apt would trust any key ${k.repo.gpgkey} serves; set the key's fingerprint (pkgs.k8s.io's is ${PKGS_K8S_KEY_FINGERPRINT})`,
    );
  }

  if (spec.kernel.cgroup === "any" && bootsCgroupV1(distroInfo(spec.distro)) && refusesCgroupV1(k.version)) {
    add(
      "error",
      ["kernel", "cgroup"],
      `any keeps ${spec.distro} on cgroup v1, which Kubernetes ${minor} refuses (kubeadm's preflight fails with [ERROR SystemVerification], kubelet does not start): set kernel.cgroup: v2 (bake switches the node with grubby and a reboot), or kubernetes.version: "${LAST_MINOR_ON_CGROUP_V1}", the last minor that runs on cgroup v1`,
    );
  }

  const cr = spec.crictl;
  if (cr.install === "release" && minorOf(cr.version.replace(/^v/, "")) !== minor) {
    add(
      "warning",
      ["crictl", "version"],
      `crictl ${cr.version} does not follow Kubernetes ${minor}: cri-tools releases match the minor (${crictlVersionFor(k.version)}); remove the key to follow it`,
    );
  }
  const pause = RELEASES[minor]?.pause;
  const tag = /(?:^|\/)pause:([^@]+)/.exec(spec.containerd.sandboxImage)?.[1];
  if (pause === undefined) {
    add(
      "warning",
      ["kubernetes", "version"],
      `bake does not know which pause image kubeadm ${minor} expects (known: ${Object.keys(RELEASES).join(", ")}); set containerd.sandboxImage to the pause that \`kubeadm config images list\` names`,
    );
  } else if (tag !== undefined && tag !== pause) {
    add(
      "warning",
      ["containerd", "sandboxImage"],
      `kubeadm ${minor} expects pause:${pause}, not pause:${tag}; kubeadm init warns that the sandbox image is inconsistent. Remove the key to follow the minor`,
    );
  }

  const fw = k.firewalld;
  if (fw.action === "open-ports") {
    if (fw.ports.length === 0) {
      add(
        "error",
        ["kubernetes", "firewalld", "ports"],
        `a ${k.role} without ports: firewalld would block ${ROLE_PORTS[k.role].join(", ")}; remove the key for the role's ports, or set kubernetes.firewalld.action: disable`,
      );
    } else {
      const missing = ROLE_PORTS[k.role].filter((p) => !fw.ports.includes(p));
      if (missing.length > 0) {
        add(
          "warning",
          ["kubernetes", "firewalld", "ports"],
          `leaves out what a ${k.role} needs: ${missing.map((p) => `${p} (${PORT_USE[p]})`).join(", ")}`,
        );
      }
    }
  } else {
    if ((kraw.firewalld as Record<string, unknown> | undefined)?.ports !== undefined)
      add("warning", ["kubernetes", "firewalld", "ports"], "is unused with firewalld.action: disable");
    if (kraw.podSubnet !== undefined)
      add("warning", ["kubernetes", "podSubnet"], "is unused with firewalld.action: disable");
  }
  const network = cidrWithoutHostBits(k.podSubnet);
  if (network !== undefined) {
    add(
      "error",
      ["kubernetes", "podSubnet"],
      `${k.podSubnet} has host bits set; the network it names is ${network}: use that`,
    );
  }

  if (String(spec.kernel.sysctl["net.ipv4.ip_forward"] ?? "") !== "1") {
    add(
      "error",
      ["kernel", "sysctl"],
      "must set net.ipv4.ip_forward: 1 for a kubeadm node: kubeadm's preflight fails without it (FileContent--proc-sys-net-ipv4-ip_forward)",
    );
  }
  if (k.preflightIgnore.some((name) => name.toLowerCase() === "all")) {
    add(
      "error",
      ["kubernetes", "preflightIgnore"],
      "all would turn every kubeadm preflight error into a warning; name the checks to let pass",
    );
  }
  if (!k.disableSwap) {
    add(
      "warning",
      ["kubernetes", "disableSwap"],
      "kubelet refuses to start with swap on unless its config sets failSwapOn: false (and memorySwap for NodeSwap)",
    );
  }
  return out;
}
