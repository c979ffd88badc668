// Named string formats used by the schema. Each has a test and the message a
// user sees when a value fails it; validate.ts registers them with ajv.

interface StringFormat {
  test: (value: string) => boolean;
  expected: string;
  /** Valid values, which bake explain's probes set a key to, to see what it changes. */
  samples: readonly string[];
  /** Why a value fails, where there is more to say than `expected` (a did-you-mean, the part at fault). */
  explain?: (value: string) => string | undefined;
}

const SAFE_PATH_SEGMENT = /^[A-Za-z0-9._@+-]+$/;

function isAbsolutePath(value: string): boolean {
  if (!value.startsWith("/") || value === "/" || value.endsWith("/")) return false;
  return value
    .slice(1)
    .split("/")
    .every((segment) => SAFE_PATH_SEGMENT.test(segment) && segment !== "." && segment !== "..");
}

// RFC 3986 characters, less the quote, space and brace family that no config
// file we write could carry unchanged. "$" stays: dnf expands $releasever.
// "[" and "]" are only legal around an IPv6 host, never after it, and a
// "#fragment" is never sent to a server; apt's sources files cannot hold
// either, so neither is accepted after the host.
const URL_TAIL = /^[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_HOST = /^\[[0-9A-Fa-f:.]+\]$/;

function isHostPort(value: string): boolean {
  const match = /^(\[[^\]]+\]|[^:/]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const [, host = "", port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return HOST.test(host) || IPV6_HOST.test(host);
}

// After the host comes a path or a query, or nothing: "http://u:p@ss@proxy" is host "ss"
// followed by "@proxy", not a URL.
function isHttpUrl(value: string): boolean {
  const match =
    /^https?:\/\/(?:[A-Za-z0-9._~%!$&'()*+,;=-]+(?::[A-Za-z0-9._~%!$&'()*+,;=-]*)?@)?([^/?#@]+)([/?].*)?$/.exec(value);
  if (!match) return false;
  const [, hostPort = "", tail = ""] = match;
  return isHostPort(hostPort) && URL_TAIL.test(tail);
}

/**
 * What is wrong with a value that is not an http(s) URL, where a user could not
 * tell from "is not a URL": no scheme (with the URL it likely means, `scheme`
 * being the usual one for the key), a second "@" in the user or password, a port
 * out of range.
 */
function explainHttpUrl(value: string, scheme: "http" | "https"): string | undefined {
  const prefix = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value)?.[0];
  if (prefix === undefined)
    return !value.includes("://") && isHttpUrl(`${scheme}://${value}`)
      ? `has no scheme; did you mean "${scheme}://${value}"?`
      : undefined;
  if (!/^https?:\/\/$/.test(prefix)) return undefined;
  const authority = value.slice(prefix.length).split(/[/?#]/)[0] ?? "";
  if (authority.split("@").length > 2)
    return 'has an unescaped "@" in its user or password; write each "@" there as %40';
  const port = /:(\d+)$/.exec(authority.slice(authority.lastIndexOf("@") + 1))?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return `has an invalid port ${port}: a port is 1 to 65535`;
  return undefined;
}

// Docker image reference: [registry[:port]/]path[:tag][@sha256:digest]
const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

// An IPv4 or IPv6 network in CIDR notation: the address as written and its prefix length.
function cidrParts(value: string): { bits: bigint; width: number; prefix: number } | undefined {
  const m = /^([0-9.]+|[0-9A-Fa-f:]+)\/(\d{1,3})$/.exec(value);
  if (!m) return undefined;
  const [, address = "", length = ""] = m;
  const prefix = Number(length);
  if (address.includes(".")) {
    const octets = address.split(".");
    if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255) || prefix > 32)
      return undefined;
    return { bits: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), width: 32, prefix };
  }
  const halves = address.split("::");
  const groups = halves.map((h) => (h === "" ? [] : h.split(":")));
  const given = groups.flat();
  if (halves.length > 2 || prefix > 128 || given.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  if (halves.length === 1 ? given.length !== 8 : given.length > 7) return undefined;
  const all = [...groups[0]!, ...Array(8 - given.length).fill("0"), ...(groups[1] ?? [])];
  return { bits: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), width: 128, prefix };
}

/** A CIDR's network address when `value` has host bits set ("10.244.1.0/16" -> "10.244.0.0/16"); undefined when it has none. */
export function cidrWithoutHostBits(value: string): string | undefined {
  const c = cidrParts(value);
  if (!c) return undefined;
  const host = (1n << BigInt(c.width - c.prefix)) - 1n;
  if ((c.bits & host) === 0n) return undefined;
  const net = c.bits & ~host;
  if (c.width === 32) return `${[24n, 16n, 8n, 0n].map((s) => (net >> s) & 255n).join(".")}/${c.prefix}`;
  const groups = [...Array(8).keys()].map((i) => ((net >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return `${groups.join(":")}/${c.prefix}`;
}

const PEM = /^(-----BEGIN [A-Z0-9 ]+-----\n(?:[A-Za-z0-9+/=]{1,76}\n)+-----END [A-Z0-9 ]+-----\n?)+$/;

export const formats: Record<string, StringFormat> = {
  "pem-or-path": {
    test: (v) => PEM.test(v) || isAbsolutePath(v),
    expected: "PEM text (-----BEGIN ...-----) or an absolute path on the node",
    samples: ["/etc/pki/probe/probe.pem"],
  },
  "header-name": {
    test: (v) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(v),
    expected: "an HTTP header name such as Authorization",
    samples: ["X-Probe"],
  },
  "header-value": {
    test: (v) => v.length > 0 && v.length <= 8192 && /^[\x20-\x7e]+$/.test(v) && v.trim() === v,
    expected: "a one-line header value of printable ASCII",
    samples: ["probe"],
  },
  "absolute-path": {
    test: isAbsolutePath,
    expected: "an absolute path such as /var/lib/containerd (letters, digits, . _ - @ + only; no '..', no trailing /)",
    samples: ["/srv/bake-probe"],
  },
  "http-url": {
    test: isHttpUrl,
    expected: "an http:// or https:// URL without spaces, quotes, braces, brackets or #",
    samples: ["https://probe.example/path"],
    explain: (v) => explainHttpUrl(v, "https"),
  },
  "optional-http-url": {
    test: (v) => v === "" || isHttpUrl(v),
    expected: "an http:// or https:// URL, or empty",
    samples: ["https://probe.example/path", ""],
    explain: (v) => explainHttpUrl(v, "https"),
  },
  "proxy-url": {
    test: (v) => v === "" || isHttpUrl(v),
    expected: "an http:// or https:// URL, or empty",
    samples: ["http://proxy.probe.example:3128", ""],
    // A proxy is spoken to in plain http, even for https URLs (CONNECT).
    explain: (v) => explainHttpUrl(v, "http"),
  },
  "image-reference": {
    test: (v) => v.length <= 255 && IMAGE_REF.test(v),
    expected: "an image reference such as registry.k8s.io/pause:3.10",
    samples: ["probe.example/pause:9.9"],
  },
  "registry-host": {
    test: (v) => v === "_default" || (isHostPort(v) && !v.startsWith("[")),
    expected: "a registry host such as docker.io or registry.local:5000, or _default",
    samples: ["probe2.example"],
  },
  "no-proxy-entry": {
    test: (v) => /^[A-Za-z0-9.*:/_[\]-]+$/.test(v),
    expected: "a host, domain (.example.com), IP or CIDR",
    samples: [".probe.example"],
  },
  "sysctl-key": {
    test: (v) => /^[a-z0-9_]+(?:[./][A-Za-z0-9_-]+)+$/.test(v),
    expected: "a sysctl key such as net.ipv4.ip_forward",
    samples: ["net.core.somaxconn"],
  },
  "sysctl-value": {
    test: (v) => /^[A-Za-z0-9_. :,/-]+$/.test(v) && v.trim() === v,
    expected: "a sysctl value: letters, digits, spaces and . _ : , / -",
    samples: ["4096 8192"],
  },
  "module-name": {
    // A leading - would make modprobe read it as an option.
    test: (v) => /^[a-z0-9_][a-z0-9_-]{0,54}$/.test(v),
    expected: "a kernel module name such as br_netfilter (not starting with -, which modprobe reads as an option)",
    samples: ["probe_mod"],
  },
  "package-name": {
    // A trailing - would make apt-get remove the package instead.
    test: (v) => /^[A-Za-z0-9](?:[A-Za-z0-9._+-]*[A-Za-z0-9._+])?$/.test(v),
    expected: "a package name such as podman (not ending in -, which apt reads as remove)",
    samples: ["probe-pkg"],
  },
  "containerd-version": {
    test: (v) => /^(?:1|2)(?:\.\d{1,3}){0,2}$/.test(v),
    expected: 'a containerd version prefix such as "2", "1.7" or "1.7.27" (major 1 or 2)',
    samples: ["2", "1.7", "1.7.27"],
  },
  "crictl-version": {
    test: (v) => /^v\d+\.\d+\.\d+$/.test(v),
    expected: "a release tag such as v1.35.0",
    // key-effects.ts probes with crictl's release table, which the schema cannot import.
    samples: [],
  },
  "optional-sha256": {
    test: (v) => v === "" || /^[a-f0-9]{64}$/.test(v),
    expected: "64 lowercase hex digits, or empty",
    samples: ["a".repeat(64), ""],
  },
  // An OpenPGP v4 (40 hex digits) or v6 (64) fingerprint, upper case as apt compares it with
  // its verifier's output (sources.list(5), Signed-By).
  "optional-openpgp-fingerprint": {
    test: (v) => v === "" || /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(v),
    expected: "an OpenPGP key fingerprint: 40 (or 64) upper-case hex digits, no spaces; or empty",
    samples: ["DE15B14486CD377B9E876E1A234654DA9A296436", ""],
  },
  "kubernetes-version": {
    test: (v) => /^1\.\d{2}(?:\.\d{1,3})?$/.test(v),
    expected: 'a Kubernetes minor such as "1.35", or an exact patch such as "1.35.2"',
    samples: ["1.34", "1.35.2"],
  },
  "firewall-port": {
    test: (v) =>
      /^\d{1,5}(?:-\d{1,5})?\/(?:tcp|udp|sctp)$/.test(v) &&
      v
        .split(/[-/]/)
        .slice(0, -1)
        .every((n) => Number(n) >= 1 && Number(n) <= 65535),
    expected: "a port or range with its protocol, such as 6443/tcp or 30000-32767/tcp",
    samples: ["8472/udp"],
  },
  cidr: {
    // A /0 would make every address a pod address.
    test: (v) => (cidrParts(v)?.prefix ?? 0) > 0,
    expected: "a network in CIDR notation such as 10.244.0.0/16 or fd00:10:244::/56 (prefix length 1 or more)",
    samples: ["10.245.0.0/16"],
  },
  "optional-image-repository": {
    test: (v) =>
      v === "" ||
      (v.length <= 200 && !v.endsWith("/") && IMAGE_REF.test(`${v}/pause`) && !/[:@]/.test(v.replace(/^[^/]*/, ""))),
    expected: "an image repository such as registry.k8s.io or mirror.local:5000/k8s, or empty",
    samples: ["mirror.probe.example/k8s", ""],
  },
  "preflight-check": {
    test: (v) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v),
    expected: "a kubeadm preflight check name such as NumCPU",
    samples: ["NumCPU"],
  },
  "cri-endpoint": {
    test: (v) => /^unix:\/\/\/[A-Za-z0-9._@+/-]+$/.test(v) || /^tcp:\/\/[A-Za-z0-9.[\]:-]+$/.test(v),
    expected: "unix:///path/to.sock or tcp://host:port",
    samples: ["unix:///run/probe/probe.sock"],
  },
};
