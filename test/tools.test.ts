// The field's own tools check what bake emits: shellcheck, bash -n,
// containerd's config parser and systemd-analyze. .ci/run installs them.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DISTROS, type SpecInput } from "../src/schema/node-spec.js";
import { exampleSpecs, renderBoth, tempDir, writeFilesOf } from "./helpers.js";

// The examples, and specs that vary distro, arch, containerd major, mirrors, proxy and crictl source.
const variants: [string, SpecInput][] = [
  ...exampleSpecs(),
  ...DISTROS.map((distro): [string, SpecInput] => [distro, { distro }]),
  [
    "rocky9 arm64, containerd 1.7, moved root",
    {
      distro: "rocky9",
      arch: "arm64",
      containerd: { version: "1.7", root: "/data/containerd/data", state: "/data/containerd/state" },
    },
  ],
  [
    "rocky8 with proxy and mirrors",
    {
      distro: "rocky8",
      containerd: {
        proxy: {
          http: "http://u:p%40ss@proxy:3128",
          https: "http://proxy:3128",
          noProxy: ["localhost", ".svc", "10.0.0.0/8"],
        },
        registries: { "docker.io": { mirrors: ["https://m.example.com"] } },
      },
    },
  ],
  ["debian13 crictl package", { distro: "debian13", crictl: { install: "package" } }],
  [
    "debian14 docker source, no crictl",
    { distro: "debian14", containerd: { source: "docker", version: "2" }, crictl: { install: "none" } },
  ],
  [
    "ubuntu2204 no modules or sysctl",
    { distro: "ubuntu2204", kernel: { modules: [], sysctl: {} }, packages: { remove: [] } },
  ],
];

function shellcheck(script: string): string {
  const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", "-"], { input: script, encoding: "utf8" });
  return r.status === 0 ? "" : r.stdout + r.stderr;
}

describe("shell output", () => {
  it.each(variants)("%s: Packer script and cloud-init provisioner pass bash -n and shellcheck", (_, input) => {
    const { script, userData } = renderBoth(input);
    const provisioner = writeFilesOf(userData).find((f) => f.path === "/usr/local/sbin/bake-provision")!.content;
    for (const s of [script, provisioner]) {
      expect(spawnSync("bash", ["-n"], { input: s }).status).toBe(0);
      expect(shellcheck(s)).toBe("");
    }
  });
});

describe("containerd's own parser", () => {
  it.each(variants)("%s: a v2 config.toml loads, or a v3 one parses as TOML with version 3", (_, input) => {
    const { plan } = renderBoth(input);
    const config = plan.files.find((f) => f.path === "/etc/containerd/config.toml")!.content;
    if (plan.configVersion === 3) {
      // Debian 12's containerd is 1.6 and cannot load schema 3; the forky VM boot proves it.
      expect(config).toMatch(/^version = 3$/m);
      return;
    }
    const file = join(tempDir(), "config.toml");
    writeFileSync(file, config);
    const dump = execFileSync("containerd", ["--config", file, "config", "dump"], { encoding: "utf8" });
    expect(dump).toContain(`root = "${plan.spec.containerd.root}"`);
    expect(dump).toContain(`sandbox_image = "${plan.spec.containerd.sandboxImage}"`);
  });

  it("loads the rendered v2 config with the effective values bake asked for", () => {
    const { plan } = renderBoth({
      containerd: {
        version: "1.7",
        root: "/data/containerd/data",
        state: "/data/containerd/state",
        oomScore: -999,
        sandboxImage: "registry.aliyuncs.com/k8sxio/pause:3.6",
        configPath: "/etc/containerd/certs.d",
      },
    });
    const dir = tempDir();
    const file = join(dir, "config.toml");
    writeFileSync(file, plan.files.find((f) => f.path === "/etc/containerd/config.toml")!.content);
    const dump = execFileSync("containerd", ["--config", file, "config", "dump"], { encoding: "utf8" });
    const lines = dump.split("\n").map((l) => l.trim());
    expect(lines).toContain('root = "/data/containerd/data"');
    expect(lines).toContain('state = "/data/containerd/state"');
    expect(lines).toContain("oom_score = -999");
    expect(lines).toContain('sandbox_image = "registry.aliyuncs.com/k8sxio/pause:3.6"');
    expect(lines).toContain("SystemdCgroup = true");
    expect(lines).toContain('config_path = "/etc/containerd/certs.d"');
    expect(lines).toContain("disabled_plugins = []");
  });

  it("rejects a broken file, so the check above can fail", () => {
    const dir = tempDir();
    const file = join(dir, "config.toml");
    writeFileSync(file, "version = 2\n[plugins\n");
    expect(spawnSync("containerd", ["--config", file, "config", "dump"]).status).not.toBe(0);
  });
});

describe("systemd-analyze verify", () => {
  function verifyDropIns(files: { path: string; content: string }[]): string {
    const dir = tempDir();
    mkdirSync(join(dir, "containerd.service.d"));
    copyFileSync("/lib/systemd/system/containerd.service", join(dir, "containerd.service"));
    for (const f of files) writeFileSync(join(dir, "containerd.service.d", f.path.split("/").pop()!), f.content);
    const r = spawnSync("systemd-analyze", ["verify", join(dir, "containerd.service")], { encoding: "utf8" });
    // verify exits 0 on warnings, so any output at all is a failure.
    return `${r.status === 0 ? "" : `exit ${r.status}\n`}${r.stdout}${r.stderr}`;
  }

  it("accepts the unit and proxy drop-ins without a word", () => {
    const { plan } = renderBoth({
      containerd: {
        proxy: { http: "http://proxy:3128", https: "http://proxy:3128", noProxy: ["localhost", ".svc"] },
        service: { limitNOFILE: "infinity", tasksMax: 4096 },
      },
    });
    const dropIns = plan.files.filter((f) => f.path.startsWith("/etc/systemd/system/containerd.service.d/"));
    expect(dropIns.map((f) => f.path)).toEqual([
      "/etc/systemd/system/containerd.service.d/10-bake.conf",
      "/etc/systemd/system/containerd.service.d/20-proxy.conf",
    ]);
    expect(verifyDropIns(dropIns)).toBe("");
  });

  it.each(variants)("%s: drop-ins verify without a word", (_, input) => {
    const dropIns = renderBoth(input).plan.files.filter((f) =>
      f.path.startsWith("/etc/systemd/system/containerd.service.d/"),
    );
    expect(dropIns.length).toBeGreaterThan(0);
    expect(verifyDropIns(dropIns)).toBe("");
  });

  it("speaks up about a bad drop-in, so the check above can fail", () => {
    expect(
      verifyDropIns([{ path: "x/99-bad.conf", content: "[Service]\nOOMScoreAdjust=-5000\nRestartt=always\n" }]),
    ).not.toBe("");
  });
});
