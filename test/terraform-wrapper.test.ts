// examples/terraform/bake-user-data.sh is what `terraform apply` runs through
// data "external". When bake fails it must fail too: an exit 0 with empty
// user-data would launch nodes that never become nodes.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CLI, ROOT, runCli, tempDir } from "./helpers.js";

const WRAPPER = join(ROOT, "examples/terraform/bake-user-data.sh");
const BAKE = `${process.execPath} ${CLI}`;

function wrapper(query: unknown, bake = BAKE) {
  const r = spawnSync("sh", [WRAPPER], {
    input: JSON.stringify(query),
    encoding: "utf8",
    env: { ...process.env, BAKE: bake, NO_COLOR: "1" },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("the Terraform external-data wrapper", () => {
  it("answers {user_data} with exactly what bake cloud-init prints, when it fits EC2 as text", () => {
    const spec = join(ROOT, "examples/minimal.yaml");
    const r = wrapper({ spec });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      user_data: runCli(["cloud-init", "-q", "-c", spec]).stdout,
      user_data_base64: "",
    });
  });

  // examples/rocky9-worker.yaml is over EC2's 16384 bytes as text (kubernetes on).
  const worker = join(ROOT, "examples/rocky9-worker.yaml");

  it("compresses what is over the cloud's limit (gzip auto, the default): user_data_base64 decodes to bake's document and fits", () => {
    const text = runCli(["cloud-init", "-q", "-c", worker]).stdout;
    expect(Buffer.byteLength(text)).toBeGreaterThan(16384);
    const r = wrapper({ spec: worker });
    expect(r.status, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout) as { user_data: string; user_data_base64: string };
    expect(answer.user_data).toBe("");
    const gzipped = Buffer.from(answer.user_data_base64, "base64");
    expect(gzipped.length).toBeLessThanOrEqual(16384);
    expect(gunzipSync(gzipped).toString("utf8")).toBe(text);
  });

  it("with gzip false, fails on what is over the limit, naming --gzip, and prints no JSON", () => {
    const r = wrapper({ spec: worker, gzip: "false" });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/over the 16384-byte limit of AWS EC2; use --gzip/);
  });

  it("checks the cloud named in the query: Tencent gets a #cloud-config with gz+b64 files, under its limit", () => {
    const r = wrapper({ spec: join(ROOT, "examples/guide.yaml"), cloud: "tencent" });
    expect(r.status, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout) as { user_data: string; user_data_base64: string };
    expect(answer.user_data_base64).toBe("");
    expect(answer.user_data.startsWith("#cloud-config\n")).toBe(true);
    expect(answer.user_data).toContain('encoding: "gz+b64"');
    expect(Buffer.from(answer.user_data).toString("base64").length).toBeLessThanOrEqual(16384);
  });

  it("gzip true compresses what would fit anyway; any other value is refused", () => {
    const spec = join(ROOT, "examples/guide.yaml");
    const r = wrapper({ spec, gzip: "true" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ user_data: "" });
    const bad = wrapper({ spec, gzip: "yes" });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toBe("");
  });

  it("fails with bake's error, and prints no JSON, when the spec is invalid", () => {
    const spec = join(tempDir(), "bad.yaml");
    writeFileSync(spec, "containerd:\n  oomScore: 5000\n");
    const r = wrapper({ spec });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("containerd.oomScore");
  });

  it("fails when bake cannot run at all (not installed, or an npm 404 behind npx)", () => {
    const r = wrapper({ spec: join(ROOT, "examples/guide.yaml") }, "/nonexistent/bake");
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
  });

  it("fails when bake exits 0 but wrote no #cloud-config", () => {
    const r = wrapper({ spec: join(ROOT, "examples/guide.yaml") }, "true");
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no #cloud-config");
  });

  it("fails when the query names no spec", () => {
    const r = wrapper({});
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
  });

  it("main.tf sends the wrapper's answer as it comes, and refuses a node whose user-data is not bake's or is over EC2's limit", () => {
    const tf = readFileSync(join(ROOT, "examples/terraform/main.tf"), "utf8");
    expect(tf).toContain('program = ["sh", "${path.module}/bake-user-data.sh"]');
    expect(tf).toMatch(/query = \{\s+spec\s+= var\.spec\s+cloud = "aws"\s+gzip\s+= var\.gzip_user_data\s+\}/);
    expect(tf).toMatch(/variable "gzip_user_data" \{[^}]*default\s+= "auto"/);
    expect(tf).toMatch(/user_data\s+= local\.user_data != "" \? local\.user_data : null/);
    expect(tf).toMatch(/user_data_base64 = local\.user_data_base64 != "" \? local\.user_data_base64 : null/);
    expect(tf).toMatch(/precondition \{\s+condition\s+= local\.user_data_bytes <= 16384/);
    expect(tf.replace(/#.*$/gm, "")).not.toContain("templatefile(");
  });

  it("the docs warn against templatefile(), which cannot take bake's output: it holds ${...}", () => {
    expect(runCli(["cloud-init", "-q", "--defaults"]).stdout).toMatch(/\$\{[^}]+\}/);
    const guide = readFileSync(join(ROOT, "docs/guide.md"), "utf8");
    expect(guide).toContain("**Never pass bake's output through `templatefile()`.**");
    for (const tf of ["main.tf", "cloudinit-config/main.tf"])
      expect(readFileSync(join(ROOT, "examples/terraform", tf), "utf8"), tf).toMatch(/never templatefile\(\)/i);
  });

  it("passes shellcheck", () => {
    const r = spawnSync("shellcheck", ["--severity=style", WRAPPER], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

// examples/terraform/cloudinit-config: bake's output as one part of Terraform's
// cloudinit_config. Its parts must say what bake's own --mime says.
describe("the Terraform cloudinit_config example", () => {
  const DIR = "examples/terraform/cloudinit-config";
  const tf = readFileSync(join(ROOT, DIR, "main.tf"), "utf8");
  const parts = [...tf.matchAll(/\n {2}part \{\n([\s\S]*?)\n {2}\}/g)].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/^\s+(\w+)\s+= (.*)$/gm)].map((a) => [a[1]!, a[2]!])),
  );
  const mime = runCli([
    "cloud-init",
    "--defaults",
    "--merge",
    `${DIR}/users.yaml`,
    "--merge",
    `${DIR}/setup.sh`,
    "--mime",
  ]);

  it("bake accepts the example's own files, as --merge parts", () => {
    // Over EC2's 16,384 bytes as text, bake says so; cloudinit_config gzips it (gzip = true).
    expect(mime.stderr).toMatch(
      /^bake: spec: built-in defaults \(distro rocky9\)\n(bake: warning: user-data is \d+ bytes, over AWS's 16384-byte limit; [^\n]*\n)?$/,
    );
    expect(mime.status).toBe(0);
  });

  it("puts bake's part first, as bake's output read from the file", () => {
    expect(parts[0]).toMatchObject({ content_type: '"text/cloud-config"', content: "file(var.bake_user_data_file)" });
    expect(parts[0]!.merge_type).toBeUndefined();
  });

  it("gives the user's cloud-config the merge_type bake's --mime writes, so bake's runcmd and write_files stay", () => {
    const bakes = /^Merge-Type: (.*)$/m.exec(mime.stdout)![1]!;
    expect(parts[1]).toMatchObject({ content_type: '"text/cloud-config"', merge_type: JSON.stringify(bakes) });
  });

  it("names the script part so that cloud-init runs it after runcmd's script (bake's provisioner)", () => {
    expect(parts[2]!.content_type).toBe('"text/x-shellscript"');
    expect(JSON.parse(parts[2]!.filename!) > "runcmd").toBe(true);
  });
});
