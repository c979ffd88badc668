// Distro identity: which distros bake targets, their family, release and the cgroup
// version they boot. What a distro means for a capability (its containerd package,
// docker's repository, the modules package, kubeadm's host tools) is that
// capability's own fact.
import type { Distro } from "../../schema/node-spec.js";

export interface DistroInfo {
  id: Distro;
  family: "el" | "debian";
  /** Major release (8, 9, 10 on EL), written literally into repo URLs. */
  major: number;
  /** Release codename for apt sources; empty on EL. */
  codename: string;
}

const el = (id: Distro, major: 8 | 9 | 10): DistroInfo => ({ id, family: "el", major, codename: "" });
const debian = (id: Distro, major: number, codename: string): DistroInfo => ({ id, family: "debian", major, codename });

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
  // EL8 rebuilds with their own os-release (distro/systems.ts): their output is rocky8's.
  alinux3: el("alinux3", 8),
  anolis8: el("anolis8", 8),
  debian13: debian("debian13", 13, "trixie"),
  debian14: debian("debian14", 14, "forky"),
  ubuntu2204: debian("ubuntu2204", 22, "jammy"),
  ubuntu2404: debian("ubuntu2404", 24, "noble"),
  ubuntu2604: debian("ubuntu2604", 26, "resolute"),
};

export function distroInfo(id: Distro): DistroInfo {
  return DISTRO_INFO[id];
}

/** EL8 boots cgroup v1; every other distro bake knows boots cgroup v2. */
export function bootsCgroupV1(info: DistroInfo): boolean {
  return info.family === "el" && info.major === 8;
}
