// What the schema cannot say about registries: TLS turned off, credentials in user-data,
// _default naming a server, and a pull check with nothing to pull with.
import { ruleFindings, type RuleFinding } from "../../report.js";
import type { NodeSpec } from "../../schema/node-spec.js";

/** Each registry's hosts and access. */
export function registryRules(spec: NodeSpec): RuleFinding[] {
  const { out, error, warn } = ruleFindings();
  const c = spec.containerd;
  let credentials: string[] | undefined;
  for (const [host, registry] of Object.entries(c.registries)) {
    type Access = Pick<typeof registry, "skipVerify" | "header" | "client">;
    const hosts: { at: string[]; url: string; access: Access }[] = [
      { at: ["containerd", "registries", host], url: registry.server || host, access: registry },
    ];
    registry.mirrors.forEach((mirror, index) => {
      if (typeof mirror === "object")
        hosts.push({
          at: ["containerd", "registries", host, "mirrors", String(index)],
          url: mirror.url,
          access: mirror,
        });
    });
    for (const h of hosts) {
      if (h.access.skipVerify) warn([...h.at, "skipVerify"], `TLS verification is off for ${h.url}`);
      if (Object.keys(h.access.header ?? {}).length > 0) credentials ??= [...h.at, "header"];
      else if (h.access.client?.key.startsWith("-----BEGIN")) credentials ??= [...h.at, "client"];
    }
    if (host === "_default" && registry.server !== "")
      error(
        ["containerd", "registries", host, "server"],
        "_default applies to every registry and cannot name a server",
      );
  }
  if (credentials) {
    warn(
      credentials,
      "the spec holds registry credentials: in cloud-init user-data anyone who can reach the instance metadata service can read them; prefer the Packer script for images, or IMDSv2 with a hop limit of 1",
    );
  }
  return out;
}

/** containerd.verifyPull, which pulls with crictl. */
export function verifyPullRules(spec: NodeSpec): RuleFinding[] {
  const { out, error } = ruleFindings();
  const c = spec.containerd;
  const cr = spec.crictl;
  if (c.verifyPull === "always" && cr.install === "none") {
    error(["containerd", "verifyPull"], "always needs crictl to pull with, and crictl.install is none");
  }
  return out;
}
