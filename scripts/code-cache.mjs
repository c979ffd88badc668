// Writes dist/cli-main-<hash>.cjs.<node>-<platform>-<arch>.v8cache, the V8 code
// cache src/cli-bundle.ts starts the CLI from (run by `npm run build`, after
// bundle-cli.ts). Plain node, not tsx: V8 accepts a cache only under the V8 flags
// it was made with. The CLI runs a few commands first, so the cache also holds
// the functions they compile.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codeCacheOf, loadBundle } from "../dist/cli-bundle.js";

const DIST = new URL("../dist/", import.meta.url);
const bundles = readdirSync(DIST).filter((f) => /^cli-main-.*\.cjs$/.test(f));
if (bundles.length !== 1) throw new Error(`expected one dist/cli-main-*.cjs, found ${bundles.length}`);
const bundle = new URL(bundles[0], DIST);

// A cache loadBundle read would carry over into this one: start without.
rmSync(codeCacheOf(bundle), { force: true });
const { main, script } = loadBundle(bundle);
const out = mkdtempSync(join(tmpdir(), "bake-code-cache-"));
try {
  const argv = (...args) => [process.execPath, "bake", ...args, "--defaults", "-q", "-o", join(out, "out")];
  for (const args of [["cloud-init"], ["packer"]]) {
    if ((await main(argv(...args))) !== 0) throw new Error(`bake ${args.join(" ")} failed while making the code cache`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
writeFileSync(codeCacheOf(bundle), script.createCachedData());
