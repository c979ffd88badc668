// The command line as users meet it: commands, flags, stdin, exit codes, no partial output.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli, tempDir } from "./helpers.js";

describe("bake cloud-init / packer on built-in defaults", () => {
  it("prints user-data for rocky9 with no config file", () => {
    const r = runCli(["cloud-init"]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith("#cloud-config\n")).toBe(true);
    expect(r.stdout).toContain("rocky9/amd64");
  });

  it("writes -o atomically and prints nothing on stdout", () => {
    const dir = tempDir();
    const r = runCli(["packer", "-o", join(dir, "provision.sh")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(join(dir, "provision.sh"), "utf8").startsWith("#!/bin/bash\n")).toBe(true);
    expect(readdirSync(dir)).toEqual(["provision.sh"]);
  });
});

describe("spec input", () => {
  it("reads YAML from stdin with -c -", () => {
    const r = runCli(["cloud-init", "-c", "-"], "distro: debian13\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("debian13/amd64");
  });

  it("reads TOML files, and TOML on stdin", () => {
    const dir = tempDir();
    const toml = 'distro = "rocky8"\n[containerd]\nroot = "/data/c"\n[containerd.registries."docker.io"]\nmirrors = ["https://m.example.com"]\n';
    writeFileSync(join(dir, "bake.toml"), toml);
    for (const r of [runCli(["cloud-init", "-c", join(dir, "bake.toml")]), runCli(["cloud-init", "-c", "-"], toml)]) {
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("rocky8/amd64");
      expect(r.stdout).toContain('root = "/data/c"');
      expect(r.stdout).toContain("/etc/containerd/certs.d/docker.io/hosts.toml");
    }
  });

  it("--set overrides a key with a YAML value, including map keys that hold dots", () => {
    const r = runCli([
      "cloud-init",
      "-q",
      "-c", "examples/guide.yaml",
      "--set", "containerd.oomScore=-500",
      "--set", "kernel.sysctl.vm.max_map_count=262144",
      "--set", "containerd.registries.registry.local:5000.mirrors=[https://m.example.com]",
      "--set", "containerd.version=1.7",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("oom_score = -500");
    expect(r.stdout).toContain("vm.max_map_count = 262144");
    expect(r.stdout).toContain("/etc/containerd/certs.d/registry.local:5000/hosts.toml");
    expect(r.stdout).toContain("version = 2");
  });

  it("accepts rhel/alma aliases and behaves like rocky", () => {
    const rocky = runCli(["packer", "--set", "distro=rocky9"]).stdout;
    const alma = runCli(["packer", "--set", "distro=alma9"]).stdout;
    expect(alma.replace(/alma9/g, "rocky9")).toBe(rocky);
  });
});

describe("bad input", () => {
  function expectRejected(args: string[], input: string | undefined, ...needles: string[]) {
    const dir = tempDir();
    const target = join(dir, "user-data");
    writeFileSync(target, "previous content\n");
    const r = runCli([...args, "-o", target], input);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    for (const n of needles) expect(r.stderr).toContain(n);
    expect(r.stderr).toContain("nothing was written");
    expect(readFileSync(target, "utf8")).toBe("previous content\n");
    expect(readdirSync(dir)).toEqual(["user-data"]);
  }

  it("names the key, the line:column and a suggestion for an unknown key", () => {
    expectRejected(["cloud-init", "-c", "-"], "containerd:\n  sandboxImg: x\n", "containerd.sandboxImg", '<stdin>:2:3', 'did you mean "sandboxImage"');
  });

  it("reports every error at once, each with its line", () => {
    expectRejected(
      ["cloud-init", "-c", "-"],
      "distro: rocky10\ncontainerd:\n  oomScore: 5000\n  root: data\n  sandboxImage: 'bad image!'\n",
      "distro: \"rocky10\" is not one of",
      "<stdin>:1:9",
      "containerd.oomScore: 5000 is out of range: must be an integer from -1000 to 1000",
      "<stdin>:3:13",
      "containerd.root",
      "<stdin>:4:9",
      "containerd.sandboxImage",
      "5 errors".replace("5", "4"),
    );
  });

  it("rejects malformed YAML and TOML with a position", () => {
    expectRejected(["cloud-init", "-c", "-"], "containerd: [\n", "invalid YAML", "<stdin>:");
    expectRejected(["cloud-init", "-c", "-"], "[containerd\nroot = 1\n", "invalid TOML", "<stdin>:1:");
  });

  it("rejects values that would break out of quoting", () => {
    expectRejected(["cloud-init", "--set", 'containerd.registries.docker\\.io.mirrors=["https://x\\"; rm -rf /"]'], undefined, "mirrors[0]");
    expectRejected(["cloud-init", "--set", "containerd.proxy.http=http://p:3128\nExecStart=/bin/evil"], undefined, "containerd.proxy.http");
  });

  it("needs a checksum for a crictl version bake does not know", () => {
    expectRejected(["cloud-init", "--set", "crictl.version=v1.99.0"], undefined, "crictl.sha256", "no built-in checksum");
  });

  it("refuses a distro/source pair that cannot work", () => {
    expectRejected(["cloud-init", "--set", "containerd.source=distro"], undefined, "containerd.source", "rocky9 has no containerd package");
  });

  it("a missing file is an error naming it", () => {
    expectRejected(["cloud-init", "-c", "/nonexistent/bake.yaml"], undefined, "cannot read spec /nonexistent/bake.yaml: no such file");
  });

  it("--strict turns warnings into errors", () => {
    expect(runCli(["validate", "-c", "test/fixtures/risky/guide-as-written.yaml"]).status).toBe(0);
    expectRejected(["cloud-init", "--strict", "-c", "test/fixtures/risky/guide-as-written.yaml"], undefined, "containerd.sandboxImage", "(an error under --strict)", "guide-as-written.yaml:4:17");
  });

  it("usage errors exit 2", () => {
    const r = runCli(["cloud-init", "--bogus"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(runCli(["frobnicate"]).status).toBe(2);
  });
});

describe("bake render", () => {
  it("writes user-data, provision.sh and files/<absolute path>", () => {
    const dir = tempDir();
    const r = runCli(["render", "-c", "examples/guide.yaml", "-o", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(join(dir, "user-data"), "utf8").startsWith("#cloud-config")).toBe(true);
    expect(statSync(join(dir, "provision.sh")).mode & 0o777).toBe(0o755);
    const config = readFileSync(join(dir, "files/etc/containerd/config.toml"), "utf8");
    expect(config).toContain('root = "/data/containerd/data"');
    expect(existsSync(join(dir, "files/etc/containerd/certs.d/docker.io/hosts.toml"))).toBe(true);
    const written = parse(readFileSync(join(dir, "user-data"), "utf8"), { version: "1.1" }).write_files as { path: string; content: string }[];
    for (const f of written.filter((w) => w.path !== "/usr/local/sbin/bake-provision")) {
      expect(readFileSync(join(dir, "files", f.path), "utf8")).toBe(f.content);
    }
  });
});

describe("help and version", () => {
  it("prints a runnable example in each subcommand's help", () => {
    for (const command of ["cloud-init", "packer", "render", "validate"]) {
      const r = runCli([command, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Examples?:\n  \$ bake /);
    }
    expect(runCli(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
