// The VM suite's reading of the Packer examples (test/vm/lib/packer-hcl.ts), offline: what it
// replays from each template, and the order of the qemu build's privileged commands, which
// the trixie-packer boot then runs for real.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePackerTemplate, renderTemplateFile } from "./vm/lib/packer-hcl.js";
import { PACKER_EXAMPLE_DIR } from "./vm/lib/packer-example.js";

const read = (name: string) => readFileSync(join(PACKER_EXAMPLE_DIR, name), "utf8");
const SUDO_RULE = "/etc/sudoers.d/90-cloud-init-users";

describe("Packer examples as the VM suite reads them", () => {
  const qemu = parsePackerTemplate(read("rocky9-qemu.pkr.hcl"), "qemu");

  it("qemu: three shell provisioners in order, bake's with the documented execute_command", () => {
    expect(qemu.sshUsername).toBe("packer");
    expect(qemu.provisioners.map((p) => (p.inline ? "inline" : p.script))).toEqual([
      "inline",
      "out/provision.sh",
      "inline",
    ]);
    expect(qemu.provisioners[1]!.executeCommand).toBe(
      "chmod 0700 '{{ .Path }}'; sudo -S env {{ .Vars }} bash '{{ .Path }}'",
    );
    for (const p of qemu.provisioners) expect(p.validExitCodes).toEqual([0]);
  });

  it("qemu: no command runs sudo after the build user's sudo rule is removed", () => {
    // the build user is in no sudo/wheel group: the seed's rule is its only sudo right
    const commands = [...qemu.provisioners.flatMap((p) => p.inline ?? []), qemu.shutdownCommand ?? ""];
    const removedAt = commands.findIndex((c) => c.includes(`rm -f ${SUDO_RULE}`));
    expect(removedAt, "the build leaves the build user's sudo rule in the image").toBeGreaterThanOrEqual(0);
    expect(commands.slice(removedAt + 1).filter((c) => /^\s*sudo\b/.test(c))).toEqual([]);
    expect(commands.at(-1)).toMatch(/poweroff/);
  });

  it("qemu: the seed renders with the template's default password, as JSON", () => {
    const seed = renderTemplateFile(read("seed/user-data.pkrtpl"), {
      ssh_password_json: JSON.stringify(qemu.variables.get("ssh_password")),
    });
    expect(seed).toMatch(/^ {4}plain_text_passwd: "packer-build-only"$/m);
    expect(seed).toMatch(/^ {4}sudo: "ALL=\(ALL\) NOPASSWD:ALL"$/m);
  });

  it("amazon-ebs: the same three provisioners, every inline one in /var/tmp (a noexec /tmp cannot run it)", () => {
    const ebs = parsePackerTemplate(read("rocky9-amazon-ebs.pkr.hcl"), "amazon-ebs");
    expect(ebs.sshUsername).toBe("rocky");
    expect(ebs.shutdownCommand).toBeUndefined();
    expect(ebs.provisioners[1]!.executeCommand).toBe(qemu.provisioners[1]!.executeCommand);
    for (const p of [...ebs.provisioners, ...qemu.provisioners]) expect(p.remoteFolder).toBe("/var/tmp");
  });

  it("refuses what it cannot read rather than guess", () => {
    expect(() => parsePackerTemplate('source "qemu" "x" { a = "b" + "c" }', "qemu")).toThrow();
    expect(() => renderTemplateFile("%{ if x }y%{ endif }", {})).toThrow(/directives/);
  });
});
