// The CLI's V8 code cache (src/cli-bundle.ts, scripts/code-cache.mjs): the build
// makes one that V8 takes, and a run whose cache V8 rejects prints the same bytes.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers.js";

// Other V8 flags, so V8 rejects the cache (it checks the flags it was made with). Not a heap
// size: Node 24's V8 leaves those out of the check, while a stack trace limit counts in 20 and 24.
const OTHER_FLAGS = { NODE_OPTIONS: "--stack-trace-limit=20" };

/** Whether V8 rejected the cache when the CLI's bundle loaded, in a plain node process ("undefined": no cache). */
function cacheRejected(env: NodeJS.ProcessEnv = {}): string {
  const script = `
    import { readdirSync } from "node:fs";
    import { loadBundle } from "./dist/cli-bundle.js";
    const [name] = readdirSync("dist").filter((f) => /^cli-main-.*\\.cjs$/.test(f));
    console.log(loadBundle(new URL("dist/" + name, import.meta.url)).script.cachedDataRejected);`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

describe("CLI code cache", () => {
  it("the build wrote a cache for this Node, and V8 takes it", () => {
    expect(cacheRejected()).toBe("false");
  });

  it("a cache V8 rejects changes nothing the CLI prints", () => {
    expect(cacheRejected(OTHER_FLAGS)).toBe("true");
    for (const args of [["cloud-init"], ["packer", "examples/guide.yaml"], ["cloud-init", "--cloud", "mars"]]) {
      const cached = runCli(args);
      const compiled = spawnSync(process.execPath, ["dist/cli.js", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", ...OTHER_FLAGS },
      });
      expect({ status: compiled.status, stdout: compiled.stdout, stderr: compiled.stderr }).toEqual(cached);
    }
  });
});
