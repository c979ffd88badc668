// The qemu Packer example (examples/packer/rocky9-qemu.pkr.hcl) as the VM suite replays it: its seed
// user-data (the build user and its sudo rule) for the boot, and guest/packer-example.sh's files,
// each string read from the template.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO } from "./bake.js";
import { parsePackerTemplate, renderTemplateFile, type PackerBuild } from "./packer-hcl.js";

export const PACKER_EXAMPLE_DIR = join(REPO, "examples", "packer");
const TEMPLATE = "rocky9-qemu.pkr.hcl";
// Packer's inline_shebang default (developer.hashicorp.com/packer/docs/provisioners/shell, read 2026-12-06)
const INLINE_SHEBANG = "/bin/sh -e";
// {{ .Vars }}: Packer's variables as KEY='value' pairs; the build name is the harness's choice
const PACKER_VARS = "PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='rocky9'";

export interface PackerExample {
  build: PackerBuild;
  /** the seed's user-data as templatefile() renders it with the default ssh_password */
  userData: Buffer;
  params: Record<string, string>;
  files: Record<string, string | Buffer>;
}

/** `script`: the bytes of the script provisioner's file (bake packer's output, out/provision.sh) */
export async function qemuExample(script: Buffer): Promise<PackerExample> {
  const build = parsePackerTemplate(await readFile(join(PACKER_EXAMPLE_DIR, TEMPLATE), "utf8"), "qemu");
  const password = build.variables.get("ssh_password");
  if (typeof password !== "string") throw new Error("ssh_password has no default");
  const seed = await readFile(join(PACKER_EXAMPLE_DIR, "seed", "user-data.pkrtpl"), "utf8");
  const userData = Buffer.from(renderTemplateFile(seed, { ssh_password_json: JSON.stringify(password) }));
  const files: Record<string, string | Buffer> = {};
  build.provisioners.forEach((p, i) => {
    const n = i + 1;
    files[`example-${n}.upload`] = p.inline ? `#!${INLINE_SHEBANG}\n${p.inline.map((l) => `${l}\n`).join("")}` : script;
    files[`example-${n}.exec`] = p.executeCommand
      .replace(/\{\{\s*\.Vars\s*\}\}/g, PACKER_VARS)
      .replace(/\{\{\s*\.Path\s*\}\}/g, "@PATH@");
    files[`example-${n}.folder`] = p.remoteFolder;
    files[`example-${n}.codes`] = p.validExitCodes.join(" ");
    files[`example-${n}.disconnect`] = String(p.expectDisconnect);
  });
  if (!build.shutdownCommand) throw new Error(`${TEMPLATE} has no shutdown_command`);
  files["example-shutdown.cmd"] = build.shutdownCommand;
  return {
    build,
    userData,
    params: { EXAMPLE_STEPS: String(build.provisioners.length), EXAMPLE_USER: build.sshUsername },
    files,
  };
}
