// User-data size limits and the compressed forms cloud-init reads.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkUserDataSize, gzip, planSpec, renderCloudInit, renderUserData } from "../src/index.js";
import { planFor } from "./helpers.js";
import { DISTROS } from "../src/capabilities/distro/names.js";

const ARCHES = ["amd64", "arm64"] as const;

// The default user-data must stay at most this big, raw and readable (issue 12):
// half of EC2's 16 KB, which leaves the other half for mirrors, proxies and kubernetes.
const DEFAULT_USER_DATA_GOAL_BYTES = 8192;
// Not reached, and out of reach while the script keeps goal 2's re-run skips, its retries and its failure
// messages (docs/performance.md, "Why goal 3 stays out of reach"). The default is held near what it is now,
// and only allowed to shrink. 14.25 KiB: the re-run skips and per-step timings cost ~870 bytes, the crictl download that overlaps
// the package install ~730, the verify checks side by side ~610, no modprobe of loaded modules ~120, less
// ~250 of compacted helpers (14,274 bytes on 2026-11-27). 14.5 KiB since the CNI plugin dirs in config.toml
// and their checks (~180 bytes, 14,486 on 2026-12-06): without them no pod starts on Debian 13 (issue 27).
// Then resume's drop-in (+328), apt's key and lock handling (+211) and the first step's check of
// os-release and uname -m (~+330): 15,35x on 2026-12-06, when the other distros' defaults had
// passed EC2's 16,384 bytes. A trimmed library and the provisioner written from runcmd (one space
// of YAML indentation a line instead of three) brought it to 14,435 the same day. The EL repo keys
// pinned by fingerprint and fetched again once expired (bake_rpm_key, its step, gnupg2 in host-tools)
// added 800: 15,235.
const DEFAULT_USER_DATA_CEILING_BYTES = 15360;
// Every distro's default, either arch, and examples/guide.yaml stay under EC2's 16,384 as text, so that
// a user pastes them into the console as they are: 15,554 (alinux3, anolis8 on arm64) and 15,818 (the
// guide) on 2026-12-06; then 16,354 with the EL repo keys pinned (+800 on EL), no margin left.
const EVERY_DEFAULT_CEILING_BYTES = 16384;
const GUIDE_CEILING_BYTES = 15936;

describe("size limits", () => {
  const plan = planFor({});
  const text = Buffer.from(renderCloudInit(plan));

  it(`the default user-data stays under ${DEFAULT_USER_DATA_CEILING_BYTES} bytes, as plain text (goal: ${DEFAULT_USER_DATA_GOAL_BYTES})`, () => {
    expect(text.subarray(0, 14).toString()).toBe("#cloud-config\n");
    expect(text.length).toBeLessThanOrEqual(Math.max(DEFAULT_USER_DATA_GOAL_BYTES, DEFAULT_USER_DATA_CEILING_BYTES));
  });

  it("defaults fit AWS as plain text", () => {
    const check = checkUserDataSize(text, "aws", "text");
    expect(check.ok).toBe(true);
    expect(check.limit).toBe(16384);
  });

  it.each(DISTROS.flatMap((distro) => ARCHES.map((arch) => [distro, arch] as const)))(
    `%s/%s: the default user-data fits AWS as plain text, at most ${EVERY_DEFAULT_CEILING_BYTES} bytes`,
    (distro, arch) => {
      const bytes = Buffer.from(renderCloudInit(planFor({ distro, arch })));
      expect(checkUserDataSize(bytes, "aws", "text").ok).toBe(true);
      expect(bytes.length).toBeLessThanOrEqual(EVERY_DEFAULT_CEILING_BYTES);
    },
  );

  it(`examples/guide.yaml's user-data fits AWS as plain text, at most ${GUIDE_CEILING_BYTES} bytes`, () => {
    const { plan: guide } = planSpec({ text: readFileSync("examples/guide.yaml", "utf8") });
    const bytes = Buffer.from(renderCloudInit(guide));
    expect(checkUserDataSize(bytes, "aws", "text").ok).toBe(true);
    expect(bytes.length).toBeLessThanOrEqual(GUIDE_CEILING_BYTES);
  });

  it("names the size, the limit and what to do when over", () => {
    const big = Buffer.alloc(20000, "a");
    const check = checkUserDataSize(big, "aws", "text");
    expect(check.ok).toBe(false);
    expect(check.message).toBe(
      "user-data is 20000 bytes, over the 16384-byte limit of AWS EC2; use --gzip to send it gzip-compressed (cloud-init decompresses it)",
    );
    expect(checkUserDataSize(big, "gcp", "text").message).toContain("20000 of 262144");
  });

  it("counts OpenStack's limit in base64", () => {
    expect(checkUserDataSize(Buffer.alloc(49149), "openstack", "text")).toMatchObject({ ok: true, bytes: 65532 });
    expect(checkUserDataSize(Buffer.alloc(49152), "openstack", "text")).toMatchObject({ ok: false, bytes: 65536 });
  });
});

describe("compressed forms", () => {
  const plan = planFor({ containerd: { registries: { "docker.io": { mirrors: ["https://m.example.com"] } } } });

  it("gzip is deterministic", () => {
    expect(gzip("same input").equals(gzip("same input"))).toBe(true);
  });

  it("gz+b64 write_files decode to exactly the planned files and stay a text #cloud-config", () => {
    const doc = renderCloudInit(plan, { compressFiles: true });
    expect(doc.startsWith("#cloud-config\n")).toBe(true);
    const written = (
      parse(doc, { version: "1.1" }) as { write_files: { path: string; encoding: string; content: string }[] }
    ).write_files;
    for (const f of plan.files) {
      const w = written.find((x) => x.path === f.path)!;
      expect(w.encoding).toBe("gz+b64");
      expect(gunzipSync(Buffer.from(w.content, "base64")).toString("utf8")).toBe(f.content);
    }
    expect(doc.length).toBeLessThan(renderCloudInit(plan).length * 0.7);
  });
});

describe("bake cloud-init --cloud / --gzip", () => {
  it("fails with the size, the limit and what to do, writing nothing", async () => {
    const { runCli } = await import("./helpers.js");
    const mirrors = Array.from(
      { length: 16 },
      (_, i) => `https://mirror-${i}.some-long-host-name-for-size.example.com`,
    );
    const registries = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`registry-${i}.example.com`, { mirrors }]),
    );
    const spec = JSON.stringify({ containerd: { registries } });
    const r = runCli(["cloud-init", "-c", "-", "--cloud", "aws"], spec);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/user-data is \d+ bytes, over the 16384-byte limit of AWS EC2; use --gzip/);
    const gz = runCli(["cloud-init", "-c", "-", "--cloud", "aws", "--gzip"], spec);
    expect(gz.status).toBe(0);
    expect(gz.stderr).toContain("base64-encoded for the aws API");
    const decoded = gunzipSync(Buffer.from(gz.stdout, "base64")).toString("utf8");
    expect(decoded).toBe(runCli(["cloud-init", "-c", "-"], spec).stdout);
  });

  it("uses per-file gz+b64 where the platform cannot carry a binary payload", async () => {
    const { runCli } = await import("./helpers.js");
    const r = runCli(["cloud-init", "--cloud", "gcp", "--gzip"]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith("#cloud-config\n")).toBe(true);
    expect(r.stdout).toContain('encoding: "gz+b64"');
  });
});

describe("the size warning without --cloud", () => {
  // examples/rocky9-worker.yaml (kubernetes on) renders over EC2's 16 KB.
  const spec = "examples/rocky9-worker.yaml";
  const warning =
    /^bake: warning: user-data is (\d+) bytes, over AWS's 16384-byte limit; pass --cloud to check your platform's, or --gzip$/m;

  it("is the same line from cloud-init, validate and render, which all write or check that user-data; packer's script is not user-data", async () => {
    const { runCli, tempDir } = await import("./helpers.js");
    const bytes = Buffer.byteLength(runCli(["cloud-init", spec]).stdout);
    expect(bytes).toBeGreaterThan(16384);
    for (const args of [
      ["cloud-init", spec],
      ["validate", spec],
      ["render", spec, "-o", tempDir()],
    ]) {
      const r = runCli(args);
      expect(r.status, args[0]).toBe(0);
      expect(r.stderr.match(warning)?.[1], args[0]).toBe(String(bytes));
      expect(runCli([...args, "-q"]).stderr, `${args[0]} -q`).toBe("");
    }
    expect(runCli(["packer", spec]).stderr).not.toMatch(warning);
    expect(runCli(["validate", spec, "--gzip"]).stderr).not.toMatch(warning);
  });
});

describe("the --gzip choice through the library", () => {
  it("planSpec + renderUserData give byte for byte what bake cloud-init --cloud --gzip prints", async () => {
    const { runCli } = await import("./helpers.js");
    const spec = "containerd:\n  registries:\n    docker.io:\n      mirrors: [https://mirror.gcr.io]\n";
    for (const cloud of ["aws", "gcp", "none"] as const) {
      const { plan } = planSpec({ text: spec });
      const lib = renderUserData(plan, { cloud, gzip: true });
      expect(lib.check.ok, cloud).toBe(true);
      expect(lib.form, cloud).toBe(cloud === "aws" ? "gzip-payload" : "gzip-files");
      expect(runCli(["cloud-init", "-c", "-", "--cloud", cloud, "--gzip"], spec).stdout, cloud).toBe(lib.content);
    }
  });

  it("reports a spec over the platform's limit in check, without throwing", () => {
    const mirrors = Array.from(
      { length: 16 },
      (_, i) => `https://mirror-${i}.some-long-host-name-for-size.example.com`,
    );
    const registries = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`registry-${i}.example.com`, { mirrors }]),
    );
    const { plan } = planSpec({ text: JSON.stringify({ containerd: { registries } }) });
    const { check } = renderUserData(plan, { cloud: "aws" });
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/over the 16384-byte limit of AWS EC2/);
  });
});

// China's clouds (issue 28 item 9). Limits and sources: src/emit/size.ts, docs/guide.md.
describe("--cloud alibaba, tencent, huawei", () => {
  it("each limit holds at its boundary, counted as the cloud counts it", () => {
    // Alibaba and Huawei: 32 KB before base64; Tencent: 16 KB of base64, so 12,288 raw bytes.
    for (const [cloud, rawMax] of [
      ["alibaba", 32768],
      ["huawei", 32768],
      ["tencent", 12288],
    ] as const) {
      expect(checkUserDataSize(Buffer.alloc(rawMax), cloud, "text").ok, `${cloud} ${rawMax}`).toBe(true);
      expect(checkUserDataSize(Buffer.alloc(rawMax + 1), cloud, "text").ok, `${cloud} ${rawMax + 1}`).toBe(false);
    }
    expect(checkUserDataSize(Buffer.alloc(12289), "tencent", "text").message).toBe(
      "user-data is 16388 bytes as base64 (12289 raw), over the 16384-byte limit of Tencent Cloud CVM (at most 12288 bytes before base64); use --gzip to compress the files inside it",
    );
  });

  it("the defaults are too big for Tencent as plain text: it fails naming --gzip and writes nothing; with --gzip they fit", async () => {
    const { runCli, tempDir } = await import("./helpers.js");
    const out = `${tempDir()}/user-data`;
    const plain = runCli(["cloud-init", "--defaults", "--cloud", "tencent", "-o", out]);
    expect(Buffer.byteLength(runCli(["cloud-init", "--defaults"]).stdout)).toBeGreaterThan(12288);
    expect(plain.status).toBe(1);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/over the 16384-byte limit of Tencent Cloud CVM .*; use --gzip/);
    expect(existsSync(out)).toBe(false);
    const gz = runCli(["cloud-init", "--defaults", "--cloud", "tencent", "--gzip"]);
    expect(gz.status, gz.stderr).toBe(0);
    // Tencent documents no gzip payload: the document stays #cloud-config text, its files gz+b64.
    expect(gz.stdout.startsWith("#cloud-config\n")).toBe(true);
    expect(gz.stdout).toContain('encoding: "gz+b64"');
    expect(Buffer.from(gz.stdout).toString("base64").length).toBeLessThanOrEqual(16384);
  });

  it("the defaults fit Alibaba and Huawei as plain text, and each says how to hand it to the console", async () => {
    const { runCli, tempDir } = await import("./helpers.js");
    const alibaba = runCli(["cloud-init", "--defaults", "--cloud", "alibaba"]);
    expect(alibaba.status, alibaba.stderr).toBe(0);
    expect(alibaba.stdout.startsWith("#cloud-config\n")).toBe(true);
    expect(alibaba.stderr).toMatch(/Alibaba Cloud: .*leave .*Base64.* unticked/);
    const huawei = runCli(["cloud-init", "--defaults", "--cloud", "huawei"]);
    expect(huawei.status, huawei.stderr).toBe(0);
    expect(huawei.stderr).toMatch(/Huawei Cloud: .*Text .*ASCII/);
    // Huawei's Text box takes ASCII only: a merged file in Chinese must go up as a File.
    const users = `${tempDir()}/users.yaml`;
    writeFileSync(users, '#cloud-config\nusers:\n  - default\n  - name: ops\n    gecos: "运维"\n');
    const cjk = runCli(["cloud-init", "--defaults", "--cloud", "huawei", "--merge", users]);
    expect(cjk.status, cjk.stderr).toBe(0);
    expect(cjk.stdout).toContain("运维");
    expect(cjk.stderr).toMatch(/Huawei Cloud: upload it as File: it holds non-ASCII characters/);
    const tencent = runCli(["cloud-init", "--defaults", "--cloud", "tencent", "--gzip"]);
    expect(tencent.stderr).toMatch(/Tencent Cloud: /);
  });

  it("no China cloud gets a whole-document gzip payload: none documents one inline", () => {
    for (const cloud of ["alibaba", "tencent", "huawei"] as const) {
      const { form, check } = renderUserData(planFor({}), { cloud, gzip: true });
      expect(form, cloud).toBe("gzip-files");
      expect(check.ok, cloud).toBe(true);
    }
  });
});
