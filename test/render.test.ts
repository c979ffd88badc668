// The two outputs: they parse, carry identical files, and say what the node gets.
import { describe, expect, it } from "vitest";
import TOML from "@iarna/toml";
import { parse } from "yaml";
import {
  CLOUD_INIT_ONLY,
  embeddedFiles,
  INSTALL_PROVISIONER,
  planFor,
  provisionerOf,
  renderBoth,
  writeFilesOf,
} from "./helpers.js";
import { renderCloudInit } from "../src/index.js";
import { RESUME_DROP_IN } from "../src/emit/provision-script.js";
import { DISTROS } from "../src/schema/node-spec.js";

describe("cloud-init user-data", () => {
  it("starts with #cloud-config and parses as YAML 1.1 and 1.2", () => {
    const { userData } = renderBoth({});
    expect(userData.startsWith("#cloud-config\n")).toBe(true);
    expect(() => parse(userData, { version: "1.1", uniqueKeys: true })).not.toThrow();
    expect(() => parse(userData, { version: "1.2", uniqueKeys: true })).not.toThrow();
  });

  it("keeps permissions strings (YAML 1.1 would read 0644 unquoted as octal)", () => {
    for (const f of writeFilesOf(renderBoth({}).userData)) expect(f.permissions).toMatch(/^0[0-7]{3}$/);
  });

  it("writes every planned file with exactly the planned content, then runs the provisioner", () => {
    const { plan, userData } = renderBoth({
      containerd: { registries: { "docker.io": { mirrors: ["https://m.example.com"] } } },
    });
    const written = writeFilesOf(userData);
    for (const file of plan.files) {
      const entry = written.find((w) => w.path === file.path);
      expect(entry, file.path).toBeDefined();
      expect(entry!.content).toBe(file.content);
      expect(entry!.permissions).toBe(file.mode);
    }
    const doc = parse(userData, { version: "1.1" }) as { runcmd: string[] };
    // runcmd writes the provisioner (mode 0700) from a here-document, then runs it; a failed run
    // ends runcmd's script: entries after it (the user's, with --merge) do not run
    expect(doc.runcmd).toEqual([
      `${INSTALL_PROVISIONER} <<'BAKE_EOF'\n${provisionerOf(userData)}BAKE_EOF\n`,
      "/bin/bash /usr/local/sbin/bake-provision || exit",
    ]);
    expect(provisionerOf(userData)).toMatch(/^#!\/bin\/bash\n/);
    expect(written.map((w) => w.path)).not.toContain("/usr/local/sbin/bake-provision");
  });

  it("carries the provisioner one space indented in runcmd, where write_files content takes three", () => {
    const { userData } = renderBoth({});
    expect(userData).toContain(`runcmd:\n- |\n ${INSTALL_PROVISIONER} <<'BAKE_EOF'\n #!/bin/bash\n`);
  });

  it("keeps the provisioner in write_files where files go gz+b64: runcmd has no such encoding", () => {
    const doc = parse(renderCloudInit(planFor({}), { compressFiles: true }), { version: "1.1" }) as {
      write_files: { path: string; encoding?: string; permissions?: string }[];
      runcmd: string[];
    };
    expect(doc.write_files.find((w) => w.path === "/usr/local/sbin/bake-provision")).toMatchObject({
      encoding: "gz+b64",
      permissions: "0700",
    });
    expect(doc.runcmd).toEqual(["/bin/bash /usr/local/sbin/bake-provision || exit"]);
  });

  it("writes cloud-final's drop-in that runs runcmd again at the next boot, which the run that ends ok removes", () => {
    const { userData, script } = renderBoth({});
    const dropIn = writeFilesOf(userData).find((w) => w.path === RESUME_DROP_IN);
    expect(dropIn?.content).toBe(
      "[Service]\nExecStartPre=-/bin/rm -f /var/lib/cloud/instance/sem/config_scripts_user\n",
    );
    expect(provisionerOf(userData)).toContain(`echo ok > "$BAKE_STATE/status"\nrm -f ${RESUME_DROP_IN}\n`);
    // Packer drives its own re-run (exit 75), and an image must not re-run its user's runcmd
    expect(script).not.toContain("cloud-final");
  });

  it("with a reboot planned (EL8), ends runcmd after bake's run while the reboot is pending: later entries run after it", () => {
    const { plan, userData } = renderBoth({ distro: "rocky8" });
    const doc = parse(userData, { version: "1.1" }) as { runcmd: string[] };
    expect(doc.runcmd.slice(1)).toEqual([
      "/bin/bash /usr/local/sbin/bake-provision || exit",
      `[ ! -e ${plan.reboot!.marker} ] || exit 0`,
    ]);
  });
});

describe("Packer script", () => {
  it("embeds every file byte-identical to the cloud-init output", () => {
    for (const distro of DISTROS) {
      const { plan, userData, script } = renderBoth({ distro, containerd: { proxy: { http: "http://proxy:3128" } } });
      const embedded = embeddedFiles(script);
      expect([...embedded.keys()].sort()).toEqual(plan.files.map((f) => f.path).sort());
      for (const w of writeFilesOf(userData).filter((f) => !CLOUD_INIT_ONLY.includes(f.path))) {
        expect(embedded.get(w.path)).toEqual({ mode: w.permissions, content: w.content });
      }
    }
  });

  it("runs the same steps as the cloud-init provisioner, writing the files after the system check", () => {
    const { userData, script } = renderBoth({});
    const provisioner = provisionerOf(userData);
    const stepsOf = (s: string) => [...s.matchAll(/^bake_step \S+ (\S+) /gm)].map((m) => m[1]);
    const [systemCheck, ...rest] = stepsOf(provisioner);
    expect(systemCheck).toBe("system");
    expect(stepsOf(script)).toEqual([systemCheck, "write-files", ...rest]);
    expect(stepsOf(provisioner).at(-1)).toBe("verify");
  });

  it("defines every bake_ function it calls and none that nothing calls", () => {
    for (const input of [
      {},
      { distro: "debian13" as const, containerd: { root: "/data/c", proxy: { http: "http://p:3128" } } },
      { crictl: { install: "none" as const } },
    ]) {
      for (const script of [renderBoth(input).script, renderBoth(input).userData]) {
        const defined = [...script.matchAll(/^ *(bake_[a-z0-9_]+)\(\) [{(]/gm)].map((m) => m[1]!);
        const used = new Set([...script.matchAll(/\b(bake_[a-z0-9_]+)\b/g)].map((m) => m[1]!));
        for (const name of defined)
          expect(
            script.split(new RegExp(`\\b${name}\\b`)).length - 1,
            `${name} is defined but never called`,
          ).toBeGreaterThan(1);
        for (const name of used)
          if (!["bake_dump", "bake_check_pids", "bake_apt_fresh", "bake_pkg_no_retry"].includes(name))
            expect(defined, `${name} is called but not defined`).toContain(name);
      }
    }
  });

  it("is fail-fast bash that re-executes itself under bash and needs root", () => {
    const { script } = renderBoth({});
    expect(script.startsWith("#!/bin/bash\n")).toBe(true);
    expect(script).toContain("set -Eeuo pipefail");
    expect(script).toContain("trap bake_fail ERR");
    expect(script).toMatch(/exec \/bin\/bash "\$0"/);
  });
});

describe("rendered config files", () => {
  it("are valid TOML, with hosts.toml per registry and no registry.mirrors", () => {
    const { plan } = renderBoth({
      containerd: {
        registries: {
          "docker.io": {
            mirrors: [
              "https://a.example.com",
              { url: "https://b.example.com:5000", capabilities: ["pull"], skipVerify: true },
            ],
          },
          "registry.local:5000": { server: "http://registry.local:5000", mirrors: [] },
          _default: { mirrors: ["https://fallback.example.com"] },
        },
      },
    });
    for (const f of plan.files.filter((f) => f.path.endsWith(".toml")))
      expect(() => TOML.parse(f.content), f.path).not.toThrow();
    const hosts = (host: string) =>
      TOML.parse(plan.files.find((f) => f.path === `/etc/containerd/certs.d/${host}/hosts.toml`)!.content) as Record<
        string,
        any
      >;
    expect(hosts("docker.io")).toEqual({
      server: "https://registry-1.docker.io",
      host: {
        "https://a.example.com": { capabilities: ["pull", "resolve"] },
        "https://b.example.com:5000": { capabilities: ["pull"], skip_verify: true },
      },
    });
    expect(hosts("registry.local:5000").server).toBe("http://registry.local:5000");
    expect(hosts("_default").server).toBeUndefined();
    const config = plan.files.find((f) => f.path === "/etc/containerd/config.toml")!.content;
    expect(config).not.toContain("registry.mirrors");
    expect(config).not.toMatch(/disabled_plugins = \[.+\]/);
  });

  it("follows the containerd major: schema 2 for 1.x, 3 for 2.x", () => {
    const v2 = TOML.parse(
      planFor({ containerd: { version: "1.7" } }).files.find((f) => f.path === "/etc/containerd/config.toml")!.content,
    ) as any;
    expect(v2.version).toBe(2);
    expect(v2.plugins["io.containerd.grpc.v1.cri"].sandbox_image).toBe("registry.k8s.io/pause:3.10.1");
    expect(v2.plugins["io.containerd.grpc.v1.cri"].containerd.runtimes.runc.options.SystemdCgroup).toBe(true);
    expect(v2.plugins["io.containerd.grpc.v1.cri"].registry.config_path).toBe("/etc/containerd/certs.d");

    const v3 = TOML.parse(
      planFor({ containerd: { version: "2" } }).files.find((f) => f.path === "/etc/containerd/config.toml")!.content,
    ) as any;
    expect(v3.version).toBe(3);
    expect(v3.plugins["io.containerd.cri.v1.images"].pinned_images.sandbox).toBe("registry.k8s.io/pause:3.10.1");
    expect(v3.plugins["io.containerd.cri.v1.images"].registry.config_path).toBe("/etc/containerd/certs.d");
    expect(v3.plugins["io.containerd.cri.v1.runtime"].containerd.runtimes.runc.options.SystemdCgroup).toBe(true);
    expect(v3.plugins["io.containerd.grpc.v1.cri"]).toBeUndefined();
  });

  it.each([
    ["1.7", "io.containerd.grpc.v1.cri", { bin_dir: "/opt/cni/bin" }],
    ["1.7.24", "io.containerd.grpc.v1.cri", { bin_dir: "/opt/cni/bin" }],
    ["2.0", "io.containerd.cri.v1.runtime", { bin_dir: "/opt/cni/bin" }],
    ["2.0.5", "io.containerd.cri.v1.runtime", { bin_dir: "/opt/cni/bin" }],
    ["2", "io.containerd.cri.v1.runtime", { bin_dirs: ["/opt/cni/bin", "/usr/lib/cni"] }],
    ["2.1", "io.containerd.cri.v1.runtime", { bin_dirs: ["/opt/cni/bin", "/usr/lib/cni"] }],
    ["2.2.3", "io.containerd.cri.v1.runtime", { bin_dirs: ["/opt/cni/bin", "/usr/lib/cni"] }],
  ])(
    "containerd %s is told to look for CNI plugins in /opt/cni/bin, with the one key it reads",
    (version, plugin, cni) => {
      const config = planFor({ containerd: { version } }).files.find((f) => f.path === "/etc/containerd/config.toml")!;
      expect((TOML.parse(config.content) as any).plugins[plugin].cni).toEqual(cni);
    },
  );

  it("puts root, state and oom_score above the first table", () => {
    const config = planFor({}).files.find((f) => f.path === "/etc/containerd/config.toml")!.content;
    const firstTable = config.indexOf("\n[");
    for (const key of ["version =", "root =", "state =", "oom_score ="]) {
      expect(config.indexOf(`\n${key}`)).toBeGreaterThan(-1);
      expect(config.indexOf(`\n${key}`)).toBeLessThan(firstTable);
    }
  });

  it("writes /etc/crictl.yaml whole with integer timeout", () => {
    const crictl = planFor({ crictl: { timeout: 3, debug: true } }).files.find((f) => f.path === "/etc/crictl.yaml")!;
    expect(parse(crictl.content)).toEqual({
      "runtime-endpoint": "unix:///run/containerd/containerd.sock",
      "image-endpoint": "unix:///run/containerd/containerd.sock",
      timeout: 3,
      debug: true,
    });
  });
});

describe("determinism", () => {
  it("gives byte-identical output for the same input", () => {
    const a = renderBoth({
      distro: "debian13",
      containerd: {
        registries: {
          "quay.io": { mirrors: ["https://q.example.com"] },
          "docker.io": { mirrors: ["https://d.example.com"] },
        },
      },
    });
    const b = renderBoth({
      distro: "debian13",
      containerd: {
        registries: {
          "docker.io": { mirrors: ["https://d.example.com"] },
          "quay.io": { mirrors: ["https://q.example.com"] },
        },
      },
    });
    expect(a.userData).toBe(b.userData);
    expect(a.script).toBe(b.script);
  });
});
