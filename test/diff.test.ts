// bake diff: what two specs change on the node, file by file, as a unified diff.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPatch, parsePatch } from "diff";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, runCliWith } from "./helpers.js";
import { diffPlans } from "../src/commands/diff.js";
import { plan, renderPackerScript, validateSpec, type SpecInput } from "../src/index.js";

const bake = (...args: string[]) => runCli(args);
const planOf = (input: SpecInput) => plan(validateSpec(input).spec);

describe("bake diff", () => {
  it("a spec against the defaults: only what it changes, with node paths", () => {
    const r = bake("diff", "-c", "examples/minimal.yaml");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("--- /dev/null\n+++ b/etc/containerd/certs.d/docker.io/hosts.toml\n");
    expect(r.stdout).toContain('+[host."https://mirror.gcr.io"]');
    expect(r.stdout).toContain("--- a/provision.sh\n+++ b/provision.sh\n");
    expect(r.stdout).not.toContain("+++ b/etc/containerd/config.toml");
    expect(r.stderr).toMatch(/defaults -> examples\/minimal\.yaml: 2 files differ \(1 changed, 1 added, 0 removed\)/);
  });

  it("two specs; identical ones print nothing and still exit 0", () => {
    const r = bake("diff", "-c", "examples/minimal.yaml", "-c", "examples/guide.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("\n-oom_score = 0\n");
    expect(r.stdout).toContain("\n+oom_score = -999\n");
    const same = bake("diff", "-c", "examples/guide.yaml", "-c", "examples/guide.yaml");
    expect(same.status).toBe(0);
    expect(same.stdout).toBe("");
    expect(same.stderr).toContain("no difference");
  });

  it("--set changes the new side; -q silences the summary", () => {
    const r = bake("diff", "-q", "--set", "crictl.timeout=3");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("-timeout: 10\n+timeout: 3\n");
  });

  it("an invalid spec exits 1, three -c exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "bake-diff-"));
    writeFileSync(join(dir, "bad.yaml"), "containerd:\n  oomScore: lots\n");
    const bad = bake("diff", "-c", join(dir, "bad.yaml"));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("containerd.oomScore");
    expect(bake("diff", "-c", "a", "-c", "b", "-c", "c").status).toBe(2);
  });

  it("the patches apply: old + diff = new, for every file", () => {
    const a = planOf({ distro: "rocky9" });
    const b = planOf({
      distro: "rocky9",
      crictl: { install: "none" },
      containerd: { proxy: { https: "http://proxy.local:3128" }, oomScore: -999 },
    });
    const diffs = diffPlans({ label: "a", plan: a }, { label: "b", plan: b });
    expect(diffs.map((d) => [d.path, d.status])).toEqual([
      ["/etc/containerd/config.toml", "changed"],
      ["/etc/crictl.yaml", "removed"],
      ["/etc/systemd/system/containerd.service.d/20-proxy.conf", "added"],
      ["provision.sh", "changed"],
    ]);
    const script = diffs.find((d) => d.path === "provision.sh")!;
    expect(applyPatch(renderPackerScript(a), parsePatch(script.patch)[0]!)).toBe(renderPackerScript(b));
    const config = diffs[0]!;
    const old = a.files.find((f) => f.path === config.path)!.content;
    expect(applyPatch(old, config.patch)).toBe(b.files.find((f) => f.path === config.path)!.content);
  });
});

// Status to stderr, artifacts to stdout; --quiet/--verbose; colour only on a terminal, never with NO_COLOR.
describe("CLI status output and colour", () => {
  const run = (env: Record<string, string | undefined>, ...args: string[]) =>
    runCliWith(args, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } });

  it("artifacts on stdout, status on stderr (the spec used); -q leaves stderr empty, -v adds the plan and sizes", () => {
    const normal = run({}, "cloud-init");
    expect(normal.stdout.startsWith("#cloud-config\n")).toBe(true);
    expect(normal.stderr).toBe("bake: spec: built-in defaults (distro rocky9)\n");
    expect(run({}, "cloud-init", "-q").stderr).toBe("");
    const verbose = run({}, "cloud-init", "-v");
    expect(verbose.stdout).toBe(normal.stdout);
    expect(verbose.stderr).toMatch(/target rocky9\/amd64/);
    expect(verbose.stderr).toMatch(/steps: .*install-containerd/);
    expect(verbose.stderr).toMatch(/user-data: \d+ bytes \(gzip\+base64 \d+; AWS EC2 user-data limit 16384\)/);
    // The size line names the cloud asked for, and a Packer script is held to no user-data limit.
    expect(run({}, "cloud-init", "-v", "--cloud", "alibaba").stderr).toMatch(
      /user-data: \d+ bytes \(gzip\+base64 \d+; Alibaba Cloud ECS user-data limit 32768\)/,
    );
    expect(run({}, "validate", "-v", "--cloud", "huawei").stderr).toContain(
      "; Huawei Cloud ECS user-data limit 32768)",
    );
    expect(run({}, "packer", "-v").stderr).toMatch(/provision\.sh: \d+ bytes, written to stdout\n/);
    expect(run({}, "validate").stderr).toContain("is valid");
    expect(run({}, "validate", "-q").stderr).toBe("");
    expect(run({}, "validate", "-q", "-v").stderr).toBe("");
  });

  it("no escape codes when not a terminal, even for a diff", () => {
    const r = run({}, "diff", "-c", "examples/minimal.yaml");
    expect(r.stdout + r.stderr).not.toContain("\u001b[");
  });

  it("colour on a terminal, none with NO_COLOR=1", () => {
    // script(1) (from the suite's setup, scripts/suite-tools.mjs) gives the CLI a pseudo-terminal; the terminal type is set here, since
    // CI or a fresh root may run the tests with TERM=dumb (which turns colour off).
    const onTty = (env: Record<string, string | undefined>) =>
      spawnSync("script", ["-qec", `${process.execPath} dist/cli.js diff -c examples/minimal.yaml`, "/dev/null"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: "xterm-256color", ...env },
      }).stdout;
    expect(onTty({})).toContain("\u001b[32m+");
    expect(onTty({ NO_COLOR: "1" })).not.toContain("\u001b[");
  });
});
