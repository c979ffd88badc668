// What the schema cannot say about containerd: the package source per family, root and state,
// versions past their end of life, and values kubeadm would complain about; the proxy's no-proxy list.
import { distroInfo } from "../distro/identity.js";
import { ruleFindings, type RuleFinding } from "../../report.js";
import type { NodeSpec } from "../../schema/node-spec.js";

/** The containerd section's own keys. */
export function containerdRules(spec: NodeSpec): RuleFinding[] {
  const { out, error, warn } = ruleFindings();
  const info = distroInfo(spec.distro);
  const c = spec.containerd;
  if (info.family === "el" && c.source === "distro") {
    error(
      ["containerd", "source"],
      `${spec.distro} has no containerd package of its own; use source: docker (containerd.io)`,
    );
  }
  if (c.root === c.state)
    error(
      ["containerd", "state"],
      "must differ from containerd.root: containerd keeps separate persistent and runtime directories",
    );
  for (const [a, b] of [
    ["root", "state"],
    ["state", "root"],
  ] as const) {
    if (c[a].startsWith(c[b] + "/")) error(["containerd", a], `must not be inside containerd.${b} (${c[b]})`);
  }
  if (/^1\.[0-5](\.|$)/.test(c.version)) {
    error(
      ["containerd", "version"],
      `containerd ${c.version} is end of life and predates hosts.toml support in CRI; use 1.7 or 2`,
    );
  } else if (/^1\.6(\.|$)/.test(c.version)) {
    warn(["containerd", "version"], "containerd 1.6 is end of life; 1.7 or 2 are maintained");
  }
  const pause = /(?:^|\/)pause:(\d+)\.(\d+)/.exec(c.sandboxImage);
  if (pause && (Number(pause[1]) < 3 || (Number(pause[1]) === 3 && Number(pause[2]) < 10))) {
    warn(
      ["containerd", "sandboxImage"],
      `pause:${pause[1]}.${pause[2]} is older than pause:3.10, which kubeadm has expected since 1.31 (kubeadm 1.35: 3.10.1); kubeadm will warn about the mismatch`,
    );
  }
  if (c.oomScore === -1000)
    warn(["containerd", "oomScore"], "-1000 makes containerd unkillable by the OOM killer; the guide recommends -999");
  if (!c.systemdCgroup)
    warn(
      ["containerd", "systemdCgroup"],
      "kubeadm configures kubelet with the systemd cgroup driver; false must be matched in the kubelet config",
    );
  return out;
}

/**
 * containerd.proxy: a no-proxy list means nothing without a proxy; HTTP_PROXY alone
 * carries only http:// URLs; a password in it reaches user-data.
 */
export function proxyRules(spec: NodeSpec): RuleFinding[] {
  const { out, warn } = ruleFindings();
  const proxy = spec.containerd.proxy;
  if (proxy.noProxy.length > 0 && proxy.http === "" && proxy.https === "") {
    warn(["containerd", "proxy", "noProxy"], "has no effect without proxy.http or proxy.https");
  }
  if (proxy.http !== "" && proxy.https === "" && !hasPlainHttpEndpoint(spec)) {
    warn(
      ["containerd", "proxy", "http"],
      "is used only for http:// URLs, and containerd's registries and every URL in the spec are https: nothing goes through the proxy; set proxy.https too (usually to the same http:// URL)",
    );
  }
  const withPassword = (["http", "https"] as const).find((key) => /^https?:\/\/[^/@]*:[^/]*@/.test(proxy[key]));
  if (withPassword)
    warn(
      ["containerd", "proxy", withPassword],
      "holds proxy credentials: in cloud-init user-data anyone who can reach the instance metadata service can read them; prefer the Packer script for images, or IMDSv2 with a hop limit of 1",
    );
  return out;
}

/** Whether the node fetches anything over plain http that bake knows of: a URL in the spec, the proxy's own aside. */
function hasPlainHttpEndpoint(spec: NodeSpec): boolean {
  const { proxy: _, ...containerd } = spec.containerd;
  const plainHttp = (value: unknown): boolean =>
    typeof value === "string"
      ? value.startsWith("http://")
      : typeof value === "object" && value !== null && Object.values(value).some(plainHttp);
  return plainHttp({ ...spec, containerd });
}
