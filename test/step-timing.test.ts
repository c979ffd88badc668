// Each step's time is printed. bash 5 gives it from EPOCHREALTIME, with no
// process; EL8's bash 4.4 has no EPOCHREALTIME and falls back to date. Both
// paths run here in this host's bash: unsetting EPOCHREALTIME takes the fallback.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderPackerScript } from "../src/index.js";
import { planFor } from "./helpers.js";

const script = renderPackerScript(planFor({ distro: "rocky8" }));
const timing = script.split("\n").filter((l) => /^bake_step(_took)?\(\) \{/.test(l));

function twoSteps(prelude: string): string {
  const r = spawnSync(
    "bash",
    [
      "-c",
      `${prelude}\n${timing.join("\n")}\nbake_step 1/2 first one; sleep 0.2; bake_step 2/2 second two; bake_step_took`,
    ],
    { encoding: "utf8" },
  );
  expect(r.stderr).toBe("");
  return r.stdout;
}

describe("step timing", () => {
  it("comes from the script's own two functions", () => expect(timing).toHaveLength(2));

  it.each([
    ["bash 5 (EPOCHREALTIME)", ""],
    ["bash 4.4, as on EL8 (no EPOCHREALTIME: date)", "unset EPOCHREALTIME"],
  ])("%s: each step prints its time in ms, the slept one at least 200 and in ms", (_, prelude) => {
    const out = twoSteps(prelude);
    const first = /^bake: first took (\d+) ms$/m.exec(out);
    expect(first, out).not.toBeNull();
    expect(Number(first![1])).toBeGreaterThanOrEqual(200);
    // Milliseconds, not micro- or nanoseconds: a 0.2 s sleep is nowhere near a minute.
    expect(Number(first![1])).toBeLessThan(60_000);
    expect(out).toMatch(/^bake: second took \d+ ms$/m);
  });
});
