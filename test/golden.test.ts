// Golden files: any change to what a node gets shows up in review as a diff.
// After an intended change: UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCliAsync } from "./helpers.js";

const GOLDEN = join(ROOT, "test/golden");
const cases: [string, string[]][] = [
  ["defaults", []],
  ["guide", ["-c", "examples/guide.yaml"]],
  ["minimal", ["-c", "examples/minimal.yaml"]],
  ["rocky9-worker", ["-c", "examples/rocky9-worker.yaml"]],
  ["rocky9-control-plane", ["-c", "examples/rocky9-control-plane.yaml"]],
  // one per distro family and release line beside rocky9: EL8's cgroup v2 reboot, EL10's
  // kernel-modules-extra, Debian's and Ubuntu's apt paths
  ...["rocky8", "rocky10", "alinux3", "anolis8", "debian13", "debian14", "ubuntu2204", "ubuntu2404", "ubuntu2604"].map(
    (distro): [string, string[]] => [`${distro}-defaults`, ["--defaults", "--set", `distro=${distro}`]],
  ),
];

describe("golden output", () => {
  it.each(cases)("%s: cloud-init and packer output match test/golden", async (name, args) => {
    for (const [command, ext] of [
      ["cloud-init", "user-data"],
      ["packer", "provision.sh"],
    ] as const) {
      const r = await runCliAsync([command, "-q", ...args]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const file = join(GOLDEN, `${name}.${ext}`);
      if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
        if (process.env.CI) throw new Error(`golden file ${file} is missing; run UPDATE_GOLDEN=1 locally`);
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, r.stdout);
      }
      expect(r.stdout).toBe(readFileSync(file, "utf8"));
    }
  });
});
