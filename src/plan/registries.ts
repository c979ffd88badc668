// One hosts.toml per registry: containerd's mirror mechanism since 1.5.
import { renderTemplate } from "../render/templates.js";
import type { Contribution, PlanContext, PlannedFile } from "./types.js";

/** The upstream server containerd would use for a registry host. */
export function defaultServer(host: string): string {
  return host === "docker.io" ? "https://registry-1.docker.io" : `https://${host}`;
}

export function registries({ spec }: PlanContext): Contribution {
  const { configPath, registries } = spec.containerd;
  const files: PlannedFile[] = Object.keys(registries)
    .sort()
    .map((host) => {
      const registry = registries[host]!;
      const mirrors = registry.mirrors.map((m) =>
        typeof m === "string"
          ? { url: m, capabilities: ["pull", "resolve"], skipVerify: false, overridePath: false }
          : { url: m.url, capabilities: m.capabilities ?? ["pull", "resolve"], skipVerify: m.skipVerify ?? false, overridePath: m.overridePath ?? false },
      );
      const server = host === "_default" ? "" : registry.server || defaultServer(host);
      return {
        path: `${configPath}/${host}/hosts.toml`,
        mode: "0644",
        content: renderTemplate("hosts.toml.hbs", { registry: host, server, mirrors }),
        from: [`containerd.registries.${host}`, "containerd.configPath"],
      };
    });
  return { files };
}
