// The kernel section's defaults: what containerd and kubelet need of every node.
import type { NodeSpec } from "../../schema/node-spec.js";

export function kernelDefaults(): NodeSpec["kernel"] {
  return {
    modules: ["overlay", "br_netfilter"],
    sysctl: {
      "net.ipv4.ip_forward": 1,
      "net.bridge.bridge-nf-call-iptables": 1,
      "net.bridge.bridge-nf-call-ip6tables": 1,
    },
    cgroup: "v2",
  };
}
