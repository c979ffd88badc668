// The field's own tools check what bake emits: shellcheck, bash -n,
// containerd's config parser and systemd-analyze. .ci/run installs them; scripts/test-setup.mjs
// fetches Debian trixie's and forky's containerd binaries (scripts/debian-containerd.mjs).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DISTROS, type SpecInput } from "../src/schema/node-spec.js";
import { debianContainerd } from "../scripts/debian-containerd.mjs";
import { exampleSpecs, provisionerOf, renderBoth, ROOT, tempDir, writeFilesOf } from "./helpers.js";
import { RESUME_DROP_IN } from "../src/emit/provision-script.js";

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
  ["debian14 containerd 2.0 from docker", { distro: "debian14", containerd: { source: "docker", version: "2.0" } }],
  ["rocky9 containerd 2.1.3", { distro: "rocky9", containerd: { version: "2.1.3" } }],
  [
    "ubuntu2204 no modules or sysctl",
    { distro: "ubuntu2204", kernel: { modules: [], sysctl: {} }, packages: { remove: [] } },
  ],
];

// Every check but SC1091 (info: a sourced file not followed), for the machine's /etc/os-release.
function shellcheck(script: string): string {
  const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", "--exclude=SC1091", "-"], {
    input: script,
    encoding: "utf8",
  });
  return r.status === 0 ? "" : r.stdout + r.stderr;
}

describe("shell output", () => {
  it.each(variants)("%s: Packer script and cloud-init provisioner pass bash -n and shellcheck", (_, input) => {
    const { script, userData } = renderBoth(input);
    const provisioner = provisionerOf(userData);
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

const TRIXIE = debianContainerd("trixie");
const FORKY = debianContainerd("forky");
const configOf = (input: SpecInput) =>
  renderBoth(input).plan.files.find((f) => f.path === "/etc/containerd/config.toml")!.content;
const dumpLines = (containerd: string, config: string) => {
  const file = join(tempDir(), "config.toml");
  writeFileSync(file, config);
  return execFileSync(containerd, ["--config", file, "config", "dump"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.trim());
};

/**
 * Starts `containerd` (2.x) on `config`, moved into a temp root, state and sockets, until its CRI
 * runtime plugin starts or refuses its config: the plugin's own validation, which `config dump`
 * skips. Returns the CNI table it started with, or the error that stopped it.
 */
async function criRuntimeStart(
  containerd: string,
  config: string,
): Promise<{ cni?: { binDirs: string[] }; error?: string }> {
  const dir = tempDir();
  const file = join(dir, "config.toml");
  writeFileSync(
    file,
    `${config
      .replace(/^root = .*$/m, `root = "${dir}/root"`)
      .replace(/^state = .*$/m, `state = "${dir}/state"`)
      // NRI would listen on the host's /var/run/nri.
      .replace(
        /^disabled_plugins = .*$/m,
        'disabled_plugins = ["io.containerd.nri.v1.nri"]',
      )}\n[grpc]\n  address = "${dir}/grpc.sock"\n[ttrpc]\n  address = "${dir}/ttrpc.sock"\n`,
  );
  const daemon = spawn(containerd, ["--config", file], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`containerd did not start its CRI plugin:\n${log}`)), 20_000);
      daemon.stderr.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        const started = log.match(/msg="starting cri plugin" config="((?:[^"\\]|\\.)*)"/);
        const refused = log.match(
          /msg="failed to load plugin" error="((?:[^"\\]|\\.)*)" id=io\.containerd\.cri\.v1\.runtime/,
        );
        if (!started && !refused) return;
        clearTimeout(timer);
        if (refused) resolve({ error: JSON.parse(`"${refused[1]}"`) });
        else resolve({ cni: JSON.parse(JSON.parse(`"${started![1]}"`)).cni });
      });
    });
  } finally {
    daemon.kill("SIGKILL");
  }
}

// kubernetes-cni, flannel and Calico install CNI plugins into /opt/cni/bin; trixie's containerd looks
// only in /usr/lib/cni by default (field notes). No Debian suite has containerd 2.0: its bin_dir
// config is loaded by forky's 2.1, which still reads a lone bin_dir, not by a 2.0 parser.
/** The variants of one config schema, one per distinct config.toml. */
const distinctConfigs = (schema: 2 | 3) => {
  const seen = new Set<string>();
  return variants.filter(([, input]) => {
    const config = configOf(input);
    if (renderBoth(input).plan.configVersion !== schema || seen.has(config)) return false;
    seen.add(config);
    return true;
  });
};

describe("CNI plugin dirs, read by the containerd each Debian release ships", () => {
  it.each(distinctConfigs(2))("%s: trixie's containerd 1.7 loads the config and searches /opt/cni/bin", (_, input) => {
    const lines = dumpLines(TRIXIE, configOf(input));
    expect(lines).toContain('bin_dir = "/opt/cni/bin"');
    expect(lines).toContain(`root = "${renderBoth(input).plan.spec.containerd.root}"`);
  });

  it.each(distinctConfigs(3))(
    "%s: forky's containerd 2.1 starts its CRI plugin searching /opt/cni/bin",
    async (_, input) => {
      const config = configOf(input);
      const started = await criRuntimeStart(FORKY, config);
      expect(started.error).toBeUndefined();
      if (/^ {2}bin_dirs = /m.test(config)) {
        // Plugins a CNI installed win over Debian's older package of the same name.
        expect(started.cni!.binDirs).toEqual(["/opt/cni/bin", "/usr/lib/cni"]);
        expect(dumpLines(FORKY, config)).toContain("bin_dirs = ['/opt/cni/bin', '/usr/lib/cni']");
      } else {
        expect(started.cni!.binDirs).toEqual(["/opt/cni/bin"]);
      }
    },
  );

  it("forky's containerd refuses bin_dir beside bin_dirs, so the start above can fail", async () => {
    const both = configOf({ distro: "debian14" }).replace(/^( {2}bin_dirs = .*)$/m, '$1\n  bin_dir = "/opt/cni/bin"');
    expect(both).toMatch(/bin_dir = /);
    expect((await criRuntimeStart(FORKY, both)).error).toContain(
      "`cni.bin_dir` and `cni.bin_dirs` cannot be set at the same time",
    );
  });
});

describe("systemd-analyze verify", () => {
  /** `unit` (default: the host's containerd.service) with the drop-ins `files`, as systemd-analyze verify sees it. */
  function verifyDropIns(
    files: { path: string; content: string }[],
    unit = "/lib/systemd/system/containerd.service",
  ): string {
    const dir = tempDir();
    const name = unit.split("/").pop()!;
    mkdirSync(join(dir, `${name}.d`));
    copyFileSync(unit, join(dir, name));
    for (const f of files) writeFileSync(join(dir, `${name}.d`, f.path.split("/").pop()!), f.content);
    const r = spawnSync("systemd-analyze", ["verify", join(dir, name)], { encoding: "utf8" });
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

  // Debian trixie's cloud-final.service (cloud-init 25.1.4-1+deb13u1), copied off the VM suite's image.
  const CLOUD_FINAL = join(ROOT, "test/fixtures/cloud-final.service");

  it("accepts cloud-final's drop-in (runcmd again at the next boot) on trixie's cloud-final.service", () => {
    const dropIn = writeFilesOf(renderBoth({ distro: "debian13" }).userData).filter((w) => w.path === RESUME_DROP_IN);
    expect(dropIn).toHaveLength(1);
    expect(verifyDropIns(dropIn, CLOUD_FINAL)).toBe("");
    // the same drop-in without its "-": a failure would fail cloud-final, and no cloud-init module would run
    expect(dropIn[0]!.content).toContain("ExecStartPre=-/");
  });

  it("speaks up about a bad drop-in, so the checks above can fail", () => {
    const bad = "[Service]\nExecStartPre=-/bin/rm -f /x\nExecStartPr=/bin/true\n";
    expect(verifyDropIns([{ path: "x/bake.conf", content: bad }], CLOUD_FINAL)).not.toBe("");
    expect(
      verifyDropIns([{ path: "x/99-bad.conf", content: "[Service]\nOOMScoreAdjust=-5000\nRestartt=always\n" }]),
    ).not.toBe("");
  });
});
