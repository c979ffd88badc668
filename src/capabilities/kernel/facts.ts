// What a distro's kernel means for bake: the package that holds the modules its
// cloud images leave out.
import type { DistroInfo } from "../distro/identity.js";

/**
 * The package that holds kernel modules the cloud images leave out (br_netfilter),
 * installed for the running kernel when a module is missing; empty where images have them.
 * Rocky and Alma 10 GenericCloud images lack kernel-modules-extra, where EL10 keeps
 * br_netfilter (k3s-io/k3s-ansible issue 419, timothystewart6/k3s-ansible PR 684).
 */
export function modulesPackage(info: DistroInfo): string {
  return info.family === "el" && info.major >= 10 ? "kernel-modules-extra" : "";
}
