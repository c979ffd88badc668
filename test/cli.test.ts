// The command line as users meet it: commands, flags, stdin, exit codes, no partial output.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { colorAllowed } from "../src/cli/status.js";
import { CLI, CLOUD_INIT_ONLY, ROOT, runCli, runCliAsync, tempDir } from "./helpers.js";

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

describe("-o replaces only what the user asked to replace", () => {
  // Stand-ins in a temp dir, never the machine's own /dev: a FIFO, a character device
  // made with mknod (the fast suite runs as root), and a link to /proc/self/fd/1 as /dev/stdout is.
  const userData = () => runCli(["cloud-init", "-q"]).stdout;
  const isRoot = process.getuid?.() === 0;

  it("a regular file is replaced atomically (mode 0644, no temp file left); a new path is created with its folder", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "user-data"), "old\n", { mode: 0o600 });
    expect(runCli(["cloud-init", "-o", join(dir, "user-data")]).status).toBe(0);
    expect(readFileSync(join(dir, "user-data"), "utf8")).toBe(userData());
    expect(statSync(join(dir, "user-data")).mode & 0o777).toBe(0o644);
    expect(runCli(["cloud-init", "-o", join(dir, "new", "user-data")]).status).toBe(0);
    expect(readFileSync(join(dir, "new", "user-data"), "utf8")).toBe(userData());
    expect(readdirSync(dir).sort()).toEqual(["new", "user-data"]);
  });

  it("a symlink, a chain of them, or a dangling one stays a link; the file at its end gets the output", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.yaml"), "old\n");
    symlinkSync("real.yaml", join(dir, "link"));
    symlinkSync("link", join(dir, "chain"));
    symlinkSync(join(dir, "later", "made.yaml"), join(dir, "dangling"));
    for (const name of ["link", "chain", "dangling"]) {
      const r = runCli(["cloud-init", "-o", join(dir, name)]);
      expect(r.status, r.stderr).toBe(0);
      expect(lstatSync(join(dir, name)).isSymbolicLink(), name).toBe(true);
    }
    expect(readlinkSync(join(dir, "chain"))).toBe("link");
    expect(readFileSync(join(dir, "real.yaml"), "utf8")).toBe(userData());
    expect(readFileSync(join(dir, "later", "made.yaml"), "utf8")).toBe(userData());
  });

  it("a link to /proc/self/fd/1 (what /dev/stdout is) writes to bake's stdout and stays a link", () => {
    const dir = tempDir();
    symlinkSync("/proc/self/fd/1", join(dir, "stdout"));
    const r = runCli(["cloud-init", "-o", join(dir, "stdout")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(userData());
    expect(lstatSync(join(dir, "stdout")).isSymbolicLink()).toBe(true);
  });

  it("a FIFO is written through to its reader and stays a FIFO", async () => {
    const dir = tempDir();
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    // timeout: a bake that replaced the FIFO leaves the reader waiting for a writer.
    const reader = spawn("timeout", ["10", "sh", "-c", 'cat "$1" > "$2"', "sh", fifo, join(dir, "got")]);
    const done = new Promise((resolve) => reader.on("close", resolve));
    const r = runCli(["cloud-init", "-o", fifo]);
    expect(r.status, r.stderr).toBe(0);
    await done;
    expect(readFileSync(join(dir, "got"), "utf8")).toBe(userData());
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it.skipIf(!isRoot)(
    "a character device (a null device made in a temp dir) is written through and stays a device",
    () => {
      const dir = tempDir();
      const device = join(dir, "null");
      execFileSync("mknod", [device, "c", "1", "3"]);
      const before = lstatSync(device);
      const r = runCli(["packer", "-o", device]);
      expect(r.status, r.stderr).toBe(0);
      const after = lstatSync(device);
      expect(after.isCharacterDevice()).toBe(true);
      expect([after.ino, after.mode, after.rdev]).toEqual([before.ino, before.mode, before.rdev]);
      expect(readdirSync(dir)).toEqual(["null"]);
    },
  );

  it("a directory is an error naming it; a bad spec writes nothing at all", () => {
    const dir = tempDir();
    const r = runCli(["cloud-init", "-o", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`bake: cannot write ${dir}: it is a directory; name a file in it\n`);
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, "real.yaml"), "old\n");
    symlinkSync("real.yaml", join(dir, "link"));
    expect(runCli(["cloud-init", "-o", join(dir, "link"), "-c", "-"], "distro: nope\n").status).toBe(1);
    expect(readFileSync(join(dir, "real.yaml"), "utf8")).toBe("old\n");
    expect(lstatSync(join(dir, "link")).isSymbolicLink()).toBe(true);
  });
});

describe("a reader that stops early", () => {
  // As with bake cloud-init | head, once the reader is gone: its end of the pipe is closed before bake writes.
  it("the pipe closed before bake writes: exit 141, nothing on stderr but the spec note", async () => {
    const child = spawn(process.execPath, [CLI, "cloud-init"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).toBe("bake: spec: built-in defaults (distro rocky9)\n");
    expect(code).toBe(141);
  });
});

describe("spec input", () => {
  it("reads YAML from stdin with -c -", async () => {
    const r = await runCliAsync(["cloud-init", "-c", "-"], { input: "distro: debian13\n" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("debian13/amd64");
  });

  it("reads TOML files, and TOML on stdin", async () => {
    const dir = tempDir();
    const toml =
      'distro = "rocky8"\n[containerd]\nroot = "/data/c"\n[containerd.registries."docker.io"]\nmirrors = ["https://m.example.com"]\n';
    writeFileSync(join(dir, "bake.toml"), toml);
    for (const r of [
      await runCliAsync(["cloud-init", "-q", "-c", join(dir, "bake.toml")]),
      await runCliAsync(["cloud-init", "-q", "-"], { input: toml }),
    ]) {
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("rocky8/amd64");
      expect(r.stdout).toContain('root = "/data/c"');
      expect(r.stdout).toContain("/etc/containerd/certs.d/docker.io/hosts.toml");
    }
  });

  it("--set overrides a key with a YAML value, including map keys that hold dots", async () => {
    const r = await runCliAsync([
      "cloud-init",
      "-q",
      "-c",
      "examples/guide.yaml",
      "--set",
      "containerd.oomScore=-500",
      "--set",
      "kernel.sysctl.vm.max_map_count=262144",
      "--set",
      "containerd.registries.registry.local:5000.mirrors=[https://m.example.com]",
      "--set",
      "containerd.version=1.7",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("oom_score = -500");
    expect(r.stdout).toContain("vm.max_map_count = 262144");
    expect(r.stdout).toContain("/etc/containerd/certs.d/registry.local:5000/hosts.toml");
    expect(r.stdout).toContain("version = 2");
  });

  it("accepts rhel/alma aliases and behaves like rocky", async () => {
    const rocky = (await runCliAsync(["packer", "--set", "distro=rocky9"])).stdout;
    const alma = (await runCliAsync(["packer", "--set", "distro=alma9"])).stdout;
    expect(alma.replace(/alma9/g, "rocky9")).toBe(rocky);
  });
});

describe("bad input", () => {
  async function expectRejected(args: string[], input: string | undefined, ...needles: string[]) {
    const dir = tempDir();
    const target = join(dir, "user-data");
    writeFileSync(target, "previous content\n");
    const r = await runCliAsync([...args, "-o", target], { input });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    for (const n of needles) expect(r.stderr).toContain(n);
    expect(r.stderr).toContain("nothing was written");
    expect(readFileSync(target, "utf8")).toBe("previous content\n");
    expect(readdirSync(dir)).toEqual(["user-data"]);
  }

  it("names the key, the line:column and a suggestion for an unknown key", async () => {
    await expectRejected(
      ["cloud-init", "-c", "-"],
      "containerd:\n  sandboxImg: x\n",
      "containerd.sandboxImg",
      "<stdin>:2:3",
      'did you mean "sandboxImage"',
    );
  });

  it("reports every error at once, each with its line", async () => {
    await expectRejected(
      ["cloud-init", "-c", "-"],
      "distro: rocky7\ncontainerd:\n  oomScore: 5000\n  root: data\n  sandboxImage: 'bad image!'\n",
      'distro: "rocky7" is not one of',
      "<stdin>:1:9",
      "containerd.oomScore: 5000 is out of range: must be an integer from -1000 to 1000",
      "<stdin>:3:13",
      "containerd.root",
      "<stdin>:4:9",
      "containerd.sandboxImage",
      "5 errors".replace("5", "4"),
    );
  });

  it("rejects malformed YAML and TOML with a position", async () => {
    await expectRejected(["cloud-init", "-c", "-"], "containerd: [\n", "invalid YAML", "<stdin>:");
    await expectRejected(["cloud-init", "-c", "-"], "[containerd\nroot = 1\n", "invalid TOML", "<stdin>:1:");
  });

  it("rejects values that would break out of quoting", async () => {
    await expectRejected(
      ["cloud-init", "--set", 'containerd.registries.docker\\.io.mirrors=["https://x\\"; rm -rf /"]'],
      undefined,
      "mirrors[0]",
    );
    await expectRejected(
      ["cloud-init", "--set", "containerd.proxy.http=http://p:3128\nExecStart=/bin/evil"],
      undefined,
      "containerd.proxy.http",
    );
  });

  it("needs a checksum for a crictl version bake does not know", async () => {
    await expectRejected(
      ["cloud-init", "--set", "crictl.version=v1.99.0"],
      undefined,
      "crictl.sha256",
      "no built-in checksum",
    );
  });

  it("refuses a distro/source pair that cannot work", async () => {
    await expectRejected(
      ["cloud-init", "--set", "containerd.source=distro"],
      undefined,
      "containerd.source",
      "rocky9 has no containerd package",
    );
  });

  it("a missing file is an error naming it", async () => {
    await expectRejected(
      ["cloud-init", "-c", "/nonexistent/bake.yaml"],
      undefined,
      "cannot read spec /nonexistent/bake.yaml: no such file",
    );
  });

  it("--strict turns warnings into errors", async () => {
    expect((await runCliAsync(["validate", "-c", "test/fixtures/risky/guide-as-written.yaml"])).status).toBe(0);
    await expectRejected(
      ["cloud-init", "--strict", "-c", "test/fixtures/risky/guide-as-written.yaml"],
      undefined,
      "containerd.sandboxImage",
      "(an error under --strict)",
      "guide-as-written.yaml:4:17",
    );
  });

  it("usage errors exit 2", async () => {
    const r = await runCliAsync(["cloud-init", "--bogus"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect((await runCliAsync(["frobnicate"])).status).toBe(2);
  });
});

describe("bake render", () => {
  it("writes user-data, provision.sh and files/<absolute path>", async () => {
    const dir = tempDir();
    const r = await runCliAsync(["render", "-c", "examples/guide.yaml", "-o", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(join(dir, "user-data"), "utf8").startsWith("#cloud-config")).toBe(true);
    expect(statSync(join(dir, "provision.sh")).mode & 0o777).toBe(0o755);
    const config = readFileSync(join(dir, "files/etc/containerd/config.toml"), "utf8");
    expect(config).toContain('root = "/data/containerd/data"');
    expect(existsSync(join(dir, "files/etc/containerd/certs.d/docker.io/hosts.toml"))).toBe(true);
    const written = parse(readFileSync(join(dir, "user-data"), "utf8"), { version: "1.1" }).write_files as {
      path: string;
      content: string;
    }[];
    // the provisioner and cloud-final's drop-in are cloud-init's only: not files of the node's plan
    for (const f of written.filter((w) => !CLOUD_INIT_ONLY.includes(w.path))) {
      expect(readFileSync(join(dir, "files", f.path), "utf8")).toBe(f.content);
    }
  });
});

describe("help and version", () => {
  it("prints a runnable example in each subcommand's help", async () => {
    for (const command of ["cloud-init", "packer", "render", "validate"]) {
      const r = await runCliAsync([command, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Examples?:\n {2}\$ bake /);
    }
    expect((await runCliAsync(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("the spec file: ./bake.yaml where init puts it, a positional, one at a time", () => {
  const folderWith = (files: Record<string, string>) => {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it("every spec command reads ./bake.yaml when none is named, and says so on stderr (-q silences it)", async () => {
    const dir = folderWith({ "bake.yaml": "distro: rocky10\n" });
    const r = await runCliAsync(["cloud-init"], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("rocky10/amd64");
    expect(r.stderr).toBe(
      "bake: spec: bake.yaml (found in the current folder; name another spec, or --defaults for none)\n",
    );
    expect((await runCliAsync(["packer", "-q"], { cwd: dir })).stdout).toContain("rocky10");
    const quiet = await runCliAsync(["cloud-init", "-q"], { cwd: dir });
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).toBe(r.stdout);
    expect((await runCliAsync(["validate"], { cwd: dir })).stderr).toContain("bake: bake.yaml is valid (rocky10/amd64");
    const out = join(dir, "out");
    expect((await runCliAsync(["render", "-q", "-o", out], { cwd: dir })).status).toBe(0);
    expect(readFileSync(join(out, "user-data"), "utf8")).toContain("rocky10/amd64");
    const diff = await runCliAsync(["diff"], { cwd: dir });
    expect(diff.status, diff.stderr).toBe(0);
    expect(diff.stderr).toContain("defaults -> bake.yaml: ");
  });

  it("--defaults ignores ./bake.yaml; ./bake.toml is read the same way; both present is a usage error naming both", async () => {
    const dir = folderWith({ "bake.yaml": "distro: rocky10\n" });
    const defaults = await runCliAsync(["cloud-init", "--defaults"], { cwd: dir });
    expect(defaults.stdout).toContain("rocky9/amd64");
    expect(defaults.stderr).toBe("bake: spec: built-in defaults (distro rocky9)\n");
    const toml = folderWith({ "bake.toml": 'distro = "ubuntu2404"\n' });
    expect((await runCliAsync(["cloud-init", "-q"], { cwd: toml })).stdout).toContain("ubuntu2404/amd64");
    writeFileSync(join(toml, "bake.yaml"), "distro: rocky10\n");
    const both = await runCliAsync(["cloud-init"], { cwd: toml });
    expect(both.status).toBe(2);
    expect(both.stdout).toBe("");
    expect(both.stderr).toContain("both ./bake.yaml and ./bake.toml are here");
  });

  /** bake run by sh, so stdin is what a shell gives it: a real pipe, a file, /dev/null. */
  const shell = (script: string, cwd: string) =>
    spawnSync("sh", ["-c", script, "sh", process.execPath, CLI], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });

  it("reads a spec piped or redirected to stdin when none is named; a named one wins, and stdin wins over ./bake.yaml", async () => {
    const dir = folderWith({ "bake.yaml": "distro: rocky10\n", "node.yaml": "distro: rocky9\n" });
    const piped = shell('cat node.yaml | "$1" "$2" cloud-init', dir);
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout).toContain("rocky9/amd64");
    expect(piped.stderr).toBe("bake: spec: stdin\n");
    const redirected = shell('"$1" "$2" packer -q < node.yaml', dir);
    expect(redirected.stdout).toContain("rocky9");
    expect(redirected.stderr).toBe("");
    // A Node parent's pipe is a socket: read the same way.
    expect((await runCliAsync(["validate"], { input: "distro: ubuntu2404\n", cwd: dir })).stderr).toContain(
      "bake: stdin is valid (ubuntu2404/amd64",
    );
    const named = shell('cat node.yaml | "$1" "$2" cloud-init bake.yaml', dir);
    expect(named.stdout).toContain("rocky10/amd64");
    expect(named.stderr).toBe("bake: spec: bake.yaml\n");
    const diff = await runCliAsync(["diff", "-q", "--exit-code"], { input: "distro: rocky8\n", cwd: dir });
    expect(diff.status).toBe(1);
    expect(diff.stdout).toContain("rocky8");
  });

  it("an empty stdin (closed pipe, echo, /dev/null, an empty file) falls back to ./bake.yaml, then the defaults", () => {
    const dir = folderWith({ "bake.yaml": "distro: rocky10\n", empty: "" });
    for (const script of [
      '"$1" "$2" cloud-init < /dev/null',
      'echo | "$1" "$2" cloud-init',
      '"$1" "$2" cloud-init < empty',
      'true | "$1" "$2" cloud-init',
    ]) {
      const r = shell(script, dir);
      expect(r.stdout, script).toContain("rocky10/amd64");
      expect(r.stderr, script).toBe(
        "bake: spec: bake.yaml (found in the current folder; name another spec, or --defaults for none)\n",
      );
    }
    const none = shell('echo | "$1" "$2" cloud-init --set distro=alma9', tempDir());
    expect(none.stderr).toBe("bake: spec: built-in defaults (distro alma9)\n");
  });

  it("an open pipe that sends nothing (CI, ssh, docker run -i) is not waited on: ./bake.yaml is read, and the note says so", async () => {
    const dir = folderWith({ "bake.yaml": "distro: rocky10\n" });
    const child = spawn(process.execPath, [CLI, "cloud-init"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const timeout = setTimeout(() => child.kill(), 10_000);
    const code = await new Promise((resolve) => child.on("close", resolve));
    clearTimeout(timeout);
    child.stdin.destroy();
    expect(code).toBe(0);
    expect(stdout).toContain("rocky10/amd64");
    expect(stderr).toContain("stdin sent nothing in 500 ms, so it was not read (-c - waits for it)");
  });

  it("finds ./bake.yml; ./bake.yaml beside it is a usage error naming both", async () => {
    const dir = folderWith({ "bake.yml": "distro: ubuntu2204\n" });
    expect((await runCliAsync(["cloud-init", "-q"], { cwd: dir })).stdout).toContain("ubuntu2204/amd64");
    writeFileSync(join(dir, "bake.yaml"), "distro: rocky10\n");
    const both = await runCliAsync(["cloud-init"], { cwd: dir });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("both ./bake.yaml and ./bake.yml are here");
  });

  it("an empty or comment-only spec is a warning naming the built-in defaults (an error under --strict); -q keeps errors", async () => {
    const dir = folderWith({ "blank.yaml": "# nothing yet\n\n", "blank.toml": "# nothing\n" });
    for (const [args, input, name] of [
      [["cloud-init", "blank.yaml"], undefined, "blank.yaml"],
      [["packer", "-c", "blank.toml"], undefined, "blank.toml"],
      [["cloud-init", "-c", "-"], "", "the spec on stdin"],
      [["validate"], "# only a comment\n", "the spec on stdin"],
    ] as const) {
      const r = await runCliAsync([...args], { input, cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `warning: ${name} is empty or holds only comments, so the built-in defaults apply (distro rocky9)`,
      );
    }
    const devNull = shell('"$1" "$2" cloud-init -c - < /dev/null', dir);
    expect(devNull.stderr).toContain(
      "warning: the spec on stdin is empty or holds only comments, so the built-in defaults apply",
    );
    const strict = await runCliAsync(["validate", "-q", "--strict", "blank.yaml"], { cwd: dir });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain("(an error under --strict)");
  });

  it("takes the spec as a positional argument, as Butane and kubectl users type it", async () => {
    const dir = folderWith({ "node.yaml": "distro: rocky10\n" });
    const positional = await runCliAsync(["cloud-init", "node.yaml"], { cwd: dir });
    expect(positional.status, positional.stderr).toBe(0);
    expect(positional.stderr).toBe("bake: spec: node.yaml\n");
    expect(positional.stdout).toBe((await runCliAsync(["cloud-init", "-c", "node.yaml"], { cwd: dir })).stdout);
    expect((await runCliAsync(["validate", "node.yaml"], { cwd: dir })).stderr).toContain(
      "node.yaml is valid (rocky10",
    );
  });

  it("two specs for one output are a usage error, not a silent last-one-wins; diff keeps old and new", async () => {
    const dir = folderWith({ "a.yaml": "distro: rocky10\n", "b.yaml": "distro: rocky8\n" });
    for (const args of [
      ["-c", "a.yaml", "-c", "b.yaml"],
      ["a.yaml", "-c", "b.yaml"],
      ["a.yaml", "--defaults"],
    ]) {
      const r = await runCliAsync(["cloud-init", ...args], { cwd: dir });
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
    }
    expect((await runCliAsync(["cloud-init", "-c", "a.yaml", "-c", "b.yaml"], { cwd: dir })).stderr).toContain(
      "one spec at a time, got a.yaml and b.yaml; bake does not merge specs",
    );
    const flags = await runCliAsync(["diff", "-c", "a.yaml", "-c", "b.yaml"], { cwd: dir });
    expect(flags.status).toBe(0);
    expect(flags.stderr).toContain("a.yaml -> b.yaml");
    expect((await runCliAsync(["diff", "a.yaml", "b.yaml"], { cwd: dir })).stdout).toBe(flags.stdout);
    expect((await runCliAsync(["diff", "a.yaml", "b.yaml", "--defaults"], { cwd: dir })).status).toBe(2);
  });
});

describe("CLI conventions", () => {
  const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

  it("bake version, and --version on every command", async () => {
    expect((await runCliAsync(["version"])).stdout).toBe(`${VERSION}\n`);
    for (const command of [
      "cloud-init",
      "packer",
      "render",
      "validate",
      "schema",
      "init",
      "explain",
      "diff",
      "completion",
    ]) {
      const r = await runCliAsync([command, "--version"]);
      expect(r.status, command).toBe(0);
      expect(r.stdout, command).toBe(`${VERSION}\n`);
    }
  });

  it("diff --exit-code exits 1 when the outputs differ and 0 when they do not", async () => {
    const changed = await runCliAsync(["diff", "--exit-code", "-q", "--set", "crictl.timeout=3"]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain("+timeout: 3\n");
    expect((await runCliAsync(["diff", "--exit-code", "-q", "--set", "crictl.timeout=10"])).status).toBe(0);
    expect((await runCliAsync(["diff", "-q", "--set", "crictl.timeout=3"])).status).toBe(0);
  });

  it("a malformed --set (no =, an empty key or key segment) is a usage error, exit 2", async () => {
    for (const set of ["noequals", "=rocky9", "containerd..root=/x", ".distro=rocky9"]) {
      for (const command of ["cloud-init", "diff"]) {
        const r = await runCliAsync([command, "--set", set]);
        expect(r.status, `${command} --set ${set}`).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toContain(`--set ${JSON.stringify(set)} must look like key.path=value`);
      }
    }
  });

  it("colour: FORCE_COLOR forces it on in a pipe, over NO_COLOR; FORCE_COLOR=0 and TERM=dumb turn it off", () => {
    const withEnv = (env: Record<string, string | undefined>) => {
      const base = { ...process.env };
      delete base.NO_COLOR;
      delete base.FORCE_COLOR;
      return spawnSync(process.execPath, [CLI, "validate", "--set", "crictl.timeout=0"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...base, ...env },
      }).stderr;
    };
    expect(withEnv({ FORCE_COLOR: "1", NO_COLOR: "1" })).toContain("\u001b[1;31merror\u001b[0m");
    expect(withEnv({ FORCE_COLOR: "0" })).not.toContain("\u001b[");
    // On a terminal (isTTY), as the CLI would see one:
    expect(colorAllowed({ isTTY: true }, {})).toBe(true);
    expect(colorAllowed({ isTTY: true }, { TERM: "dumb" })).toBe(false);
    expect(colorAllowed({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorAllowed({ isTTY: true }, { TERM: "dumb", FORCE_COLOR: "" })).toBe(true);
    expect(colorAllowed({ isTTY: false }, {})).toBe(false);
  });

  it("the caret sits under the mistake when wide (CJK) characters come before it", async () => {
    const line = 'containerd: {sandboxImage: "暂停镜像", oomScore: 5000}';
    const r = await runCliAsync(["validate", "-c", "-"], { input: `distro: rocky9\n${line}\n` });
    expect(r.status).toBe(1);
    const frame = r.stderr.split("\n");
    const lineIndex = frame.lastIndexOf(`2 | ${line}`);
    const caret = frame[lineIndex + 1]!;
    // Four CJK characters before "5000", each two terminal cells wide.
    expect(caret).toBe(`  | ${" ".repeat(line.indexOf("5000") + 4)}^^^^`);
    const imageCaret = frame[frame.indexOf(`2 | ${line}`) + 1]!;
    expect(imageCaret).toBe(`  | ${" ".repeat(line.indexOf('"'))}${"^".repeat(10)}`);
  });
});

describe("bake completion", () => {
  const script = async (shell: string) => {
    const dir = tempDir();
    const r = await runCliAsync(["completion", shell]);
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(dir, `bake.${shell}`), r.stdout);
    return join(dir, `bake.${shell}`);
  };

  it("bash: the script loads and completes subcommands, flags and flag values", async () => {
    const file = await script("bash");
    const complete = (line: string) =>
      spawnSync(
        "bash",
        [
          "-c",
          `source "$1"; COMP_WORDS=($2); [[ $2 == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _bake; echo "\${COMPREPLY[*]}"`,
          "bash",
          file,
          line,
        ],
        { encoding: "utf8" },
      ).stdout.trim();
    expect(complete("bake cl")).toBe("cloud-init");
    expect(complete("bake co")).toBe("completion");
    expect(complete("bake cloud-init --gz")).toBe("--gzip");
    expect(complete("bake cloud-init --cloud a")).toBe("aws azure alibaba");
    expect(complete("bake diff --exit")).toBe("--exit-code");
    expect(complete("bake init --distro debian1")).toBe("debian13 debian14");
    expect(complete("bake completion ")).toBe("bash zsh fish");
    expect(complete("bake ")).toContain("cloud-init packer render validate");
    expect(complete("bake -")).toBe("-V --version -h --help");
  });

  it("an unknown shell is a usage error", async () => {
    const r = await runCliAsync(["completion", "tcsh"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bash, zsh, fish");
  });

  it("zsh: the script parses (zsh -n)", async () => {
    const r = spawnSync("zsh", ["-n", await script("zsh")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });

  it("fish: the script parses and completes subcommands and flag values", async () => {
    const file = await script("fish");
    expect(spawnSync("fish", ["--no-execute", file], { encoding: "utf8" }).status).toBe(0);
    const r = spawnSync(
      "fish",
      ["--no-config", "-c", `source ${file}; complete -C "bake cl"; complete -C "bake cloud-init --cloud="`],
      { encoding: "utf8" },
    );
    expect(r.stdout).toMatch(/^cloud-init\t/m);
    expect(r.stdout).toMatch(/^--cloud=aws\t/m);
  });
});
