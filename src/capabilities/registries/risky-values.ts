// Values the schema accepts but that break a node quietly or put it at risk:
// mirror URLs containerd will mis-route, mirrors known to be dead, the frozen
// k8s.gcr.io, an untagged pause image, plain HTTP to a public host. Each is a
// warning (an error under --strict) on the key that holds the value.
import type { NodeSpec } from "../../schema/node-spec.js";

interface RiskyValue {
  /** Key path segments, e.g. ["containerd", "registries", "docker.io", "mirrors", "0"]. */
  path: string[];
  message: string;
  /** Point at the key itself (a registry host), not its value. */
  target?: "key";
}

/**
 * Registry mirror hosts known to be gone for users outside their own network.
 * Small on purpose; each entry says since when and where that is stated.
 */
const DEAD_MIRROR_HOSTS: Record<string, string> = {
  // mirrors.ustc.edu.cn/help/dockerhub.html (ustclug/mirrorhelp): answers 403 outside USTC since 2022-08-24.
  "docker.mirrors.ustc.edu.cn": "USTC's Docker Hub mirror answers 403 outside the USTC campus network since 2022-08-24",
  // Listed as shut down in the y0ngb1n/docker-registry-mirrors gist (checked 2026-11), like most public Docker Hub mirrors in China since 2024-06.
  "hub-mirror.c.163.com": "NetEase's (163) Docker Hub mirror is shut down",
  // docker/docs PR #9316 (2019-08) removed the page for Docker's China mirror: it no longer exists.
  "registry.docker-cn.com": "Docker's own China mirror was shut down in 2019",
  // Same gist: *.azk8s.cn serves Azure China addresses only (since 2020-04).
  "dockerhub.azk8s.cn": "Azure China's mirror serves Azure China addresses only since 2020",
};

/** k8s.gcr.io stopped receiving images in April 2023; registry.k8s.io replaced it. */
const FROZEN_REGISTRY = "k8s.gcr.io";

interface ParsedUrl {
  scheme: string;
  host: string;
  /** scheme://host[:port], without any user:password. */
  origin: string;
  path: string;
}

function parseUrl(url: string): ParsedUrl | undefined {
  const match = /^(https?):\/\/(?:[^@/?#]*@)?((\[[^\]]*\]|[^:/?#]+)(?::\d+)?)([^?#]*)/.exec(url);
  if (!match) return undefined;
  return { scheme: match[1]!, host: match[3]!.toLowerCase(), origin: `${match[1]}://${match[2]}`, path: match[4]! };
}

/** Hosts plain HTTP may reach without a warning: loopback, private and link-local addresses, local names. */
export function isPrivateHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  const ipv4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(bare);
  if (ipv4) {
    const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
    return (
      a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
    );
  }
  if (bare.includes(":")) return bare === "::1" || /^f[cd]/i.test(bare) || /^fe[89ab]/i.test(bare);
  return !bare.includes(".") || /\.(local|localhost|internal|lan|home\.arpa)$/.test(bare) || bare === "localhost";
}

/** The registry host of an image reference (docker.io when the first part is not a host). */
export function imageRegistry(image: string): string {
  const first = image.split("/")[0]!;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : "docker.io";
}

// containerd (core/remotes/docker/config/hosts.go, parseHostConfig): a host URL
// whose cleaned path does not end in /v2 gets /v2 appended, unless
// override_path is set; then the path is used as the API root as it is.
function mirrorPathProblem(url: string, overridePath: boolean): string | undefined {
  const parsed = parseUrl(url);
  if (!parsed) return undefined;
  const path = parsed.path.replace(/\/+$/, "");
  const origin = parsed.origin;
  if (overridePath) {
    if (path === "") {
      return `overridePath: true makes containerd use the URL's path as the API root, and this URL has none, so it asks ${origin}/<image>/manifests/... without /v2; add the path (e.g. ${origin}/v2) or drop overridePath`;
    }
    return undefined;
  }
  if (parsed.path === "" || path.endsWith("/v2")) return undefined;
  if (path === "") return `containerd appends /v2 to the path "/" and asks ${origin}//v2/...; drop the trailing "/"`;
  const apiRoot = path.startsWith("/v2/") ? path : `/v2${path}`;
  return (
    `containerd appends /v2 to this path and asks ${origin}${path}/v2/<image>/..., which a mirror serving the registry under ${path} does not answer; ` +
    `write the mirror as {url: "${origin}${apiRoot}", overridePath: true}, or drop the path if the mirror serves the registry at its root`
  );
}

export function riskyValues(spec: NodeSpec): RiskyValue[] {
  const out: RiskyValue[] = [];
  const warn = (path: string[], message: string, target?: "key") =>
    out.push(target ? { path, message, target } : { path, message });
  const c = spec.containerd;

  const image = c.sandboxImage;
  const imageHost = imageRegistry(image);
  const lastPart = image.split("/").pop()!;
  if (imageHost === FROZEN_REGISTRY)
    warn(
      ["containerd", "sandboxImage"],
      `${FROZEN_REGISTRY} is frozen since April 2023 and gets no new images; use registry.k8s.io (or a mirror of it)`,
    );
  else if (DEAD_MIRROR_HOSTS[imageHost])
    warn(
      ["containerd", "sandboxImage"],
      `${DEAD_MIRROR_HOSTS[imageHost]}; pull the image from a registry you can reach`,
    );
  if (!lastPart.includes("@")) {
    const tag = lastPart.includes(":") ? lastPart.slice(lastPart.indexOf(":") + 1) : "";
    if (tag === "" || tag === "latest") {
      warn(
        ["containerd", "sandboxImage"],
        `${tag === "" ? "has no tag, so containerd pulls :latest," : "uses :latest,"} which changes under you; pin the pause version kubeadm expects (e.g. pause:3.10)`,
      );
    }
  }

  for (const [host, registry] of Object.entries(c.registries)) {
    const at = ["containerd", "registries", host];
    if (host === FROZEN_REGISTRY)
      warn(
        at,
        `${FROZEN_REGISTRY} is frozen since April 2023; configure registry.k8s.io, where kubeadm and the pause image come from`,
        "key",
      );
    const urls: { path: string[]; url: string; overridePath: boolean; mirror: boolean }[] = [];
    if (registry.server !== "")
      urls.push({ path: [...at, "server"], url: registry.server, overridePath: false, mirror: false });
    registry.mirrors.forEach((m, i) => {
      const mirrorAt = [...at, "mirrors", String(i)];
      if (typeof m === "string") urls.push({ path: mirrorAt, url: m, overridePath: false, mirror: true });
      else urls.push({ path: [...mirrorAt, "url"], url: m.url, overridePath: m.overridePath ?? false, mirror: true });
    });
    for (const u of urls) {
      const parsed = parseUrl(u.url);
      if (!parsed) continue;
      if (DEAD_MIRROR_HOSTS[parsed.host])
        warn(u.path, `${DEAD_MIRROR_HOSTS[parsed.host]}; remove it or use a mirror you can reach`);
      else if (parsed.host === FROZEN_REGISTRY)
        warn(u.path, `${FROZEN_REGISTRY} is frozen since April 2023; use registry.k8s.io`);
      if (parsed.scheme === "http" && !isPrivateHost(parsed.host)) {
        warn(
          u.path,
          `plain HTTP to the public host ${parsed.host}: images travel unchecked by TLS and can be swapped in transit; use https:// (plain HTTP passes silently only for private, loopback and .local hosts)`,
        );
      }
      if (u.mirror) {
        const problem = mirrorPathProblem(u.url, u.overridePath);
        if (problem) warn(u.path, problem);
      }
    }
  }
  return out;
}
