// The kernel section of the spec: modules, sysctls, cgroup.
import { Type } from "@sinclair/typebox";
import { mapOf, obj, oneOf, str } from "../../schema/build.js";

export const KernelSection = obj(
  {
    modules: Type.Array(str("module-name", "Module name."), {
      uniqueItems: true,
      maxItems: 64,
      description: "Loaded now and at every boot (/etc/modules-load.d/containerd.conf).",
    }),
    sysctl: mapOf(
      "sysctl-key",
      Type.Union([Type.Integer(), Type.String({ format: "sysctl-value" })], {
        description: "An integer or a sysctl value string.",
      }),
      "Applied now and at every boot (/etc/sysctl.d/99-kubernetes-cri.conf).",
    ),
    cgroup: oneOf(
      ["v2", "any"],
      "v2: the node must run cgroup v2 (kubelet 1.35+ refuses v1); on v1 (EL8) bake sets systemd.unified_cgroup_hierarchy=1 with grubby and a reboot is needed. any: accept what the node boots; an error on EL8 with kubernetes 1.35+, whose kubeadm and kubelet refuse v1.",
    ),
  },
  "Kernel modules and sysctls.",
);
