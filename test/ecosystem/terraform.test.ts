// examples/terraform, checked with what runs offline: no provider can be downloaded here,
// so `terraform init/validate/plan` never run. What does:
// - the cloudinit_config example's parts, rendered as hashicorp/cloudinit renders them (a
//   stand-in written from its source, internal/provider/cloudinit_config.go: Go's
//   mime/multipart, boundary MIMEBOUNDARY, gzip then base64), read by cloud-init's own
//   user-data processor and cloud-config merger in the trixie root;
// With a terraform binary, test/terraform/ checks more (`npm run test:terraform`, not in CI).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT, runCli } from "../helpers.js";
import { inRootfs, splitAndMerge, trixieRootfs } from "../support/trixie-rootfs.js";

const TF = join(ROOT, "examples/terraform");
const CLOUDINIT_TF = readFileSync(join(TF, "cloudinit-config/main.tf"), "utf8");
const GUIDE = join(ROOT, "examples/guide.yaml");

const bake = (...args: string[]) => {
  const r = runCli(["cloud-init", "-q", ...args]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

/** The part blocks of cloudinit-config/main.tf: attribute -> HCL expression. */
const parts = [...CLOUDINIT_TF.matchAll(/\n {2}part \{\n([\s\S]*?)\n {2}\}/g)].map((m) =>
  Object.fromEntries([...m[1]!.matchAll(/^\s+(\w+)\s+= (.*)$/gm)].map((a) => [a[1]!, a[2]!])),
);

/** A part's content: file(var.X), with X's default or the value given. */
function partContent(expression: string, vars: Record<string, string>): string {
  const name = /^file\(var\.(\w+)\)$/.exec(expression)?.[1];
  if (!name) throw new Error(`the test reads only file(var.X) contents, not ${expression}`);
  const fallback = new RegExp(`variable "${name}" \\{[^}]*default\\s+= "([^"]*)"`).exec(CLOUDINIT_TF)?.[1];
  const path = vars[name] ?? (fallback && join(TF, "cloudinit-config", fallback));
  if (!path) throw new Error(`var.${name} has no default and the test gives none`);
  return readFileSync(path, "utf8");
}

/** Stand-in for hashicorp/cloudinit's renderCloudinitConfig (gzip and base64_encode true). */
function renderLikeTerraform(vars: Record<string, string>): string {
  const boundary = "MIMEBOUNDARY";
  let mime = `Content-Type: multipart/mixed; boundary="${boundary}"\nMIME-Version: 1.0\r\n\r\n`;
  parts.forEach((part, index) => {
    const header: Record<string, string> = {
      "Content-Type": JSON.parse(part.content_type!) as string,
      "Mime-Version": "1.0",
      "Content-Transfer-Encoding": "7bit",
    };
    if (part.filename) header["Content-Disposition"] = `attachment; filename="${JSON.parse(part.filename) as string}"`;
    if (part.merge_type) header["X-Merge-Type"] = JSON.parse(part.merge_type) as string;
    // Go's multipart writer: the first boundary without a leading CRLF, headers sorted by name.
    mime += `${index === 0 ? "" : "\r\n"}--${boundary}\r\n`;
    for (const name of Object.keys(header).sort()) mime += `${name}: ${header[name]}\r\n`;
    mime += `\r\n${partContent(part.content!, vars)}`;
  });
  mime += `\r\n--${boundary}--\r\n`;
  return gzipSync(Buffer.from(mime)).toString("base64");
}

describe("the cloudinit_config example, as cloud-init reads it", () => {
  let rootfs = "";
  let work = "";
  beforeAll(() => {
    rootfs = trixieRootfs();
    work = mkdtempSync(join(tmpdir(), "bake-tf-"));
  }, 900_000);

  it("gzip and base64 on the whole, bake's part first", () => {
    expect(CLOUDINIT_TF).toMatch(/gzip\s+= true\n\s+base64_encode = true/);
    expect(parts.map((p) => p.content)).toEqual([
      "file(var.bake_user_data_file)",
      "file(var.users_file)",
      "file(var.script_file)",
    ]);
  });

  it("cloud-init splits the parts, keeps bake's runcmd and write_files with the user's, and sees the script by its name", () => {
    const bakeFile = join(work, "bake-user-data.yaml");
    const bakeText = bake("-c", GUIDE);
    writeFileSync(bakeFile, bakeText);
    const rendered = renderLikeTerraform({ bake_user_data_file: bakeFile });
    const r = inRootfs(rootfs, ["python3", "-c", splitAndMerge("base64")], rendered);
    expect(r.status, r.output).toBe(0);
    const { parts: seen, config } = JSON.parse(r.output) as {
      parts: [string, string][];
      config: { runcmd: unknown[]; write_files: { path: string }[]; users: unknown[] };
    };
    expect(seen).toEqual([
      ["text/cloud-config", "bake.cfg"],
      ["text/cloud-config", "users.cfg"],
      ["text/x-shellscript", "user-01-setup.sh"],
    ]);
    const bakes = parse(bakeText, { version: "1.1" }) as { runcmd: unknown[]; write_files: { path: string }[] };
    const users = parse(readFileSync(join(TF, "cloudinit-config/users.yaml"), "utf8")) as { runcmd: unknown[] };
    expect(config.runcmd).toEqual([...bakes.runcmd, ...users.runcmd]);
    expect(config.write_files.map((f) => f.path)).toEqual(bakes.write_files.map((f) => f.path));
    expect(config.users).toHaveLength(2);
  });
});
