// Each room's shell functions are real .sh files: shellcheck reads them as they
// are, and the library's order list (src/emit/library.ts) names every one.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shellSources } from "../scripts/template-check.js";
import { LIBRARY_FILES } from "../src/emit/library.js";
import { ROOT } from "./helpers.js";

const files = [...shellSources().keys()];

describe("the shell library's .sh files", () => {
  it("are each in the library's order list, once", () => {
    expect([...LIBRARY_FILES].sort()).toEqual([...files].sort());
  });

  it("pass shellcheck as they are", () => {
    // SC2034 (a variable no line reads) and SC2154 (one no line sets) are left to the whole
    // script, which tools.test.ts shellchecks with every check: bake_wait_for_containerd's loop
    // counter n is read nowhere in its own file, and bake_retry (emit/run.sh) reads the
    // bake_pkg_no_retry that the package functions (packages/el.sh, debian.sh) set. SC1091 (info) says shellcheck did not follow a sourced file:
    // bake_system_is sources the machine's /etc/os-release, which is no file of bake's.
    const r = spawnSync(
      "shellcheck",
      ["--shell=bash", "--severity=style", "--exclude=SC2034,SC2154,SC1091", ...files.map((f) => join(ROOT, "src", f))],
      { encoding: "utf8" },
    );
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
