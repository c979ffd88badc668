// `bake init --kubernetes [role]`: the kubernetes section written uncommented,
// so the starter spec makes a kubeadm-ready node from the start.
import { DEFAULT_KUBERNETES_VERSION } from "./releases.js";
import { distroInfo } from "../../distro.js";
import type { Distro } from "../../schema/node-spec.js";

const KUBERNETES_ROLES = ["worker", "control-plane"] as const;
export type KubernetesRole = (typeof KUBERNETES_ROLES)[number];

/** A value bake init writes uncommented, with the lines that say why. */
interface ChosenValue {
  value: string | boolean;
  note: string[];
}

export function kubernetesChoices(role: KubernetesRole, distro: Distro): Record<string, ChosenValue> {
  const out: Record<string, ChosenValue> = {
    "kubernetes.enabled": { value: true, note: ["Written by bake init --kubernetes."] },
    "kubernetes.version": { value: DEFAULT_KUBERNETES_VERSION, note: [] },
    "kubernetes.role": { value: role, note: [] },
  };
  if (distroInfo(distro).family === "debian") {
    out["kubernetes.repo.gpgkeySha256"] = {
      value: "",
      note: ["Required here: the sha256sum of the repo's Release.key, after you have checked the key's fingerprint."],
    };
  }
  return out;
}
