// Bundles the CLI from src/cli.ts into dist/cli.js (run by `npm run build`,
// after tsc, replacing tsc's dist/cli.js), so a run loads a handful of modules
// instead of ~40. Every other file tsc wrote stays as it is: dist/index.js is
// still the library, module by module.
// Commands loaded with import() stay separate chunks (dist/cli-*.js), and the
// packages only they or a parsed spec need (yaml, toml, TypeBox, diff) stay
// external, so they load only when needed. Each module's import.meta.url becomes
// the URL of that module's tsc output beside the bundle, so paths relative to it
// (package.json, schema/, templates/) resolve exactly as before.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
for (const f of readdirSync(DIST)) if (/^cli-.*\.js$/.test(f)) rmSync(DIST + f);

const importMetaUrlOfTscOutput: esbuild.Plugin = {
  name: "import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      // Every output file is in dist/, so the tsc output's path relative to dist/ resolves from any of them.
      const tscOutput = relative(SRC, args.path).split("\\").join("/").replace(/\.ts$/, ".js");
      if (tscOutput.startsWith("../")) throw new Error(`${args.path} is outside src/`);
      const url = `new URL(${JSON.stringify(tscOutput)}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

await esbuild.build({
  entryPoints: { cli: `${SRC}cli.ts` },
  outdir: DIST,
  chunkNames: "cli-[name]-[hash]",
  entryNames: "[name]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  external: ["yaml", "@iarna/toml", "@sinclair/typebox", "diff", "ajv"],
  plugins: [importMetaUrlOfTscOutput],
  // commander and the Handlebars runtime are CommonJS and require() node built-ins.
  banner: {
    js: 'import { createRequire as __bakeCreateRequire } from "node:module"; const require = __bakeCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
