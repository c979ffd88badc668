// cloud-init itself (trixie's 25.1, in a chroot) checks bake's user-data:
// its schema validator, and its own decoder for gz+b64 write_files.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gzip, renderCloudInit } from "../../src/index.js";
import { DISTROS, type SpecInput } from "../../src/schema/node-spec.js";
import { exampleSpecs, planFor } from "../helpers.js";
import { inRootfs, trixieRootfs } from "../support/trixie-rootfs.js";

let rootfs = "";
beforeAll(() => {
  rootfs = trixieRootfs();
}, 900_000);

function schemaCheck(doc: string) {
  const dir = mkdtempSync(join(rootfs, "tmp", "bake-"));
  writeFileSync(join(dir, "user-data"), doc);
  return inRootfs(rootfs, ["cloud-init", "schema", "--config-file", `${dir.slice(rootfs.length)}/user-data`, "--annotate"]);
}

const specs: [string, SpecInput][] = [
  ...exampleSpecs(),
  ...DISTROS.map((distro): [string, SpecInput] => [distro, { distro }]),
  ["guide-like with registries, proxy and credentials", {
    containerd: {
      version: "1.7",
      root: "/data/containerd/data",
      registries: { "docker.io": { mirrors: ["https://m.example.com", { url: "https://n.example.com", capabilities: ["pull"] }], header: { Authorization: "Basic eDp5" } } },
      proxy: { http: "http://proxy:3128", noProxy: ["localhost"] },
    },
    crictl: { install: "package" },
  }],
];

describe("cloud-init schema --annotate", () => {
  it.each(specs)("%s: valid, as text and with gz+b64 files", (_, input) => {
    const plan = planFor(input);
    for (const doc of [renderCloudInit(plan), renderCloudInit(plan, { compressFiles: true })]) {
      const r = schemaCheck(doc);
      expect(r.output).toContain("Valid schema");
      expect(r.status).toBe(0);
    }
  });

  it("accepts the power_state bake adds for a pending reboot (EL8, cgroup v2)", () => {
    const doc = renderCloudInit(planFor({ distro: "rocky8" }));
    expect(doc).toContain("\npower_state:\n");
    const r = schemaCheck(doc);
    expect(r.output).toContain("Valid schema");
    expect(r.status).toBe(0);
  });

  it("rejects a broken document, so the checks above can fail", () => {
    const r = schemaCheck("#cloud-config\nwrite_files:\n  - content: x\nruncmd: 'not a list'\n");
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("'path' is a required property");
  });
});

describe("cloud-init's own write_files decoder", () => {
  it("turns bake's gz+b64 entries back into exactly the planned files", () => {
    const plan = planFor({ containerd: { registries: { "docker.io": { mirrors: ["https://m.example.com"] } } } });
    const written = (parse(renderCloudInit(plan, { compressFiles: true }), { version: "1.1" }) as { write_files: { path: string; encoding: string; content: string }[] }).write_files;
    // cc_write_files.extract_contents is what cloud-init runs for each entry.
    const script = [
      "import json, sys",
      "from cloudinit.config.cc_write_files import extract_contents, canonicalize_extraction",
      "out = {}",
      "for f in json.load(sys.stdin):",
      "    out[f['path']] = extract_contents(f['content'], canonicalize_extraction(f['encoding'])).decode('utf-8')",
      "print(json.dumps(out))",
    ].join("\n");
    const r = inRootfs(rootfs, ["python3", "-c", script], JSON.stringify(written));
    expect(r.status, r.output).toBe(0);
    const decoded = JSON.parse(r.output) as Record<string, string>;
    for (const f of plan.files) expect(decoded[f.path]).toBe(f.content);
  });
});

describe("cloud-init's own gzip handling", () => {
  it("decompresses bake's whole-document gzip payload (as the platform hands it over after base64) to the exact text", () => {
    const text = renderCloudInit(planFor({}));
    const payload = gzip(text).toString("base64");
    // The platform API decodes base64; cloud-init then gets gzip bytes and runs util.decomp_gzip.
    const script = "import base64, sys\nfrom cloudinit import util\nsys.stdout.write(util.decomp_gzip(base64.b64decode(sys.stdin.read()), quiet=False))";
    const r = inRootfs(rootfs, ["python3", "-c", script], payload);
    expect(r.output).toBe(text);
    expect(r.status).toBe(0);
  });
});
