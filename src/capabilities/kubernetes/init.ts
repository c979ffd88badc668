// `bake init --kubernetes [role]`: the kubernetes section written uncommented,
// so the starter spec makes a kubeadm-ready node from the start.
import { DEFAULT_KUBERNETES_VERSION } from "./releases.js";

const KUBERNETES_ROLES = ["worker", "control-plane"] as const;
export type KubernetesRole = (typeof KUBERNETES_ROLES)[number];

/** A value bake init writes uncommented, with the lines that say why. */
interface ChosenValue {
  value: string | boolean;
  note: string[];
}

export function kubernetesChoices(role: KubernetesRole): Record<string, ChosenValue> {
  return {
    "kubernetes.enabled": { value: true, note: ["Written by bake init --kubernetes."] },
    "kubernetes.version": { value: DEFAULT_KUBERNETES_VERSION, note: [] },
    "kubernetes.role": { value: role, note: [] },
  };
}
