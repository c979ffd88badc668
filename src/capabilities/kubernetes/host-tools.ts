// The host tools kubeadm's preflight requires or warns about at the spec's minor
// (releases.ts), by package name on each distro, and the commands verify finds on
// PATH: kubeadm's, with crictl (bake pulls images with it) and conntrack (installed
// with them). ebtables is left out from EL9 on: RHEL 9 dropped the package.
import type { DistroInfo } from "../distro/identity.js";
import { kubeadmHostTools } from "./releases.js";

interface HostTools {
  packages: string[];
  /** Commands verify finds on PATH. */
  commands: string[];
}

export function kubernetesHostTools(info: DistroInfo, version: string): HostTools {
  const { required, warned } = kubeadmHostTools(version);
  const commands = [...new Set(["crictl", "conntrack", ...required, ...warned])];
  if (info.family === "debian") {
    return { packages: ["conntrack", "socat", "iptables", "iproute2", "ethtool", "ebtables"], commands };
  }
  // EL8 ships iptables with the nft backend and ebtables as iptables-ebtables; EL9 and EL10 name it iptables-nft.
  if (info.major === 8) {
    return {
      packages: ["conntrack-tools", "socat", "iptables", "iproute-tc", "ethtool", "iptables-ebtables"],
      commands,
    };
  }
  return {
    packages: ["conntrack-tools", "socat", "iptables-nft", "iproute-tc", "ethtool"],
    commands: commands.filter((c) => c !== "ebtables"),
  };
}
