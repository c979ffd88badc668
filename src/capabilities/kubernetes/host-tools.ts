// The host tools kubeadm's preflight requires (crictl, conntrack, ip, iptables,
// mount, nsenter) or warns about (ebtables, ethtool, socat, tc), by package name
// on each distro. ebtables is left out from EL9 on: RHEL 9 dropped the package.
import type { DistroInfo } from "../../distro.js";

interface HostTools {
  packages: string[];
  /** Commands verify finds on PATH. */
  commands: string[];
}

const COMMANDS = ["crictl", "conntrack", "ip", "iptables", "mount", "nsenter", "ethtool", "socat", "tc"];

export function kubernetesHostTools(info: DistroInfo): HostTools {
  if (info.family === "debian") {
    return {
      packages: ["conntrack", "socat", "iptables", "iproute2", "ethtool", "ebtables"],
      commands: [...COMMANDS, "ebtables"],
    };
  }
  // EL8 ships iptables with the nft backend and ebtables as iptables-ebtables; EL9 and EL10 name it iptables-nft.
  if (info.major === 8) {
    return {
      packages: ["conntrack-tools", "socat", "iptables", "iproute-tc", "ethtool", "iptables-ebtables"],
      commands: [...COMMANDS, "ebtables"],
    };
  }
  return { packages: ["conntrack-tools", "socat", "iptables-nft", "iproute-tc", "ethtool"], commands: COMMANDS };
}
