// Which containerd each distro installs by default and why, how its package is
// named and pinned, and where each version looks for CNI plugins.
import type { DistroInfo } from "../distro/identity.js";
import type { Distro } from "../../schema/node-spec.js";

interface ContainerdDefault {
  /** What `containerd.source` and `containerd.version` default to. */
  source: "docker" | "distro";
  version: string;
  /** Where that default comes from and why it installs; shown by bake explain and the README matrix. */
  why: string;
}

// Docker builds EL packages per major under linux/rhel/<major> (docker/packaging's
// docker-bake.hcl: rhel8, rhel9, in UBI images, which Rocky and Alma rebuild); its
// centos/8 repo stopped at containerd.io 1.6.x when CentOS 8 builds ended in 2024.
// RHEL 10 joined with Docker 28.5 in October 2025 (docker/docs PR 23491 lists it as
// supported; rocky-linux/documentation PR 2932 moved Rocky 10 back to linux/rhel).
// $releasever is not used: a RHEL release lock puts a minor ("9.4") in it.
const EL_CONTAINERD_WHY: Record<number, string> = {
  8: "docker's rhel/8 repo carries containerd.io 2.x; its centos/8 repo ended at 1.6.x in 2024",
  9: "docker's rhel/9 repo carries containerd.io 2.x, built on RHEL 9 itself, which Rocky and Alma rebuild (centos/9 follows CentOS Stream)",
  10: "docker's rhel/10 repo (since Docker 28.5, October 2025) carries containerd.io 2.x, built on RHEL 10, which Rocky and Alma rebuild",
};

const DEBIAN_FAMILY: Partial<Record<Distro, ContainerdDefault>> = {
  debian13: {
    source: "distro",
    version: "1.7",
    why: "trixie ships containerd 1.7.24 and keeps it for the release's life; source: docker gives 2.x, and so does kubernetes on (1.36 and later list no containerd 1.x)",
  },
  debian14: { source: "distro", version: "2", why: "forky ships containerd 2.1.x" },
  // On arm64 too, read 2026-12-06: packages.ubuntu.com/cs/jammy-updates/arm64/containerd is
  // "containerd (2.2.1-0ubuntu1~22.04.2) [ports]", and /ca/jammy-updates/admin/containerd lists
  // amd64, arm64, armhf, ppc64el, riscv64 and s390x. The "arm64 1.5.9-0ubuntu3" of
  // /ca/jammy/containerd is the release pocket: that page adds the security pocket of the
  // primary archive (amd64) only. noble-updates likewise: /da/noble-updates/containerd,
  // 2.2.1-0ubuntu1~24.04.3 for the same six arches.
  ubuntu2204: {
    source: "distro",
    version: "2",
    why: "jammy-updates carries containerd 2.2.x (amd64 and arm64); only the release pocket has 1.5.9, which is end of life",
  },
  ubuntu2404: {
    source: "distro",
    version: "2",
    why: "noble-updates carries containerd 2.2.x (amd64 and arm64); a 1.7 glob would pick the release pocket's 1.7.12, which an update then replaces with 2.x",
  },
  // Read 2026-12-06. `containerd` is a real binary package of src:containerd-app in resolute:
  // packages.ubuntu.com/ru/resolute/s390x/containerd ("containerd (2.2.2-0ubuntu1)", source
  // containerd-app), packages.ubuntu.com/ca/source/resolute/containerd-app (2.2.2-0ubuntu1.1 in
  // -security, binary package "containerd"), and its amd64 and arm64 file lists
  // (/usr/bin/containerd, /usr/share/doc/containerd/). containerd-stable, a second package of the
  // same containerd, Provides it too (the "virtual package" of packages.ubuntu.com/resolute/all/
  // containerd); apt installs and holds the real one by that name. Both ship 2.2.2
  // (ubuntu/ubuntu-release-notes docs/26.04: "The `containerd` packages (`src:containerd-app`,
  // `src:containerd-stable`) were updated to version 2.2.2").
  ubuntu2604: {
    source: "distro",
    version: "2",
    why: "resolute ships containerd 2.2.2 (package containerd, src:containerd-app; containerd-stable only provides the name)",
  },
};

// Alibaba's own Docker install on Alibaba Cloud Linux 3 adds docker's centos tree and a dnf
// plugin that turns $releasever (3 there) into 8 (aliyun/oos-templates, ACS::ECS::InstallDockerCE.yml;
// alibaba/cloud-kernel issue 18, 2021-08-30): that is centos/8, at 1.6.x. bake writes rhel/8
// literally, as for every EL8. Read 2026-12-06.
const ALINUX_WHY = `${EL_CONTAINERD_WHY[8]}; bake writes the 8 itself: $releasever is 3 on Alibaba Cloud Linux 3`;

export function containerdDefault(info: DistroInfo): ContainerdDefault {
  if (info.id === "alinux3") return { source: "docker", version: "2", why: ALINUX_WHY };
  if (info.family === "el") return { source: "docker", version: "2", why: EL_CONTAINERD_WHY[info.major]! };
  return DEBIAN_FAMILY[info.id]!;
}

export const containerdPackageName = (source: "docker" | "distro") =>
  source === "docker" ? "containerd.io" : "containerd";

/** The package spec that installs containerd `version` ("2", "1.7", "1.7.27"). */
export function containerdPackage(info: DistroInfo, source: "docker" | "distro", version: string): string {
  const name = containerdPackageName(source);
  const exact = version.split(".").length === 3;
  // dnf takes name-version-release globs; apt takes name=version globs, and
  // Debian versions carry suffixes such as 1.7.24~ds1-6.
  if (info.family === "el") return `${name}-${version}${exact ? "-*" : ".*"}`;
  return `${name}=${version}${exact ? "*" : ".*"}`;
}

/** What a distro's defaults install, and why: for bake explain and the README's distro matrix. */
export function defaultContainerd(info: DistroInfo): { package: string; why: string } {
  const { source, version, why } = containerdDefault(info);
  return { package: containerdPackage(info, source, version), why };
}

/** Where kubernetes-cni (pkgs.k8s.io), flannel and Calico install their CNI plugins. */
export const CNI_BIN_DIR = "/opt/cni/bin";
/** Where Debian's containernetworking-plugins installs them, and trixie's containerd looks. */
const DEBIAN_CNI_BIN_DIR = "/usr/lib/cni";

/**
 * The key that tells this containerd where CNI plugins are, and its dirs (sources in
 * docs/containerd-cni-dirs.md). 1.x and 2.0 take one bin_dir; 2.1 added the bin_dirs list and
 * refuses both at once. A bare "2" installs the newest 2.x a repo serves: 2.1 or later in every
 * repo bake uses. /opt/cni/bin comes first, so the plugins a CNI installs there win over an
 * older Debian package of the same name.
 */
export function cniBinDirs(containerdVersion: string): { key: "bin_dir" | "bin_dirs"; dirs: string[] } {
  const [major, minor] = containerdVersion.split(".");
  if (major === "1" || minor === "0") return { key: "bin_dir", dirs: [CNI_BIN_DIR] };
  return { key: "bin_dirs", dirs: [CNI_BIN_DIR, DEBIAN_CNI_BIN_DIR] };
}
