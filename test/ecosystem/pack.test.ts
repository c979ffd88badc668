// PACKAGING (slow, ~10-30 s, needs the npm cache or registry): `npm pack`, install
// the tarball into an empty folder, and run the installed `bake` from elsewhere.
// Proves bin, files, exports and that templates and the schema are found relative
// to the installed package, not the current directory.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// The child npm must not inherit the npm_* settings of an `npm test` around us.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")),
) as NodeJS.ProcessEnv;
env.NO_COLOR = "1";
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, env, encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });

describe("npm package (pack, install into an empty folder, run) [slow]", () => {
  let work: string;
  let app: string;
  let files: string[];

  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist/cli.js")))
      throw new Error("dist/ is missing: run npm run build first (npm test does)");
    work = mkdtempSync(join(tmpdir(), "bake-pack-"));
    // --ignore-scripts: dist/ is already built by npm test; prepare would rebuild it.
    const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    files = packed[0]!.files.map((f) => f.path);
    app = join(work, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "bake-pack-test", version: "1.0.0", private: true, type: "module" }),
    );
    npm(
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", join(work, packed[0]!.filename)],
      app,
    );
  }, 90_000);

  it("ships dist, templates, schema and examples, and no tests or sources", () => {
    expect(files).toContain("dist/cli.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("schema/bake.schema.json");
    expect(files).toContain("templates/provision.sh.hbs");
    expect(files).toContain("package.json");
    expect(files.filter((f) => /^(test|src|scripts)\//.test(f) || f.endsWith(".tgz"))).toEqual([]);
  });

  it("npx bake cloud-init works from a subfolder, and the bin from an unrelated folder", () => {
    const sub = join(app, "deep", "er");
    mkdirSync(sub, { recursive: true });
    const viaNpx = spawnSync("npx", ["--no-install", "bake", "cloud-init"], {
      cwd: sub,
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(viaNpx.status, viaNpx.stderr).toBe(0);
    expect(viaNpx.stdout.startsWith("#cloud-config\n")).toBe(true);
    const elsewhere = mkdtempSync(join(tmpdir(), "bake-cwd-"));
    const bin = join(app, "node_modules", ".bin", "bake");
    const direct = spawnSync(bin, ["cloud-init"], { cwd: elsewhere, env, encoding: "utf8" });
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stdout).toBe(viaNpx.stdout);
    const local = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), "cloud-init"], {
      cwd: elsewhere,
      env,
      encoding: "utf8",
    });
    expect(direct.stdout).toBe(local.stdout);
  });

  it("bake schema and bake init use the installed package's schema file", () => {
    const bin = join(app, "node_modules", ".bin", "bake");
    const schema = spawnSync(bin, ["schema"], { cwd: tmpdir(), env, encoding: "utf8" });
    expect(schema.stdout).toBe(readFileSync(join(app, "node_modules/bake-node/schema/bake.schema.json"), "utf8"));
    const init = spawnSync(bin, ["init", "-q"], { cwd: app, env, encoding: "utf8" });
    expect(init.status, init.stderr).toBe(0);
    // init copies the installed schema beside the spec, so the spec never points into node_modules.
    expect(readFileSync(join(app, "bake.yaml"), "utf8").split("\n")[0]).toBe(
      "# yaml-language-server: $schema=./bake.schema.json",
    );
    expect(readFileSync(join(app, "bake.schema.json"), "utf8")).toBe(
      readFileSync(join(app, "node_modules/bake-node/schema/bake.schema.json"), "utf8"),
    );
    expect(spawnSync(bin, ["validate", "-c", "bake.yaml"], { cwd: app, env, encoding: "utf8" }).status).toBe(0);
  });

  it("the library example runs against the installed package (exports, types)", () => {
    copyFileSync(join(ROOT, "examples/api.mjs"), join(app, "api.mjs"));
    const r = spawnSync(process.execPath, ["api.mjs"], { cwd: app, env, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("edge-gru-1:");
    expect(existsSync(join(app, "node_modules/bake-node/dist/index.d.ts"))).toBe(true);
  });
});
