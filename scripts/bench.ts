// npm run bench: measures bake side by side in one run and prints a table.
// Not a test: figures depend on the machine; the ratios are what to compare.
//   1. cold start: median wall time of `node dist/cli.js cloud-init` vs `node -e 0`;
//      the one gate: above COLD_START_MAX_RATIO the script exits 1
//   2. throughput: per-node documents through the library API, one core (reported only)
//   3. size: default rocky9 user-data, raw and gzip+base64, vs EC2's limit
//   4. memory: peak RSS of one CLI run
// Options: --runs N (cold-start samples, default 21), --docs N (default 10000),
//          --breakdown (also time each dependency's import, to see what costs).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = `${ROOT}dist/cli.js`;
if (!existsSync(CLI)) {
  process.stderr.write("dist/ is missing: run npm run build first\n");
  process.exit(1);
}
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("--runs", 21);
// Issue 12: bake's cold start may cost at most this much of `node -e 0`'s, median against median.
const COLD_START_MAX_RATIO = 1.5;
const DOCS = arg("--docs", 10_000);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function wall(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr}`);
  return ms;
}

/** Medians of several commands, sampled interleaved so machine noise hits all alike. */
function coldStart(commands: Record<string, string[]>): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const args of Object.values(commands)) wall(args); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(commands)) samples[name]!.push(wall(args));
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

function peakRssKiB(args: string[]): number {
  const timeBin = "/usr/bin/time";
  if (existsSync(timeBin)) {
    const r = spawnSync(timeBin, ["-f", "%M", process.execPath, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "ignore", "pipe"],
    });
    const kib = Number(r.stderr.trim().split("\n").pop());
    if (Number.isFinite(kib) && kib > 0) return kib;
  }
  // Fallback: the child reports its own peak (maxRSS is in KiB).
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "data:text/javascript,process.on('exit',()=>process.stderr.write('RSS '+process.resourceUsage().maxRSS))",
      ...args,
    ],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] },
  );
  return Number(/RSS (\d+)/.exec(r.stderr)?.[1] ?? NaN);
}

const { validateSpec, plan, renderCloudInit, gzip, CLOUD_LIMITS } = (await import(
  `${ROOT}dist/index.js`
)) as typeof import("../src/index.js");

function throughput(): { docsPerSecond: number; ms: number; bytes: number } {
  const spec = (i: number) => ({
    distro: "rocky9" as const,
    containerd: { registries: { "docker.io": { mirrors: [`https://mirror-${i}.site-${i % 97}.example.net`] } } },
  });
  for (let i = 0; i < 200; i++) renderCloudInit(plan(validateSpec(spec(i)).spec)); // warm up (JIT, template cache)
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < DOCS; i++) bytes += renderCloudInit(plan(validateSpec(spec(i)).spec)).length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { docsPerSecond: (DOCS / ms) * 1000, ms, bytes };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rows: string[][] = [["measure", "bake", "reference", "ratio", "goal", ""]];
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

process.stderr.write(
  `bench: node ${process.version}, ${cpus()[0]?.model ?? "cpu"} x${cpus().length}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; ${RUNS} cold-start runs, ${DOCS} documents\n`,
);

const cold = coldStart({ floor: ["-e", "0"], bake: [CLI, "cloud-init"] });
const coldRatio = cold.bake! / cold.floor!;
rows.push([
  "cold start, median wall (cloud-init, defaults)",
  `${fmt(cold.bake!, 1)} ms`,
  `node -e 0: ${fmt(cold.floor!, 1)} ms`,
  `${fmt(coldRatio, 2)}x`,
  `<= ${COLD_START_MAX_RATIO}x`,
  verdict(coldRatio <= COLD_START_MAX_RATIO),
]);

const t = throughput();
rows.push([
  "throughput, library API (validate+plan+render)",
  `${fmt(t.docsPerSecond)} docs/s`,
  `${fmt(DOCS)} docs in ${fmt(t.ms)} ms`,
  "",
  "",
  "",
]);

const userData = renderCloudInit(plan(validateSpec({}).spec));
const raw = Buffer.byteLength(userData);
const packed = gzip(userData).toString("base64").length;
const ec2 = CLOUD_LIMITS.aws.limit;
rows.push([
  "size, default rocky9 user-data, raw",
  `${fmt(raw)} B`,
  `EC2 limit ${fmt(ec2)} B`,
  `${fmt(raw / ec2, 2)}`,
  "<= 0.50",
  verdict(raw <= ec2 / 2),
]);
rows.push([
  "size, same, gzip+base64",
  `${fmt(packed)} B`,
  `EC2 limit ${fmt(ec2)} B`,
  `${fmt(packed / ec2, 2)}`,
  "",
  "",
]);

const rssBake = peakRssKiB([CLI, "cloud-init"]);
const rssFloor = peakRssKiB(["-e", "0"]);
rows.push([
  "memory, peak RSS of one CLI run",
  `${fmt(rssBake / 1024, 1)} MiB`,
  `node -e 0: ${fmt(rssFloor / 1024, 1)} MiB`,
  `${fmt(rssBake / rssFloor, 2)}x`,
  "",
  "",
]);

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
console.log(line(rows[0]!));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows.slice(1)) console.log(line(r));

if (process.argv.includes("--breakdown")) {
  // What the module graph costs: each import alone in a fresh process (median).
  const modules = [
    "commander",
    "yaml",
    "@iarna/toml",
    "ajv",
    "@sinclair/typebox",
    "handlebars",
    "diff",
    `${ROOT}dist/index.js`,
    `${ROOT}dist/program.js`,
  ];
  const commands = Object.fromEntries([
    ["floor", ["-e", "0"]],
    ...modules.map((m) => [m, ["--input-type=module", "-e", `await import(${JSON.stringify(m)})`]]),
  ]);
  const medians = coldStart(commands as Record<string, string[]>);
  console.log("\nimport cost over `node -e 0` (median wall, each alone in a fresh process):");
  for (const m of modules)
    console.log(`  ${m.replace(ROOT, "").padEnd(22)} +${fmt(medians[m]! - medians.floor!, 1)} ms`);
}

if (coldRatio > COLD_START_MAX_RATIO) {
  process.stderr.write(`bench: cold start is ${fmt(coldRatio, 2)}x node -e 0, over ${COLD_START_MAX_RATIO}x\n`);
  process.exitCode = 1;
}
