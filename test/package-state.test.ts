// Debian's bake_pkg_in_place asks dpkg-query once for all of a step's packages
// and decides from its lines; bake_pkg_absent, verify's test that the removed
// packages are gone, does the same. Run here against this host's real dpkg database
// (a Debian host, as CI's): bash and coreutils are installed, the bake-absent-*
// names are not.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderPackerScript } from "../src/index.js";
import { planFor } from "./helpers.js";

const script = renderPackerScript(planFor({ distro: "debian13" }));
const lines = script.split("\n");
const start = lines.indexOf("bake_pkg_in_place() {");
const inPlace = lines.slice(start, lines.indexOf("}", start) + 1).join("\n");
const bashVersion = spawnSync("dpkg-query", ["-W", "-f=${Version}", "bash"], { encoding: "utf8" }).stdout;

function inPlaceExit(...args: string[]): number | null {
  const r = spawnSync("bash", ["-c", `set -Eeuo pipefail\n${inPlace}\nbake_pkg_in_place "$@"`, "bash", ...args], {
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  return r.status;
}

describe("bake_pkg_in_place on Debian, with the real dpkg-query", () => {
  it("is one function of the script", () => expect(start).toBeGreaterThan(0));

  it.each([
    ["installed packages", ["bash", "coreutils"], 0],
    ["an installed package at the version asked for, as a glob", [`bash=${bashVersion.split(".")[0]}.*`], 0],
    ["options, which apt-get takes beside the packages", ["--allow-change-held-packages", "bash"], 0],
    ["a removal (name-) of a package that is not installed", ["bash", "bake-absent-a-"], 0],
    ["an installed package at another version", ["bash=0.1.*"], 1],
    ["a package that is not installed, beside installed ones", ["bash", "bake-absent-b", "coreutils"], 1],
    ["a removal of an installed package", ["coreutils", "bash-"], 1],
    ["a name that is only the start of another asked for and installed", ["bash", "bas"], 1],
  ])("%s: exit %s", (_, args, exit) => {
    expect(inPlaceExit(...args)).toBe(exit);
  });
});

// verify's "packages ... are not installed": one dpkg-query for all of them, its lines shown when one is.
const absent = lines.find((l) => l.startsWith("bake_pkg_absent() {"))!;

function absentRun(...args: string[]) {
  return spawnSync("bash", ["-c", `set -Eeuo pipefail\n${absent}\nbake_pkg_absent "$@"`, "bash", ...args], {
    encoding: "utf8",
  });
}

describe("bake_pkg_absent on Debian, with the real dpkg-query", () => {
  it("passes, silent, when none of the packages is installed", () => {
    const r = absentRun("bake-absent-a", "bake-absent-b");
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "", ""]);
  });

  it("fails naming an installed one, whatever its place among the names", () => {
    for (const names of [
      ["bash", "bake-absent-a"],
      ["bake-absent-a", "bash"],
    ]) {
      const r = absentRun(...names);
      expect(r.status).toBe(1);
      expect(r.stdout.split("\n")).toContain("installed bash");
    }
  });

  it("does not take a name for an installed package whose name it begins", () => {
    expect(absentRun("bas").status).toBe(0);
  });
});

// EL's: rpm -q exits with the count of the names it did not find (the EL contract test runs it on a
// provisioned root, and the sandbox test with a package still installed).
const elAbsent = renderPackerScript(planFor({ distro: "rocky9" }))
  .split("\n")
  .find((l) => l.startsWith("bake_pkg_absent() {"))!;

describe("bake_pkg_absent on EL, with this host's rpm", () => {
  it("passes, silent, when rpm finds none of the names", () => {
    const r = spawnSync(
      "bash",
      ["-c", `set -Eeuo pipefail\n${elAbsent}\nbake_pkg_absent "$@"`, "bash", "bake-absent-a", "bake-absent-b"],
      { encoding: "utf8" },
    );
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "", ""]);
  });
});
