// cloud-init itself (trixie's 25.1, in a chroot) checks bake's user-data:
// its schema validator, and its own decoder for gz+b64 write_files.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gzip, renderCloudInit } from "../../src/index.js";
import { runCli } from "../helpers.js";
import { DISTROS, type SpecInput } from "../../src/schema/node-spec.js";
import { exampleSpecs, planFor } from "../helpers.js";
import { inRootfs, splitAndMerge, trixieRootfs } from "../support/trixie-rootfs.js";

let rootfs = "";
beforeAll(() => {
  rootfs = trixieRootfs();
}, 900_000);

function schemaCheck(doc: string) {
  const dir = mkdtempSync(join(rootfs, "tmp", "bake-"));
  writeFileSync(join(dir, "user-data"), doc);
  return inRootfs(rootfs, [
    "cloud-init",
    "schema",
    "--config-file",
    `${dir.slice(rootfs.length)}/user-data`,
    "--annotate",
  ]);
}

const specs: [string, SpecInput][] = [
  ...exampleSpecs(),
  ...DISTROS.map((distro): [string, SpecInput] => [distro, { distro }]),
  [
    "guide-like with registries, proxy and credentials",
    {
      containerd: {
        version: "1.7",
        root: "/data/containerd/data",
        registries: {
          "docker.io": {
            mirrors: ["https://m.example.com", { url: "https://n.example.com", capabilities: ["pull"] }],
            header: { Authorization: "Basic eDp5" },
          },
        },
        proxy: { http: "http://proxy:3128", noProxy: ["localhost"] },
      },
      crictl: { install: "package" },
    },
  ],
  // Their apt sources wait for their keys, staged outside sources.list.d.
  ["debian13 kubeadm-ready", { distro: "debian13", kubernetes: { enabled: true } }],
  ["ubuntu2404 with docker's containerd.io", { distro: "ubuntu2404", containerd: { source: "docker" } }],
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
    const written = (
      parse(renderCloudInit(plan, { compressFiles: true }), { version: "1.1" }) as {
        write_files: { path: string; encoding: string; content: string }[];
      }
    ).write_files;
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
    const script =
      "import base64, sys\nfrom cloudinit import util\nsys.stdout.write(util.decomp_gzip(base64.b64decode(sys.stdin.read()), quiet=False))";
    const r = inRootfs(rootfs, ["python3", "-c", script], payload);
    expect(r.output).toBe(text);
    expect(r.status).toBe(0);
  });
});

// The user's own user-data combined with bake's (bake cloud-init --merge, --mime).
describe("bake's user-data combined with the user's", () => {
  const F = "test/fixtures/compose";
  const merge = ["--merge", `${F}/ops-user.yaml`, "--merge", `${F}/more-packages.yaml`];
  const cli = (...args: string[]) => {
    const r = runCli(["cloud-init", "--defaults", ...args]);
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  it.each([
    ["merged", [] as string[]],
    ["merged, gz+b64 files", ["--gzip"]],
    ["merged, --user-first", ["--user-first"]],
  ])("%s: valid", (_, extra) => {
    const r = schemaCheck(cli(...merge, ...extra));
    expect(r.output).toContain("Valid schema");
    expect(r.status).toBe(0);
  });

  // cloud-init's schema command takes one cloud-config, not a MIME document. So cloud-init's
  // own user-data processor splits the parts, and its cloud-config part handler merges them
  // with each part's Merge-Type, as on a booted node; the schema check then takes the result.
  const mergedByCloudInit = (mime: string) => {
    const r = inRootfs(rootfs, ["python3", "-c", splitAndMerge("text")], mime);
    expect(r.status, r.output).toBe(0);
    return JSON.parse(r.output) as {
      parts: [string, string][];
      config: { runcmd: unknown[]; write_files: { path: string }[]; packages: string[]; users: unknown[] };
    };
  };

  it("MIME: cloud-init splits and merges the parts into one valid cloud-config that holds both", () => {
    const { parts, config } = mergedByCloudInit(cli(...merge, "--merge", `${F}/ops-script.sh`, "--mime"));
    expect(parts.map(([type]) => type)).toEqual([
      "text/cloud-config",
      "text/cloud-config",
      "text/cloud-config",
      "text/x-shellscript",
    ]);
    // bake's provisioner first (written from a here-document, then run), then the user's commands;
    // bake's files and the user's all written
    expect(String(config.runcmd[0])).toMatch(
      /^install -m 0700 \/dev\/stdin \/usr\/local\/sbin\/bake-provision <<'BAKE_EOF'\n/,
    );
    expect(config.runcmd.slice(1)).toEqual([
      "/bin/bash /usr/local/sbin/bake-provision || exit",
      'echo "ops runcmd ran" > /var/tmp/ops-runcmd',
      ["touch", "/var/tmp/more-packages"],
    ]);
    expect(config.write_files.map((f) => f.path)).toEqual([
      ...(parse(cli(), { version: "1.1" }) as { write_files: { path: string }[] }).write_files.map((f) => f.path),
      "/etc/motd",
    ]);
    expect(config.packages).toEqual(["jq", "curl"]);
    const check = schemaCheck(`#cloud-config\n${JSON.stringify(config)}\n`);
    expect(check.output).toContain("Valid schema");
    expect(check.status).toBe(0);
  });

  it("MIME --user-first: cloud-init runs the user's commands first, in the files' order, as a merge does", () => {
    const { config } = mergedByCloudInit(cli(...merge, "--mime", "--user-first"));
    expect(config.runcmd).toEqual(
      (parse(cli(...merge, "--user-first"), { version: "1.1" }) as { runcmd: unknown[] }).runcmd,
    );
    expect(config.runcmd.at(-1)).toBe("/bin/bash /usr/local/sbin/bake-provision || exit");
  });
});
