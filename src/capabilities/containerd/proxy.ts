// containerd.proxy is the proxy of the node's network: bake's own package
// installs and downloads go through it too, with the same no-proxy list.
// dnf (librepo/libcurl), apt's http method and curl all read the lower-case
// variables; the step's title never shows the URLs (they may hold passwords).
import { sh } from "../../render/shell.js";
import type { NodeSpec } from "../../schema/node-spec.js";
import type { PlannedStep } from "../../plan/types.js";

type Proxy = NodeSpec["containerd"]["proxy"];

/** NAME=value for each proxy setting that is set; systemd units get upper-case names, bake's tools lower-case. */
export function proxyAssignments({ http, https, noProxy }: Proxy, names: "upper" | "lower"): string[] {
  const pairs: [string, string][] = [
    ["http_proxy", http],
    ["https_proxy", https],
    ["no_proxy", noProxy.join(",")],
  ];
  return pairs
    .filter(([, value]) => value !== "")
    .map(([name, value]) => `${names === "upper" ? name.toUpperCase() : name}=${value}`);
}

export function proxyStep(spec: NodeSpec): PlannedStep | undefined {
  const proxy = spec.containerd.proxy;
  if (proxy.http === "" && proxy.https === "") return undefined;
  return {
    id: "proxy",
    title: "use containerd.proxy for package installs and downloads too",
    run: sh`export ${proxyAssignments(proxy, "lower")}`,
  };
}
