// Everything that differs between target distributions lives here.
import type { Distro } from "./schema/node-spec.js";

export interface DistroInfo {
  id: Distro;
  family: "el" | "debian";
  /** The OS name docker's repos use: rhel, debian, ubuntu. */
  dockerOs: "rhel" | "debian" | "ubuntu";
  /** Major release (8, 9, 10 on EL), written literally into repo URLs. */
  major: number;
  /** Release codename for apt sources; empty on EL. */
  codename: string;
  /** What `containerd.source` and `containerd.version` default to. */
  containerdSource: "docker" | "distro";
  containerdVersion: string;
  /** Where that default comes from and why it installs; shown by bake explain and the README matrix. */
  containerdWhy: string;
  /**
   * The package that holds kernel modules the cloud images leave out (br_netfilter),
   * installed for the running kernel when a module is missing; empty where images have them.
   */
  modulesPackage: string;
}

// Docker builds EL packages per major under linux/rhel/<major> (docker/packaging's
// docker-bake.hcl: rhel8, rhel9, in UBI images, which Rocky and Alma rebuild); its
// centos/8 repo stopped at containerd.io 1.6.x when CentOS 8 builds ended in 2024.
// RHEL 10 joined with Docker 28.5 in October 2025 (docker/docs PR 23491 lists it as
// supported; rocky-linux/documentation PR 2932 moved Rocky 10 back to linux/rhel).
// $releasever is not used: a RHEL release lock puts a minor ("9.4") in it.
const EL_CONTAINERD_WHY: Record<8 | 9 | 10, string> = {
  8: "docker's rhel/8 repo carries containerd.io 2.x; its centos/8 repo ended at 1.6.x in 2024",
  9: "docker's rhel/9 repo carries containerd.io 2.x, built on RHEL 9 itself, which Rocky and Alma rebuild (centos/9 follows CentOS Stream)",
  10: "docker's rhel/10 repo (since Docker 28.5, October 2025) carries containerd.io 2.x, built on RHEL 10, which Rocky and Alma rebuild",
};
const el = (id: Distro, major: 8 | 9 | 10): DistroInfo => ({
  id,
  family: "el",
  dockerOs: "rhel",
  major,
  codename: "",
  containerdSource: "docker",
  containerdVersion: "2",
  containerdWhy: EL_CONTAINERD_WHY[major],
  // Rocky and Alma 10 GenericCloud images lack kernel-modules-extra, where EL10 keeps
  // br_netfilter (k3s-io/k3s-ansible issue 419, timothystewart6/k3s-ansible PR 684).
  modulesPackage: major >= 10 ? "kernel-modules-extra" : "",
});

const DISTRO_INFO: Record<Distro, DistroInfo> = {
  rocky8: el("rocky8", 8),
  rocky9: el("rocky9", 9),
  rocky10: el("rocky10", 10),
  alma8: el("alma8", 8),
  alma9: el("alma9", 9),
  alma10: el("alma10", 10),
  rhel8: el("rhel8", 8),
  rhel9: el("rhel9", 9),
  rhel10: el("rhel10", 10),
  debian13: {
    id: "debian13",
    family: "debian",
    dockerOs: "debian",
    major: 13,
    codename: "trixie",
    containerdSource: "distro",
    containerdVersion: "1.7",
    containerdWhy: "trixie ships containerd 1.7.24 and keeps it for the release's life; source: docker gives 2.x",
    modulesPackage: "",
  },
  debian14: {
    id: "debian14",
    family: "debian",
    dockerOs: "debian",
    major: 14,
    codename: "forky",
    containerdSource: "distro",
    containerdVersion: "2",
    containerdWhy: "forky ships containerd 2.1.x",
    modulesPackage: "",
  },
  ubuntu2204: {
    id: "ubuntu2204",
    family: "debian",
    dockerOs: "ubuntu",
    major: 22,
    codename: "jammy",
    containerdSource: "distro",
    containerdVersion: "2",
    containerdWhy: "jammy-updates carries containerd 2.2.x; only the release pocket has 1.5.9, which is end of life",
    modulesPackage: "",
  },
  ubuntu2404: {
    id: "ubuntu2404",
    family: "debian",
    dockerOs: "ubuntu",
    major: 24,
    codename: "noble",
    containerdSource: "distro",
    containerdVersion: "2",
    containerdWhy:
      "noble-updates carries containerd 2.2.x; a 1.7 glob would pick the release pocket's 1.7.12, which an update then replaces with 2.x",
    modulesPackage: "",
  },
};

export function distroInfo(id: Distro): DistroInfo {
  return DISTRO_INFO[id];
}

// sha256 of docker's apt signing key file (fingerprint 9DC8 5822 9FC7 DD38 854A
// E2D8 8D81 803C 0EBF CD88), the same file at the debian and ubuntu URLs.
export const DOCKER_APT_KEY_SHA256 = "1500c1f56fa9e26b9b8f42452a553675796ade0807cdce11975eb98170b3a570";

export function dockerRepoDefaults(info: DistroInfo): { baseurl: string; gpgkey: string; gpgkeySha256: string } {
  if (info.family === "el") {
    // dnf fetches this key itself and checks every package's signature with it.
    return {
      baseurl: `https://download.docker.com/linux/rhel/${info.major}/$basearch/stable`,
      gpgkey: "https://download.docker.com/linux/rhel/gpg",
      gpgkeySha256: "",
    };
  }
  return {
    baseurl: `https://download.docker.com/linux/${info.dockerOs}`,
    gpgkey: `https://download.docker.com/linux/${info.dockerOs}/gpg`,
    gpgkeySha256: DOCKER_APT_KEY_SHA256,
  };
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
  return { package: containerdPackage(info, info.containerdSource, info.containerdVersion), why: info.containerdWhy };
}

/**
 * The package that brings a command a minimal image may lack (Rocky 9 minimal
 * and EL8 minimal have no tar), by family; undefined where the family needs no
 * such package (Debian downloads with apt-helper when curl is absent).
 */
const TOOL_PACKAGES: Record<string, { el: string; debian?: string }> = {
  tar: { el: "tar", debian: "tar" },
  curl: { el: "curl" },
  modprobe: { el: "kmod", debian: "kmod" },
  modinfo: { el: "kmod", debian: "kmod" },
  sysctl: { el: "procps-ng", debian: "procps" },
};

export function toolPackage(info: DistroInfo, command: string): string | undefined {
  return TOOL_PACKAGES[command]?.[info.family];
}

/** EL8 boots cgroup v1; every other distro bake knows boots cgroup v2. */
export function bootsCgroupV1(info: DistroInfo): boolean {
  return info.family === "el" && info.major === 8;
}
