// Built-in defaults: a current, sane node with no config file at all.
// Some depend on the distro, so they are computed after the distro is known.
import { distroInfo, dockerRepoDefaults } from "../distro.js";
import { DEFAULT_CRICTL_VERSION } from "../crictl-releases.js";
import { kubernetesDefaults } from "../capabilities/kubernetes/defaults.js";
import type { Distro, NodeSpec } from "../schema/node-spec.js";
import type { KeyInfo } from "../schema/keys.js";
import { getIn } from "../schema/key-path.js";

export const DEFAULT_DISTRO: Distro = "rocky9";

/** containerd's own defaults for root and state; plan/containerd.ts relabels them for SELinux. */
export const CONTAINERD_DEFAULT_ROOT = "/var/lib/containerd";
export const CONTAINERD_DEFAULT_STATE = "/run/containerd";

export function defaultSpec(distro: Distro): NodeSpec {
  const info = distroInfo(distro);
  return {
    distro,
    arch: "amd64",
    kernel: {
      modules: ["overlay", "br_netfilter"],
      sysctl: {
        "net.ipv4.ip_forward": 1,
        "net.bridge.bridge-nf-call-iptables": 1,
        "net.bridge.bridge-nf-call-ip6tables": 1,
      },
      cgroup: "v2",
    },
    packages: {
      remove: ["podman", "buildah"],
      install: [],
      repo: dockerRepoDefaults(info),
    },
    containerd: {
      source: info.containerdSource,
      version: info.containerdVersion,
      hold: true,
      root: CONTAINERD_DEFAULT_ROOT,
      state: CONTAINERD_DEFAULT_STATE,
      oomScore: 0,
      // kubeadm 1.35's PauseVersion (cmd/kubeadm/app/constants), for the default crictl v1.35.
      sandboxImage: "registry.k8s.io/pause:3.10.1",
      systemdCgroup: true,
      configPath: "/etc/containerd/certs.d",
      registries: {},
      verifyPull: "auto",
      proxy: { http: "", https: "", noProxy: [] },
      service: { limitNOFILE: 1048576, oomScoreAdjust: -999, tasksMax: "infinity" },
    },
    crictl: {
      install: "release",
      version: DEFAULT_CRICTL_VERSION,
      url: "",
      sha256: "",
      runtimeEndpoint: "unix:///run/containerd/containerd.sock",
      imageEndpoint: "unix:///run/containerd/containerd.sock",
      timeout: 10,
      debug: false,
    },
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
