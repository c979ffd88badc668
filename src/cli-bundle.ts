// Runs the CLI bundle (dist/cli-main-<hash>.cjs, built from program.ts by
// scripts/bundle-cli.ts) as a classic script, because only a classic script can
// start from a V8 code cache on Node 20: the build writes one
// (scripts/code-cache.mjs), so a cold start neither parses nor compiles the
// bundle. A cache V8 rejects (other V8 flags) or a missing one only costs that
// compile. The bundle's name holds its content hash, so a cache from another
// build is never read.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

type Main = (argv: string[]) => Promise<number>;

/**
 * The cache for this Node on this platform: V8 checks its own version and flags,
 * and the name keeps a cache made elsewhere (a published package) from being read.
 */
export const codeCacheOf = (bundle: URL): URL =>
  new URL(`${bundle.href}.${process.version}-${process.platform}-${process.arch}.v8cache`);

/** The bundle's main(), and its Script for createCachedData(). */
export function loadBundle(bundle: URL): { main: Main; script: Script } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCacheOf(bundle));
  } catch {
    // no cache: V8 compiles the source
  }
  // The parameters are what the bundle expects of CommonJS, and its import.meta.url (scripts/bundle-cli.ts).
  const source = `(function (exports, require, module, __bakeDistUrl) {"use strict";${readFileSync(bundle, "utf8")}\n})`;
  const script = new Script(source, { filename: fileURLToPath(bundle), cachedData });
  const module = { exports: {} as { main: Main } };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle.href);
  return { main: module.exports.main, script };
}
