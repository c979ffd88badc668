// Values the schema accepts but that break a node quietly: mirror URLs
// containerd mis-routes, dead mirrors, k8s.gcr.io, an untagged pause image,
// plain HTTP to a public host. Each is a warning at its key and line, and an
// error under --strict; the guide's own values are the corpus.
import { describe, expect, it } from "vitest";
import { validateSpec, type SpecInput } from "../src/index.js";
import { isPrivateHost } from "../src/capabilities/registries/risky-values.js";
import { runCliAsync } from "./helpers.js";

const GUIDE_AS_WRITTEN = "test/fixtures/risky/guide-as-written.yaml";

// [key path, position, words of the message] for every value of the guide that does not work.
const EXPECTED: [string, string, string][] = [
  ["containerd.sandboxImage", "4:17", "pause:3.6 is older than pause:3.10, which kubeadm has expected since 1.31"],
  [
    "containerd.registries.registry.k8s.io.mirrors[0]",
    "8:11",
    "asks https://registry.aliyuncs.com/k8sxio/v2/<image>/...",
  ],
  [
    "containerd.registries.registry.k8s.io.mirrors[0]",
    "8:11",
    'write the mirror as {url: "https://registry.aliyuncs.com/v2/k8sxio", overridePath: true}',
  ],
  [
    "containerd.registries.docker.io.mirrors[0]",
    "11:11",
    "USTC's Docker Hub mirror answers 403 outside the USTC campus network since 2022-08-24",
  ],
  ["containerd.registries.docker.io.mirrors[1]", "12:11", "NetEase's (163) Docker Hub mirror is shut down"],
  ["containerd.registries.docker.io.mirrors[1]", "12:11", "plain HTTP to the public host hub-mirror.c.163.com"],
  ["containerd.registries.k8s.gcr.io", "13:5", "k8s.gcr.io is frozen since April 2023"],
  [
    "containerd.registries.k8s.gcr.io.mirrors[0]",
    "15:11",
    '{url: "https://registry.aliyuncs.com/v2/google_containers", overridePath: true}',
  ],
];

/** The warnings of one spec as "path: message". */
function warnings(input: SpecInput): string[] {
  return validateSpec(input).warnings.map((w) => `${w.path}: ${w.message}`);
}
const mirrorWarnings = (host: string, mirror: string | { url: string; overridePath?: boolean }) =>
  warnings({ containerd: { registries: { [host]: { mirrors: [mirror] } } } });

describe("the guide's registry values, as written", () => {
  it("each is a warning at its key and line; the spec is still valid", async () => {
    const r = await runCliAsync(["validate", "-c", GUIDE_AS_WRITTEN]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.startsWith(`bake: spec: ${GUIDE_AS_WRITTEN}\n`)).toBe(true);
    for (const [path, position, words] of EXPECTED) {
      const block = r.stderr
        .split("\n")
        .slice(1)
        .join("\n")
        .split("\n\n")
        .find((b) => b.startsWith(`warning: ${path}: `) && b.includes(words));
      expect(block, `${path}: ${words}\n${r.stderr}`).toBeDefined();
      expect(block).toContain(`--> ${GUIDE_AS_WRITTEN}:${position}\n`);
    }
    expect(r.stderr.match(/^warning: /gm)).toHaveLength(EXPECTED.length - 1); // two findings share the k8sxio message
  });

  it("--strict makes each an error, and nothing is written", async () => {
    const r = await runCliAsync(["cloud-init", "--strict", "-c", GUIDE_AS_WRITTEN]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    for (const [path] of EXPECTED) expect(r.stderr).toContain(`error: ${path}: `);
    expect(r.stderr.match(/\(an error under --strict\)/g)).toHaveLength(EXPECTED.length - 1);
    expect(r.stderr).toContain(`--> ${GUIDE_AS_WRITTEN}:12:11`);
  });

  it("examples/guide.yaml keeps the guide's choices with values that pass --strict", async () => {
    const r = await runCliAsync(["validate", "--strict", "-c", "examples/guide.yaml"]);
    // The guide's choices carry no warning, and its user-data fits EC2's 16,384 bytes as text
    // (test/size.test.ts holds it under its ceiling): no size line either.
    expect(r.stderr).toMatch(/^bake: spec: examples\/guide\.yaml\nbake: examples\/guide\.yaml is valid/);
    expect(r.status).toBe(0);
  });
});

describe("a mirror URL with a path", () => {
  it("without overridePath: containerd appends /v2 after the path, so bake warns and writes the fix", () => {
    const [w, ...rest] = mirrorWarnings("registry.k8s.io", "https://registry.aliyuncs.com/k8sxio");
    expect(rest).toEqual([]);
    expect(w).toContain("registry.k8s.io.mirrors[0]: containerd appends /v2");
    // The fix bake names is accepted as it is.
    expect(
      mirrorWarnings("registry.k8s.io", { url: "https://registry.aliyuncs.com/v2/k8sxio", overridePath: true }),
    ).toEqual([]);
  });

  it("a path that already starts with /v2 only needs overridePath", () => {
    expect(mirrorWarnings("docker.io", "https://m.example.com/v2/hub")[0]).toContain(
      '{url: "https://m.example.com/v2/hub", overridePath: true}',
    );
  });

  it("no path, a /v2 path and a path with overridePath are what containerd expects", () => {
    for (const mirror of [
      "https://mirror.gcr.io",
      "https://m.example.com:5000/v2",
      "https://m.example.com/v2/",
      { url: "https://m.example.com/v2/proxy", overridePath: true },
    ]) {
      expect(mirrorWarnings("docker.io", mirror), JSON.stringify(mirror)).toEqual([]);
    }
  });

  it("a lone trailing slash, and overridePath without a path, are refused under --strict", () => {
    expect(mirrorWarnings("docker.io", "https://mirror.gcr.io/")[0]).toContain(
      'asks https://mirror.gcr.io//v2/...; drop the trailing "/"',
    );
    expect(mirrorWarnings("docker.io", { url: "https://m.example.com", overridePath: true })[0]).toContain(
      "docker.io.mirrors[0].url: overridePath: true",
    );
    expect(() =>
      validateSpec(
        { containerd: { registries: { "docker.io": { mirrors: ["https://mirror.gcr.io/"] } } } },
        { strict: true },
      ),
    ).toThrow(/an error under --strict/);
  });

  it("never prints a password in the URL", () => {
    const [w] = mirrorWarnings("docker.io", "https://user:s3cret@m.example.com/hub");
    expect(w).not.toContain("s3cret");
    expect(w).toContain('{url: "https://m.example.com/v2/hub", overridePath: true}');
  });
});

describe("risky values", () => {
  it("k8s.gcr.io as the pause image's registry", () => {
    expect(warnings({ containerd: { sandboxImage: "k8s.gcr.io/pause:3.10" } })).toEqual([
      "containerd.sandboxImage: k8s.gcr.io is frozen since April 2023 and gets no new images; use registry.k8s.io (or a mirror of it)",
    ]);
  });

  it("a pause image without a tag, or with :latest; a digest is pinned", () => {
    expect(warnings({ containerd: { sandboxImage: "registry.k8s.io/pause" } })[0]).toContain(
      "has no tag, so containerd pulls :latest",
    );
    expect(warnings({ containerd: { sandboxImage: "registry.local:5000/pause:latest" } })[0]).toContain("uses :latest");
    expect(warnings({ containerd: { sandboxImage: `registry.k8s.io/pause@sha256:${"a".repeat(64)}` } })).toEqual([]);
    expect(warnings({ containerd: { sandboxImage: "registry.local:5000/pause:3.10" } })).toEqual([]);
  });

  it("plain HTTP to a public host warns; to private, loopback and local hosts it stays silent", () => {
    expect(mirrorWarnings("docker.io", "http://mirror.example.com")[0]).toContain(
      "plain HTTP to the public host mirror.example.com",
    );
    expect(
      warnings({ containerd: { registries: { "r.example.com": { server: "http://r.example.com" } } } })[0],
    ).toMatch(/^containerd\.registries\.r\.example\.com\.server: plain HTTP/);
    for (const url of [
      "http://10.0.2.2:5000",
      "http://127.0.0.1:5000",
      "http://192.168.1.10",
      "http://172.20.0.1",
      "http://localhost:5000",
      "http://registry:5000",
      "http://registry.local",
      "http://[fd00::1]:5000",
      "http://[::1]",
    ]) {
      expect(mirrorWarnings("docker.io", url), url).toEqual([]);
    }
    expect(isPrivateHost("172.32.0.1")).toBe(false);
    expect(isPrivateHost("11.0.0.1")).toBe(false);
  });
});
