// Debian's bake_pkg_in_place asks dpkg-query once for all of a step's packages
// and decides from its lines. Run here against this host's real dpkg database
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
const hasDpkg = spawnSync("dpkg-query", ["-W", "bash"]).status === 0;
const bashVersion = hasDpkg
  ? spawnSync("dpkg-query", ["-W", "-f=${Version}", "bash"], { encoding: "utf8" }).stdout
  : "";

function inPlaceExit(...args: string[]): number | null {
  const r = spawnSync("bash", ["-c", `set -Eeuo pipefail\n${inPlace}\nbake_pkg_in_place "$@"`, "bash", ...args], {
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  return r.status;
}

describe.skipIf(!hasDpkg)("bake_pkg_in_place on Debian, with the real dpkg-query", () => {
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
