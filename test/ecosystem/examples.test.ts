// The Packer and Terraform examples, checked with what runs here: Debian's packer
// 1.6.6 (scripts/test-setup.mjs installs it) runs
// `packer fmt -check` on every HCL file and `packer validate` on both templates.
// Packer 1.6.6 predates `packer { required_plugins }`, templatefile() and
// cd_content, so for validation that block is dropped and the qemu seed is
// rendered here as templatefile() would and handed over as cd_files (a stand-in
// for the newer Packer the template needs); Terraform is not packaged by Debian and its providers cannot be fetched offline:
// main.tf is parsed here (packer fmt shares Terraform's HCL2 parser and writer); terraform.test.ts runs terraform where it is on PATH.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "dist/cli.js");
const PACKER_DIR = join(ROOT, "examples/packer");
const TEMPLATES = readdirSync(PACKER_DIR).filter((f) => f.endsWith(".pkr.hcl"));

/** Packer 1.6.6 cannot read the packer { required_plugins } block that Packer >= 1.7 needs. */
const withoutPackerBlock = (text: string) => text.replace(/\npacker \{\n[\s\S]*?\n\}\n/, "\n");

/** What templatefile() makes of seed/user-data.pkrtpl: ${name} replaced by its value. */
const renderSeed = (vars: Record<string, string>) =>
  readFileSync(join(PACKER_DIR, "seed/user-data.pkrtpl"), "utf8").replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`the seed template uses \${${name}}, which the test does not set`);
    return vars[name]!;
  });

/** For Packer 1.6.6: the qemu seed's cd_content as cd_files of files rendered in `dir`. */
function withSeedFiles(text: string, dir: string): string {
  writeFileSync(join(dir, "user-data"), renderSeed({ ssh_password_json: JSON.stringify("packer-build-only") }));
  return text.replace(
    /\n {2}cd_content = \{\n[\s\S]*?\n {2}\}\n/,
    `\n  cd_files = ["${join(dir, "user-data")}", "seed/meta-data"]\n`,
  );
}

/** The provisioner that runs bake's script, as a user pastes it: with the script path written out. */
const bakeBlock = (text: string) => {
  const match =
    /\n( {2}# bake: the one block[\s\S]*?\n {2}provisioner "shell" \{\n {4}script {10}= var\.provision_script\n[\s\S]*?\n {2}\}\n)/.exec(
      text,
    );
  return match?.[1]?.replace("var.provision_script", '"out/provision.sh"');
};

describe("examples/packer and examples/terraform", () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "bake-packer-"));
    mkdirSync(join(work, "out"));
    mkdirSync(join(work, "seed"));
    for (const f of readdirSync(join(PACKER_DIR, "seed")))
      copyFileSync(join(PACKER_DIR, "seed", f), join(work, "seed", f));
    execFileSync(process.execPath, [
      CLI,
      "cloud-init",
      "-q",
      "-c",
      join(ROOT, "examples/guide.yaml"),
      "-o",
      join(work, "out/user-data"),
    ]);
    execFileSync(process.execPath, [
      CLI,
      "packer",
      "-q",
      "-c",
      join(ROOT, "examples/guide.yaml"),
      "-o",
      join(work, "out/provision.sh"),
    ]);
    const extras = [
      "--merge",
      join(ROOT, "examples/terraform/cloudinit-config/users.yaml"),
      "--merge",
      join(ROOT, "examples/terraform/cloudinit-config/setup.sh"),
      "--mime",
    ];
    execFileSync(process.execPath, [
      CLI,
      "cloud-init",
      "-q",
      "-c",
      join(ROOT, "examples/guide.yaml"),
      ...extras,
      "-o",
      join(work, "out/user-data-mime"),
    ]);
    mkdirSync(join(work, "seed-rendered"));
  }, 240_000);

  it("there are a qemu and an amazon-ebs template", () => {
    expect(TEMPLATES.sort()).toEqual(["rocky9-amazon-ebs.pkr.hcl", "rocky9-qemu.pkr.hcl"]);
  });

  it("the qemu template: shell provisioner with bake's script, sudo bash, remote_folder not /tmp, NoCloud cd_content seed, wait first and clean last", () => {
    const text = readFileSync(join(PACKER_DIR, "rocky9-qemu.pkr.hcl"), "utf8");
    expect(text).toMatch(/source "qemu"/);
    expect(text).toMatch(/execute_command\s+= ".*sudo -S env \{\{ \.Vars \}\} bash '\{\{ \.Path \}\}'"/);
    expect(text).toMatch(/remote_folder\s+= "\/var\/tmp"/);
    expect(text).not.toMatch(/remote_folder\s+= "\/tmp"/);
    expect(text).toContain(
      '"user-data" = templatefile("${path.root}/seed/user-data.pkrtpl", { ssh_password_json = jsonencode(var.ssh_password) })',
    );
    expect(text).toMatch(/cd_label\s+= "cidata"/);
    const provisioners = [...text.matchAll(/provisioner "shell" \{([\s\S]*?)\n {2}\}/g)].map((m) => m[1]!);
    expect(provisioners[0]).toContain("cloud-init status --wait");
    expect(provisioners[provisioners.length - 1]).toContain("cloud-init clean");
  });

  it("the build password comes from var.ssh_password, whatever it holds; no seed file hard-codes one", () => {
    for (const password of ["packer-build-only", `p: #'"\\ {x} - [y]`, "ünïcode ${not_a_var}"]) {
      const seed = renderSeed({ ssh_password_json: JSON.stringify(password) });
      expect(seed.startsWith("#cloud-config\n")).toBe(true);
      const packerUser = (
        parse(seed) as { users: (string | { name: string; plain_text_passwd: string })[] }
      ).users.find((u) => typeof u === "object" && u.name === "packer");
      expect(packerUser, seed).toMatchObject({ plain_text_passwd: password });
    }
    for (const f of readdirSync(join(PACKER_DIR, "seed")))
      expect(readFileSync(join(PACKER_DIR, "seed", f), "utf8")).not.toContain("packer-build-only");
    expect(parse(readFileSync(join(PACKER_DIR, "seed/meta-data"), "utf8"))).toHaveProperty("instance-id");
  });

  it("each template runs bake once, with the block docs/guide.md tells users to paste", () => {
    const guide = readFileSync(join(ROOT, "docs/guide.md"), "utf8");
    const pasted = /```hcl\n([\s\S]*?)```/.exec(guide.slice(guide.indexOf("## With Packer")))?.[1];
    for (const template of TEMPLATES) {
      const text = readFileSync(join(PACKER_DIR, template), "utf8");
      expect(text.match(/var\.provision_script/g), template).toHaveLength(1);
      // amazon-ebs may also hand bake's user-data to the build instance: only when user_data_file is given
      const byDefault = text
        .replace(/^#.*\n/gm, "")
        .replace(/variable "user_data_file" \{\n[\s\S]*?default\s+= null\n\}\n/, "")
        .replace(/\n\s*user_data_file\s+= var\.user_data_file/, "");
      expect(byDefault, template).not.toMatch(/user_data|bake cloud-init/);
      expect(bakeBlock(text), template).toBe(pasted);
    }
  });

  it("packer fmt -check accepts every HCL file (main.tf too: same HCL2 syntax)", () => {
    const files = [...TEMPLATES.map((t) => join(PACKER_DIR, t))];
    const tfCopies = ["main.tf", "cloudinit-config/main.tf"].map((tf) => {
      const copy = join(work, `${tf.replace(/\W/g, "-")}.pkr.hcl`);
      copyFileSync(join(ROOT, "examples/terraform", tf), copy);
      return copy;
    });
    for (const file of [...files, ...tfCopies]) {
      const r = spawnSync("packer", ["fmt", "-check", "-diff", file], { encoding: "utf8" });
      expect(r.status, `${file}\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  for (const template of ["rocky9-qemu.pkr.hcl", "rocky9-amazon-ebs.pkr.hcl"]) {
    it(`packer validate ${template} with bake's outputs (offline)`, () => {
      const file = join(work, template);
      const text = withoutPackerBlock(readFileSync(join(PACKER_DIR, template), "utf8"));
      writeFileSync(file, template.includes("qemu") ? withSeedFiles(text, join(work, "seed-rendered")) : text);
      // A fixed checksum keeps validate from fetching Rocky's CHECKSUM file.
      const offline = template.includes("qemu") ? ["-var", `image_checksum=sha256:${"a".repeat(64)}`] : [];
      const ok = spawnSync("packer", ["validate", ...offline, template], {
        cwd: work,
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      });
      expect(ok.status, ok.stdout + ok.stderr).toBe(0);
      // It really looks at bake's files: a missing script fails.
      const bad = spawnSync("packer", ["validate", ...offline, "-var", "provision_script=out/missing.sh", template], {
        cwd: work,
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      });
      expect(bad.status).not.toBe(0);
      expect(bad.stdout + bad.stderr).toContain("missing.sh");
      if (template.includes("amazon-ebs")) {
        // bake's MIME user-data for the build instance: validate reads the file
        const withUserData = spawnSync("packer", ["validate", "-var", "user_data_file=out/user-data-mime", template], {
          cwd: work,
          encoding: "utf8",
          env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        });
        expect(withUserData.status, withUserData.stdout + withUserData.stderr).toBe(0);
        const missing = spawnSync("packer", ["validate", "-var", "user_data_file=out/missing-user-data", template], {
          cwd: work,
          encoding: "utf8",
          env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        });
        expect(missing.status).not.toBe(0);
      }
    });
  }
});
