// examples/terraform checked with a terraform binary (`npm run test:terraform`): fmt -check
// on both main.tf, and their size locals evaluated by `terraform console`, which needs no
// provider, over bake's real outputs. Not part of .ci/run: terraform is not a Debian or npm
// package, so CI cannot install it; this suite fails, never skips, when it is missing.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers.js";

const TF = join(ROOT, "examples/terraform");
const CLOUDINIT_TF = readFileSync(join(TF, "cloudinit-config/main.tf"), "utf8");
const MAIN_TF = readFileSync(join(TF, "main.tf"), "utf8");
const GUIDE = join(ROOT, "examples/guide.yaml");
const WORKER = join(ROOT, "examples/rocky9-worker.yaml");

const bake = (...args: string[]) => {
  const r = runCli(["cloud-init", "-q", ...args]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

const version = spawnSync("terraform", ["version"], { encoding: "utf8" });
if (version.status !== 0)
  throw new Error("this suite needs terraform on PATH (not installable in CI; see docs/testing.md)");

/** Evaluate one expression with `terraform console` in a folder holding `tf` (no provider: no init). */
function terraformEval(tf: string, expression: string, tfvars: Record<string, unknown>): unknown {
  const dir = mkdtempSync(join(tmpdir(), "bake-tfc-"));
  writeFileSync(join(dir, "main.tf"), tf);
  writeFileSync(join(dir, "test.tfvars.json"), JSON.stringify(tfvars));
  const r = spawnSync("terraform", ["console", "-var-file=test.tfvars.json"], {
    cwd: dir,
    input: `jsonencode(${expression})\n`,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(JSON.parse(r.stdout.trim()) as string);
}

/** main.tf's locals, with the external data source's answer as a variable. */
const mainLocals = () =>
  [
    'variable "user_data_file" {\n  type    = string\n  default = ""\n}',
    'variable "bake_result" {\n  type    = map(string)\n  default = {}\n}',
    /\nlocals \{\n[\s\S]*?\n\}\n/.exec(MAIN_TF)![0].replace(/data\.external\.bake\[0\]\.result/g, "var.bake_result"),
  ].join("\n");

describe("with terraform on PATH (no providers, offline)", () => {
  let work = "";
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "bake-tf-"));
  });

  it("terraform fmt -check accepts both main.tf", () => {
    for (const tf of ["main.tf", "cloudinit-config/main.tf"]) {
      const copy = join(work, `${tf.replace(/\W/g, "-")}.tf`);
      copyFileSync(join(TF, tf), copy);
      const r = spawnSync("terraform", ["fmt", "-check", "-diff", copy], { encoding: "utf8" });
      expect(r.status, `${tf}\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it("main.tf sends a plain file as user_data, a --gzip file as user_data_base64, and counts bytes as EC2 does", () => {
    const expression = "{ text = local.user_data, b64 = local.user_data_base64, bytes = local.user_data_bytes }";
    const plainFile = join(work, "user-data.yaml");
    writeFileSync(plainFile, bake("-c", GUIDE, "--cloud", "aws"));
    expect(terraformEval(mainLocals(), expression, { user_data_file: plainFile })).toEqual({
      text: readFileSync(plainFile, "utf8"),
      b64: "",
      bytes: readFileSync(plainFile).length,
    });
    const gzipFile = join(work, "user-data.b64");
    writeFileSync(gzipFile, bake("-c", WORKER, "--cloud", "aws", "--gzip"));
    const b64 = readFileSync(gzipFile, "utf8").trim();
    expect(terraformEval(mainLocals(), expression, { user_data_file: gzipFile })).toEqual({
      text: "",
      b64,
      bytes: Buffer.from(b64, "base64").length,
    });
    // Rendered without --cloud, the worker is over EC2's limit: the precondition's count says so.
    const overFile = join(work, "over.yaml");
    writeFileSync(overFile, bake("-c", WORKER));
    const over = terraformEval(mainLocals(), "local.user_data_bytes", { user_data_file: overFile });
    expect(over).toBe(readFileSync(overFile).length);
    expect(over).toBeGreaterThan(16384);
    expect(MAIN_TF).toMatch(/condition\s+= local\.user_data_bytes <= 16384/);
  });

  it("main.tf takes the wrapper's answer as it is (option B)", () => {
    const answer = { user_data: "", user_data_base64: bake("-c", WORKER, "--cloud", "aws", "--gzip").trim() };
    expect(
      terraformEval(mainLocals(), "[local.user_data, local.user_data_base64, local.user_data_bytes]", {
        bake_result: answer,
      }),
    ).toEqual(["", answer.user_data_base64, Buffer.from(answer.user_data_base64, "base64").length]);
  });

  it("the cloudinit_config precondition counts the decoded bytes of rendered", () => {
    const local = /\n {2}rendered_bytes = (.*)\n/
      .exec(CLOUDINIT_TF)![1]!
      .replace(/data\.cloudinit_config\.node\.rendered/g, "var.rendered");
    const tf = `variable "rendered" {\n  type = string\n}\nlocals {\n  rendered_bytes = ${local}\n}\n`;
    for (const size of [16383, 16384, 16385]) {
      const rendered = Buffer.alloc(size, 7).toString("base64");
      expect(terraformEval(tf, "local.rendered_bytes", { rendered })).toBe(size);
    }
    expect(CLOUDINIT_TF).toMatch(/condition\s+= local\.rendered_bytes <= 16384/);
  });
});
