// The bad-input corpus: every spec in test/fixtures/bad/ must be refused by the
// CLI (in-process, test/helpers.ts) with exit 1, nothing on stdout, the error its NAME.expect file names
// (every line of it, "{file}" standing for the spec's path), and an existing -o
// target left byte for byte as it was. Cases that cannot be committed as files
// (a huge file, an unreadable path, stdin, --set) are generated below.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ROOT, runCliAsync, type CliResult } from "./helpers.js";

const CORPUS = "test/fixtures/bad";

const run = (args: string[], input?: string) => runCliAsync(args, { input });

let scratch: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  scratch = mkdtempSync(join(tmpdir(), "bake-bad-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding an existing -o target with random bytes; check() proves nothing in it changed. */
function outputTarget(name: string) {
  const dir = mkdtempSync(join(scratch, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}-`));
  const target = join(dir, "user-data");
  const before = randomBytes(64);
  writeFileSync(target, before);
  return {
    target,
    check(): void {
      expect(readdirSync(dir), "no temp file may be left beside the target").toEqual(["user-data"]);
      expect(readFileSync(target).equals(before), "the -o target must be untouched").toBe(true);
    },
  };
}

/** Run a command that must fail: exit 1, empty stdout, every expected line on stderr, -o target untouched. */
async function expectRefused(name: string, args: string[], expected: string[], input?: string): Promise<CliResult> {
  const out = outputTarget(name);
  const result = await run([...args, "-o", out.target], input);
  const context = `${name}\n--- stderr ---\n${result.stderr}`;
  expect(result.status, context).toBe(1);
  expect(result.stdout, context).toBe("");
  expect(result.stderr, context).not.toContain("internal error");
  // A position must match to its end: "--> f:1:1" must not pass for "--> f:1:13".
  for (const line of expected) expect(result.stderr, context).toContain(line.startsWith("--> ") ? `${line}\n` : line);
  expect(result.stderr, context).toMatch(/error(s)?; nothing was written\.\n$/);
  out.check();
  return result;
}

// ---- the committed corpus

const specs = readdirSync(join(ROOT, CORPUS))
  .filter((f) => /\.(ya?ml|toml)$/.test(f))
  .sort();

// Errors about the document as a whole name no key path.
const DOCUMENT_LEVEL = /^error: (invalid (YAML|TOML): |spec \{file\} |the spec must be |cannot read spec )/;

describe("bad-input corpus", () => {
  it("has at least 50 cases, each with an .expect file", () => {
    expect(specs.length).toBeGreaterThanOrEqual(50);
    const expects = readdirSync(join(ROOT, CORPUS)).filter((f) => f.endsWith(".expect"));
    expect(expects.sort()).toEqual(specs.map((s) => `${s}.expect`));
  });

  it.concurrent.each(specs)("%s is refused with its expected error", async (spec) => {
    const file = `${CORPUS}/${spec}`;
    const expected = readFileSync(join(ROOT, `${file}.expect`), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => l.replace(/\{file\}/g, file));
    const errors = expected.filter((l) => l.startsWith("error: "));
    expect(errors.length, `${spec}.expect must hold at least one "error: ..." line`).toBeGreaterThan(0);
    for (const line of errors) {
      if (DOCUMENT_LEVEL.test(line.replace(file, "{file}"))) continue;
      // "error: containerd.proxy.http: ..." names the key path.
      expect(line, `${spec}.expect must name the key path`).toMatch(
        /^error: (?:[\w.:/@-]|\[\d+\]|\["(?:[^"\\]|\\.)*"\])+: /,
      );
    }
    // Every case read from a file points at file:line:column, except when the
    // file cannot be parsed as text at all (binary, bad UTF-8, alias bomb).
    if (!/^(file-|yaml-alias-bomb)/.test(spec)) {
      expect(
        expected.some((l) => l.startsWith(`--> ${file}:`)),
        `${spec}.expect must name ${file}:line:column`,
      ).toBe(true);
    }
    await expectRefused(spec, ["cloud-init", "-c", file], expected);
  });

  // The same refusal, through the other commands that write a file.
  it.concurrent.each(["unknown-key-containerd.yaml", "url-newline-in-proxy.yaml", "toml-duplicate-key.toml"])(
    "packer -o also refuses %s",
    async (spec) => {
      const file = `${CORPUS}/${spec}`;
      const expected = readFileSync(join(ROOT, `${file}.expect`), "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.replace(/\{file\}/g, file));
      await expectRefused(`packer-${spec}`, ["packer", "-c", file], expected);
    },
  );
});

// ---- cases generated at test time

describe("generated bad inputs", () => {
  it("refuses a spec over 1 MiB without parsing it", async () => {
    const file = join(scratch, "huge.yaml");
    // Valid YAML (comments and a real key), only too big.
    writeFileSync(
      file,
      "distro: rocky9\n" + "# padding padding padding padding padding padding padding\n".repeat(20_000),
    );
    const size = readFileSync(file).length;
    expect(size).toBeGreaterThan(1024 * 1024);
    await expectRefused(
      "huge",
      ["cloud-init", "-c", file],
      [`error: spec ${file} is ${size} bytes; the limit is 1048576 (1 MiB)`],
    );
  });

  it("refuses a huge TOML spec the same way", async () => {
    const file = join(scratch, "huge.toml");
    writeFileSync(file, 'distro = "rocky9"\n' + `# ${"x".repeat(1000)}\n`.repeat(1100));
    await expectRefused(
      "huge-toml",
      ["cloud-init", "-c", file],
      [`error: spec ${file} is `, "the limit is 1048576 (1 MiB)"],
    );
  });

  // Tests run as root, and chmod 000 does not stop root from reading a file;
  // a path whose parent is a regular file fails for root too (ENOTDIR).
  it("refuses an unreadable path (its parent is a file, which fails even for root)", async () => {
    const file = `${CORPUS}/file-binary.yaml/spec.yaml`;
    await expectRefused(
      "enotdir",
      ["cloud-init", "-c", file],
      [`error: cannot read spec ${file}: `, "not a directory"],
    );
  });

  it.skipIf(process.getuid?.() === 0)("refuses a chmod 000 spec (only meaningful when not root)", async () => {
    const file = join(scratch, "locked.yaml");
    writeFileSync(file, "distro: rocky9\n");
    chmodSync(file, 0o000);
    await expectRefused("eacces", ["cloud-init", "-c", file], [`error: cannot read spec ${file}: permission denied`]);
  });

  it("refuses a directory given as the spec", async () => {
    await expectRefused("eisdir", ["cloud-init", "-c", CORPUS], [`error: cannot read spec ${CORPUS}: is a directory`]);
  });

  it("refuses a spec that does not exist", async () => {
    await expectRefused(
      "enoent",
      ["cloud-init", "-c", `${CORPUS}/no-such-spec.yaml`],
      [`error: cannot read spec ${CORPUS}/no-such-spec.yaml: no such file`],
    );
  });

  it("points at <stdin>:line:column for a spec read from stdin", async () => {
    await expectRefused(
      "stdin",
      ["cloud-init", "-c", "-"],
      ['error: containerd.sandboxImg: unknown key "sandboxImg"; did you mean "sandboxImage"?', "--> <stdin>:3:3"],
      "distro: rocky9\ncontainerd:\n  sandboxImg: x\n",
    );
  });

  it("points at <stdin> for a TOML spec on stdin", async () => {
    await expectRefused(
      "stdin-toml",
      ["cloud-init", "-c", "-"],
      ["error: crictl.timeout: 0 is out of range", "--> <stdin>:2:1"],
      "[crictl]\ntimeout = 0\n",
    );
  });
});

// ---- --set: each value lands where a file's value would, and is checked the same way

const SET_CASES: [string, string[]][] = [
  [
    "containerd.oomScore=abc",
    ["error: containerd.oomScore: must be an integer from -1000 to 1000, not a string", "--> --set:1:21"],
  ],
  ["containerd.oomScore=2000", ["error: containerd.oomScore: 2000 is out of range", "--> --set:1:21"]],
  ["containerd.rooot=/data", ['error: containerd.rooot: unknown key "rooot"; did you mean "root"?', "--> --set:1:18"]],
  ["containerd.root=../x", ['error: containerd.root: "../x" is not an absolute path', "--> --set:1:17"]],
  ["containerd.root=/data/../etc", ['error: containerd.root: "/data/../etc" is not an absolute path']],
  ["containerd.sandboxImage=[a", ["error: containerd.sandboxImage: --set value is not valid YAML", "--> --set:1:25"]],
  [
    "containerd.sandboxImage=pause;reboot",
    ['error: containerd.sandboxImage: "pause;reboot" is not an image reference'],
  ],
  [
    "kernel.sysctl.net.ipv4.ip_forward=$(reboot)",
    ['error: kernel.sysctl.net.ipv4.ip_forward: "$(reboot)" is not a sysctl value', "--> --set:1:35"],
  ],
  ["kernel.modules=[overlay, 'a b']", ['error: kernel.modules[1]: "a b" is not a kernel module name']],
  [
    "containerd.registries.docker.io.mirrors=[https://a b]",
    ['error: containerd.registries.docker.io.mirrors[0]: "https://a b" is not an http:// or https:// URL'],
  ],
  [
    "containerd.registries.docker.io/library.mirrors=[https://m.example.com]",
    ['error: containerd.registries.docker.io/library: "docker.io/library" is not a registry host'],
  ],
  [
    'containerd.proxy.http="http://p:3128\\nExecStart=/bin/sh"',
    ['error: containerd.proxy.http: "http://p:3128\\nExecStart=/bin/sh" is not an http:// or https:// URL, or empty'],
  ],
  ["crictl.timeout=", ["error: crictl.timeout: must be an integer from 1 to 3600, not a string", "--> --set:1:16"]],
  ["crictl.debug=maybe", ["error: crictl.debug: must be a boolean, not a string"]],
  ["distro=rocky7", ['error: distro: "rocky7" is not one of', 'did you mean "rocky8"?', "--> --set:1:8"]],
  [
    "containerd.service.limitNOFILE=0",
    ['error: containerd.service.limitNOFILE: must be an integer from 1 to 1073741816 or "infinity", not 0'],
  ],
  ["containerd.version=3", ['error: containerd.version: "3" is not a containerd version prefix']],
];

describe("bad --set values", () => {
  it.concurrent.each(SET_CASES)("--set %s is refused", async (assignment, expected) => {
    await expectRefused(`set-${assignment}`, ["cloud-init", "--set", assignment], expected);
  });

  // The file has a crictl: section; the error is about the --set, not that section.
  it("points a cross-key error at the --set that caused it, not at the file's nearby section", async () => {
    await expectRefused(
      "set-crictl-version-with-file",
      ["cloud-init", "-c", "examples/guide.yaml", "--set", "crictl.version=v1.99.0"],
      ["error: crictl.sha256: bake has no built-in checksum for crictl v1.99.0", "--> --set:1:16"],
    );
  });

  it("reports a bad --set together with the file's own errors", async () => {
    const file = `${CORPUS}/range-oomscore.yaml`;
    await expectRefused(
      "set-and-file",
      ["cloud-init", "-c", file, "--set", "crictl.timeout=0"],
      [
        "error: containerd.oomScore: 1001 is out of range",
        `--> ${file}:2:13`,
        "error: crictl.timeout: 0 is out of range",
        "--> --set:1:16",
        "2 errors; nothing was written.",
      ],
    );
  });
});

// ---- the user's own user-data (--merge, --mime): refused with nothing written

describe("bad --merge files", () => {
  const C = "test/fixtures/compose";
  it("refuses a document that is not a #cloud-config, pointing at its first line", async () => {
    await expectRefused(
      "merge-no-header",
      ["cloud-init", "--merge", `${C}/bad-no-header.yaml`],
      [
        `error: ${C}/bad-no-header.yaml is not a #cloud-config: its first line must be #cloud-config, not "hostname: node-1"`,
        `--> ${C}/bad-no-header.yaml:1:1`,
      ],
    );
  });

  it("refuses to merge a script, and says --mime sends it", async () => {
    await expectRefused(
      "merge-script",
      ["cloud-init", "--merge", `${C}/ops-script.sh`],
      [
        `error: ${C}/ops-script.sh is not a #cloud-config (it starts with #!, a script), so it cannot be merged into one; send it as its own part with --mime`,
      ],
    );
  });

  it("refuses a path bake writes too, naming both sources", async () => {
    await expectRefused(
      "merge-clash",
      ["cloud-init", "--merge", `${C}/bad-clash.yaml`],
      [
        `error: /etc/containerd/config.toml is written by both ${C}/bad-clash.yaml (write_files) and bake (from spec keys containerd.version`,
        `--> ${C}/bad-clash.yaml:5:11`,
      ],
    );
  });

  it("refuses a path two user files write, naming both", async () => {
    await expectRefused(
      "merge-user-clash",
      ["cloud-init", "--merge", `${C}/ops-user.yaml`, "--merge", `${C}/bad-clash.yaml`],
      [
        `error: /etc/motd is written by both ${C}/ops-user.yaml and ${C}/bad-clash.yaml (write_files); keep it in one of them`,
        `--> ${C}/bad-clash.yaml:3:11`,
        "2 errors; nothing was written.",
      ],
    );
  });

  it("refuses a key two user files set when it is not a list", async () => {
    await expectRefused(
      "merge-key-twice",
      ["cloud-init", "--merge", `${C}/ops-user.yaml`, "--merge", `${C}/bad-hostname.yaml`],
      [
        `error: hostname is set in both ${C}/ops-user.yaml and ${C}/bad-hostname.yaml; only lists are combined`,
        `--> ${C}/bad-hostname.yaml:2:1`,
      ],
    );
  });

  it("refuses a part type cloud-init would not run as bake sends it, under --mime", async () => {
    await expectRefused(
      "mime-unknown-type",
      ["cloud-init", "--mime", "--merge", `${C}/bad-archive.yaml`],
      [
        `error: ${C}/bad-archive.yaml is not a part type bake sends: its first line must be #cloud-config, #! (a script) or #cloud-boothook, not "#cloud-config-archive"`,
        `--> ${C}/bad-archive.yaml:1:1`,
      ],
    );
  });

  it("gives invalid YAML its file, line and column", async () => {
    await expectRefused(
      "merge-bad-yaml",
      ["cloud-init", "--merge", `${C}/bad-yaml.yaml`],
      ["error: invalid YAML: this [ is never closed", `--> ${C}/bad-yaml.yaml:4:13`],
    );
  });

  it("refuses a --merge file that does not exist", async () => {
    await expectRefused(
      "merge-enoent",
      ["cloud-init", "--merge", `${C}/no-such.yaml`],
      [`error: cannot read --merge ${C}/no-such.yaml: no such file`],
    );
  });
});

// ---- edge cases that are valid: an empty spec means the built-in defaults

describe("empty specs are valid and mean the defaults", () => {
  let defaults: string;
  beforeAll(async () => {
    const r = await run(["cloud-init"]);
    expect(r.status).toBe(0);
    defaults = r.stdout;
  });
  it.concurrent.each([
    ["empty.yaml", ""],
    ["empty.toml", ""],
    ["comments.yaml", "# nothing here yet\n"],
    ["document-marker.yaml", "---\n"],
    ["comments.toml", "# nothing here yet\n"],
  ])("%s renders the defaults", async (name, text) => {
    const file = join(scratch, name);
    writeFileSync(file, text);
    const r = await run(["cloud-init", "-c", file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(defaults);
  });
});
