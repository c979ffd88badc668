// One hosts.toml per registry: containerd's mirror mechanism since 1.5.
// PEM material given inline is written beside it; secrets are written 0600.
// sandboxPull adds the verify check that pulls through them.
import { renderTemplate } from "../../render/templates.js";
import { sh } from "../../render/shell.js";
import { imageRegistry } from "./risky-values.js";
import type { MirrorSpec, RegistrySpec } from "../../schema/node-spec.js";
import type { Contribution, PlanContext, PlannedFile } from "../../plan/types.js";

/** The upstream server containerd would use for a registry host. */
function defaultServer(host: string): string {
  return host === "docker.io" ? "https://registry-1.docker.io" : `https://${host}`;
}

type Access = Pick<RegistrySpec, "skipVerify" | "ca" | "client" | "header">;

interface AccessView {
  skipVerify: boolean;
  ca: string;
  client: string[];
  headers: { name: string; values: string[] }[];
}

const isPem = (value: string) => value.startsWith("-----BEGIN ");
const withNewline = (pem: string) => (pem.endsWith("\n") ? pem : `${pem}\n`);

/** A file-name-safe label for a host URL: https://m.example.com:5000/v2 -> m.example.com_5000 */
function labelOf(url: string): string {
  const hostPort = url
    .replace(/^https?:\/\//, "")
    .replace(/[/?#].*$/, "")
    .replace(/^.*@/, "");
  return hostPort.replace(/[^A-Za-z0-9.-]/g, "_");
}

export function registries({ spec }: PlanContext): Contribution {
  const { configPath, registries } = spec.containerd;
  const files: PlannedFile[] = [];
  for (const host of Object.keys(registries).sort()) {
    const registry = registries[host]!;
    const dir = `${configPath}/${host}`;
    const from = [`containerd.registries.${host}`];
    const extra: PlannedFile[] = [];
    // Inline PEM becomes a file; a path is used as given.
    const place = (value: string | undefined, name: string, mode: string): string => {
      if (value === undefined || value === "") return "";
      if (!isPem(value)) return value;
      const path = `${dir}/${name}`;
      extra.push({ path, mode, content: withNewline(value), from });
      return path;
    };
    const access = (a: Access, label: string): AccessView => ({
      skipVerify: a.skipVerify ?? false,
      ca: place(a.ca, `${label}-ca.crt`, "0644"),
      client: a.client
        ? [place(a.client.cert, `${label}-client.crt`, "0644"), place(a.client.key, `${label}-client.key`, "0600")]
        : [],
      headers: Object.keys(a.header ?? {})
        .sort()
        .map((name) => ({ name, values: [a.header![name]!] })),
    });
    const mirrors = registry.mirrors.map((m: MirrorSpec) => {
      const mirror = typeof m === "string" ? { url: m } : m;
      return {
        url: mirror.url,
        capabilities: mirror.capabilities ?? ["pull", "resolve"],
        overridePath: mirror.overridePath ?? false,
        access: access(mirror, labelOf(mirror.url)),
      };
    });
    const server = host === "_default" ? "" : registry.server || defaultServer(host);
    const serverAccess = access(registry, "server");
    const holdsSecret = [serverAccess, ...mirrors.map((m) => m.access)].some((a) => a.headers.length > 0);
    files.push({
      path: `${dir}/hosts.toml`,
      // Authorization headers live in hosts.toml itself.
      mode: holdsSecret ? "0600" : "0644",
      content: renderTemplate("hosts.toml.hbs", { registry: host, server, serverAccess, mirrors }),
      from: [...from, "containerd.configPath"],
    });
    files.push(...extra);
  }
  return { files };
}

/** The hosts.toml containerd uses for a registry: its own, else _default. */
function hostsFor(registries: Record<string, RegistrySpec>, host: string): RegistrySpec | undefined {
  return registries[host] ?? registries._default;
}

/**
 * A verify check that pulls the sandbox image through the CRI, so hosts.toml
 * applies: a mirror that cannot serve it fails the build, naming image and
 * registry. containerd falls back to the upstream server after its mirrors,
 * so where upstream is reachable this proves the image pulls, not the mirror.
 */
export function sandboxPull({ spec }: PlanContext): Contribution {
  const { sandboxImage, registries, verifyPull } = spec.containerd;
  if (verifyPull === "never" || spec.crictl.install === "none") return {};
  const registry = imageRegistry(sandboxImage);
  const mirrored = (hostsFor(registries, registry)?.mirrors.length ?? 0) > 0;
  if (verifyPull === "auto" && !mirrored) return {};
  // An image named with its registry says where it pulls from.
  const via = mirrored
    ? ` through the mirrors of ${registry}`
    : sandboxImage.startsWith(`${registry}/`)
      ? ""
      : ` from ${registry}`;
  return {
    checks: [
      {
        description: `${sandboxImage} pulls${via} (crictl pull)`,
        test: sh`bake_retry crictl pull ${sandboxImage}`,
        slow: true,
      },
    ],
  };
}
