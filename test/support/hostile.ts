// Hostile values for every free-form string of the spec, for the property and
// sandbox tests. Each field gets (a) anything at all, (b) values built to look
// valid (so validation accepts many of them) but holding every character the
// field's format lets through that means something to a shell, TOML, YAML,
// systemd or a template, and (c) fixed payloads.
import fc from "fast-check";
import type { SpecInput } from "../../src/index.js";

/** Marker a payload would create; the sandbox test checks it never appears. */
export const MARKER = "/tmp/PWNED";

export const PAYLOADS = [
  `$(touch ${MARKER})`,
  `\`touch ${MARKER}\``,
  `';touch ${MARKER};'`,
  `";touch ${MARKER};"`,
  `$(touch\${IFS}${MARKER})`,
  `\ntouch ${MARKER}\n`,
  "\nBAKE_EOF\ntouch /tmp/PWNED\n",
  "\nEOF\n",
  "BAKE_EOF",
  "BAKE_B64",
  "{{toml root}}",
  "{{{raw}}}",
  "#cloud-config",
  "\n#cloud-config\nruncmd: [touch /tmp/PWNED]\n",
  "'",
  '"',
  "\\",
  "\\n",
  "%",
  "%n%h",
  "''",
  '"""',
  "'''",
  "$HOME",
  "${HOME}",
  "$((1+1))",
  "!!",
  "*",
  "~",
  "&",
  "|",
  ";",
  "<",
  ">",
  "()",
  "é",
  "日本",
  "🙂",
  "\u2028",
  "\u0085",
  "\ufeff",
  "\u001b[31m",
  "\u0000",
  "\r",
  "\t",
  " ",
  "",
];

const payload = fc.constantFrom(...PAYLOADS);

/** Anything: random text, unicode and payload fragments glued together. */
export const anything: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: payload },
      fc.string({ maxLength: 6 }),
      fc.string({ unit: "grapheme", maxLength: 3 }),
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join(""));

const charsFrom = (alphabet: string, maxLength = 12, minLength = 0) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

// What the URL format accepts after the host: RFC 3986 less quotes, spaces and braces.
// Shell metacharacters among them ($ ' ( ) ; & ! *) are exactly what we want to try.
const URL_HOSTILE_TAIL = [
  "$(reboot)",
  "';reboot;'",
  "$(touch${IFS})",
  "'$(id)'",
  "&&reboot",
  ";reboot",
  "!!",
  "%n",
  "%%",
  "$releasever",
  "$basearch",
  "#frag",
  "?q=1&r='2'",
  "(x)",
  "*",
  "@",
  "[::1]",
  ":",
];
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
export const hostName = fc.oneof(
  fc.constantFrom("docker.io", "registry.k8s.io", "registry.local", "m.example.com", "10.0.0.1"),
  fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join(".")),
);
const port = fc
  .option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })
  .map((p) => (p === undefined ? "" : `:${p}`));
const urlTail = fc
  .array(fc.oneof(fc.constantFrom(...URL_HOSTILE_TAIL), charsFrom("abcXYZ019._~-%!$&'()*+,;=:@/?#[]", 6)), {
    maxLength: 4,
  })
  .map((parts) => "/" + parts.join(""));

const nearValidUrl = fc
  .tuple(
    fc.constantFrom("http://", "https://"),
    fc.option(fc.constantFrom("user:pa$$@", "u:'x'@", "a@"), { nil: "" }),
    fc.oneof({ weight: 5, arbitrary: hostName }, fc.constantFrom("[::1]", "[fd00::1]")),
    port,
    fc.option(urlTail, { nil: "" }),
  )
  .map((p) => p.join(""));

/** A value for a URL field. */
export const url = fc.oneof(
  { weight: 5, arbitrary: nearValidUrl },
  { weight: 1, arbitrary: nearValidUrl.chain((u) => anything.map((a) => u + a)) },
  { weight: 1, arbitrary: anything },
);

/** A registry host (a key of containerd.registries). */
export const registryHost = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(hostName, port).map(([h, p]) => h + p) },
  { weight: 1, arbitrary: fc.constant("_default") },
  { weight: 2, arbitrary: anything },
  { weight: 1, arbitrary: hostName.chain((h) => anything.map((a) => h + a)) },
);

/** An absolute path (root, state, configPath). */
export const absPath = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(charsFrom("abcXYZ019._@+-", 8, 1), { minLength: 1, maxLength: 4 })
      .map((s) => "/" + s.join("/")),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(charsFrom("abc._@+-", 4, 1), payload), { minLength: 1, maxLength: 3 })
      .map((s) => "/" + s.join("/")),
  },
  { weight: 1, arbitrary: anything },
);

/** A sandbox image reference. */
export const imageRef = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.option(
          fc.tuple(hostName, port).map(([h, p]) => `${h}${p}/`),
          { nil: "" },
        ),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.option(
          charsFrom("abc019_.-", 8, 1).filter((t) => /^\w/.test(t)),
          { nil: undefined },
        ),
      )
      .map(([r, path, tag]) => `${r}${path.join("/")}${tag === undefined ? "" : ":" + tag}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("registry.k8s.io/pause:3.10", "registry.k8s.io/pause@sha256:" + "a".repeat(64))
      .chain((i) => anything.map((a) => i + a)),
  },
  { weight: 1, arbitrary: anything },
);

export const sysctlKey = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        charsFrom("abcnet019_", 5, 1),
        fc.array(charsFrom("abcXYZ019_-", 6, 1), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(".", "/"),
      )
      .map(([a, rest, sep]) => [a, ...rest].join(sep)),
  },
  { weight: 1, arbitrary: anything },
);
export const sysctlValue: fc.Arbitrary<string | number> = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) },
  { weight: 4, arbitrary: charsFrom("abcXYZ019_. :,/-", 16, 1) },
  { weight: 2, arbitrary: anything },
);
export const moduleName = fc.oneof(
  { weight: 4, arbitrary: charsFrom("abcz019_-", 12, 1) },
  { weight: 2, arbitrary: anything },
);
export const packageName = fc.oneof(
  { weight: 4, arbitrary: charsFrom("abcXYZ019._+-", 12, 1) },
  { weight: 2, arbitrary: anything },
);
export const noProxyEntry = fc.oneof(
  { weight: 4, arbitrary: charsFrom("abcXYZ019.*:/_[]-", 14, 1) },
  { weight: 2, arbitrary: anything },
);
export const criEndpoint = fc.oneof(
  { weight: 3, arbitrary: charsFrom("abcXYZ019._@+/-", 20, 1).map((p) => `unix:///${p}`) },
  { weight: 2, arbitrary: charsFrom("abc019.[]:-", 16, 1).map((p) => `tcp://${p}`) },
  { weight: 2, arbitrary: anything },
);

const mirror = fc.oneof(
  url,
  fc.record(
    {
      url,
      capabilities: fc.subarray(["pull", "resolve", "push"] as ("pull" | "resolve" | "push")[], { minLength: 1 }),
      skipVerify: fc.boolean(),
      overridePath: fc.boolean(),
    },
    { requiredKeys: ["url"] },
  ),
);
export const registries = fc.dictionary(
  registryHost,
  fc.record(
    { server: fc.oneof(fc.constant(""), url), mirrors: fc.array(mirror, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  { maxKeys: 3 },
);

/** Which distro a case renders for: EL with docker's repo, Debian with docker's apt repo, Ubuntu's own containerd. */
export const base: fc.Arbitrary<SpecInput> = fc.constantFrom<SpecInput>(
  { distro: "rocky9" },
  { distro: "rocky8", containerd: { version: "1.7" } },
  { distro: "debian13", containerd: { source: "docker", version: "1.7" } },
  { distro: "ubuntu2404" },
);

type Patch = (spec: SpecInput) => void;
const set = <T>(arb: fc.Arbitrary<T>, apply: (spec: SpecInput, value: T) => void) =>
  arb.map((v): [T, Patch] => [v, (s) => apply(s, v)]);
const containerd = (s: SpecInput) => (s.containerd ??= {});
const pkgs = (s: SpecInput) => (s.packages ??= {});
const crictl = (s: SpecInput) => (s.crictl ??= {});
const withProxy = (s: SpecInput) => (containerd(s).proxy ??= {});

/** One arbitrary per free-form field: the value, and how to put it in a spec. */
export const FIELDS: Record<string, fc.Arbitrary<[unknown, Patch]>> = {
  "containerd.registries (hosts, servers, mirrors)": set(registries, (s, v) => (containerd(s).registries = v)),
  "packages.repo.baseurl": set(url, (s, v) => (pkgs(s).repo = { baseurl: v })),
  "packages.repo.gpgkey": set(url, (s, v) => (pkgs(s).repo = { gpgkey: v })),
  "containerd.proxy.http": set(url, (s, v) => (withProxy(s).http = v)),
  "containerd.proxy.https": set(url, (s, v) => (withProxy(s).https = v)),
  "containerd.proxy.noProxy": set(fc.array(noProxyEntry, { minLength: 1, maxLength: 3 }), (s, v) =>
    Object.assign(withProxy(s), { http: "http://proxy.local:3128", noProxy: v }),
  ),
  "containerd.sandboxImage": set(imageRef, (s, v) => (containerd(s).sandboxImage = v)),
  "containerd.root": set(absPath, (s, v) => (containerd(s).root = v)),
  "containerd.state": set(absPath, (s, v) => (containerd(s).state = v)),
  "containerd.configPath": set(absPath, (s, v) => (containerd(s).configPath = v)),
  "kernel.sysctl": set(
    fc.dictionary(sysctlKey, sysctlValue, { minKeys: 1, maxKeys: 3 }),
    (s, v) => (s.kernel = { ...s.kernel, sysctl: v }),
  ),
  "kernel.modules": set(
    fc.uniqueArray(moduleName, { minLength: 1, maxLength: 3 }),
    (s, v) => (s.kernel = { ...s.kernel, modules: v }),
  ),
  "packages.install": set(fc.uniqueArray(packageName, { minLength: 1, maxLength: 3 }), (s, v) => (pkgs(s).install = v)),
  "packages.remove": set(fc.uniqueArray(packageName, { minLength: 1, maxLength: 3 }), (s, v) => (pkgs(s).remove = v)),
  "crictl.url": set(url, (s, v) => (crictl(s).url = v)),
  "crictl.runtimeEndpoint": set(criEndpoint, (s, v) => (crictl(s).runtimeEndpoint = v)),
  "crictl.imageEndpoint": set(criEndpoint, (s, v) => (crictl(s).imageEndpoint = v)),
};

/** A spec with one hostile field on a random base. */
export const specWithField = (field: string): fc.Arbitrary<SpecInput> =>
  fc.tuple(base, FIELDS[field]!).map(([b, [, patch]]) => {
    const spec = structuredClone(b);
    patch(spec);
    return spec;
  });

/** A spec with several hostile fields at once (most such specs are refused, the rest are the interesting ones). */
export const specWithFields: fc.Arbitrary<SpecInput> = fc
  .tuple(
    base,
    fc
      .subarray(Object.keys(FIELDS), { minLength: 2, maxLength: 6 })
      .chain((names) => fc.tuple(...names.map((n) => FIELDS[n]!))),
  )
  .map(([b, patches]) => {
    const spec = structuredClone(b);
    for (const [, patch] of patches) patch(spec);
    return spec;
  });

/** Every string anywhere in a value (keys included), for the "never unquoted" check. */
export function stringsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") out.add(value);
  else if (Array.isArray(value)) {
    for (const v of value) stringsIn(v, out);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      stringsIn(v, out);
    }
  }
  return out;
}
