// Bundles the CLI (run by `npm run build`, after tsc, replacing tsc's dist/cli.js):
// dist/cli-main-<hash>.cjs is program.ts with everything it imports, as one
// CommonJS script that src/cli-bundle.ts runs with a V8 code cache
// (scripts/code-cache.mjs writes it); dist/cli.js is src/cli.ts, the launcher.
// Every other file tsc wrote stays as it is: dist/index.js is still the library,
// module by module.
// Modules loaded with import() are wrapped to run only when first imported, and
// the packages only they or a parsed spec need (yaml, toml, TypeBox, diff) stay
// external, required at that point, so they load only when needed. Each module's
// import.meta.url becomes the URL of that module's tsc output beside the bundle,
// so paths relative to it (package.json, schema/, templates/) resolve as before.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
for (const f of readdirSync(DIST)) if (/^cli-.*\.(js|cjs|v8cache)$/.test(f) && f !== "cli-bundle.js") rmSync(DIST + f);

const importMetaUrlOfTscOutput: esbuild.Plugin = {
  name: "import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      // The bundle is in dist/, so the tsc output's path relative to dist/ resolves from it.
      const tscOutput = relative(SRC, args.path).split("\\").join("/").replace(/\.ts$/, ".js");
      if (tscOutput.startsWith("../")) throw new Error(`${args.path} is outside src/`);
      // __bakeDistUrl: the bundle's own URL, which src/cli-bundle.ts passes in.
      const url = `new URL(${JSON.stringify(tscOutput)}, __bakeDistUrl).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

// commander requires node:child_process only to run executable subcommands, and
// bake has none: a stand-in requires it on first use, so no run pays its load.
const lazyChildProcess: esbuild.Plugin = {
  name: "lazy-child-process",
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: "child_process", namespace: "lazy" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });',
      loader: "js",
    }));
  },
};

const common: esbuild.BuildOptions = {
  outdir: DIST,
  bundle: true,
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
};

const main = await esbuild.build({
  ...common,
  entryPoints: { "cli-main": `${SRC}program.ts` },
  entryNames: "[name]-[hash]",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  external: ["yaml", "@iarna/toml", "@sinclair/typebox", "diff", "ajv"],
  plugins: [importMetaUrlOfTscOutput, lazyChildProcess],
  metafile: true,
});
const bundle = Object.keys(main.metafile.outputs).find((f) => f.endsWith(".cjs"));
if (!bundle) throw new Error("esbuild wrote no dist/cli-main-*.cjs");

await esbuild.build({
  ...common,
  entryPoints: { cli: `${SRC}cli.ts` },
  format: "esm",
  define: { BAKE_CLI_BUNDLE: JSON.stringify(`./${basename(bundle)}`) },
});
