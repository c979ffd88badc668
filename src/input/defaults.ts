// Built-in defaults: a current, sane node with no config file at all, composed
// of each capability's section defaults. Some depend on the distro, so they are
// computed after the distro is known.
import { distroInfo } from "../capabilities/distro/identity.js";
import { containerdDefaults } from "../capabilities/containerd/defaults.js";
import { crictlDefaults } from "../capabilities/crictl/defaults.js";
import { kernelDefaults } from "../capabilities/kernel/defaults.js";
import { kubernetesDefaults } from "../capabilities/kubernetes/defaults.js";
import { packagesDefaults } from "../capabilities/packages/defaults.js";
import type { Distro, NodeSpec } from "../schema/node-spec.js";
import type { KeyInfo } from "../schema/keys.js";
import { getIn } from "../schema/key-path.js";

export const DEFAULT_DISTRO: Distro = "rocky9";

export function defaultSpec(distro: Distro): NodeSpec {
  const info = distroInfo(distro);
  return {
    distro,
    arch: "amd64",
    kernel: kernelDefaults(),
    packages: packagesDefaults(info),
    containerd: containerdDefaults(info),
    crictl: crictlDefaults(),
    kubernetes: kubernetesDefaults(info),
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The user's values over the defaults. Objects and maps (sysctl, registries)
 * merge key by key; lists and scalars replace.
 */
export function mergeOver<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = key in out ? mergeOver(out[key], value) : value;
  }
  return out as T;
}

/** A catalog key's built-in default for a distro; undefined for keys under a map key or list item. */
export function defaultOf(key: KeyInfo, distro: Distro): unknown {
  return key.pattern ? undefined : getIn(defaultSpec(distro), key.segments);
}
