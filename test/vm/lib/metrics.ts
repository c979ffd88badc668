// Figures printed after every boot and collected into out/vm/summary.md.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BootResult } from "./vm.js";
import { outDir } from "./vm.js";
import { log } from "./exec.js";
import type { AptCacheStats } from "./apt-cache.js";

export interface BootFigures {
  boot: string;
  accel: string;
  /** guest uptime when cloud-init had finished (kernel start to ready) */
  bootToReadySec?: number;
  /** cloud-init's own sum of its stages (`cloud-init analyze show`) */
  cloudInitTotalSec?: number;
  /** `bake: all steps passed in Ns`, or the scripts-user module time from `cloud-init analyze blame` */
  bakeProvisionSec?: number;
  /** cloud-init's scripts-user module (runcmd: bake's provisioner, or a comparison boot's commands), `cloud-init analyze blame` */
  scriptsUserSec?: number;
  /** bake's own per-step times (`bake: <step> took N ms`), seconds; for a Packer boot, its second run's */
  stepSec?: Record<string, number>;
  /** Packer runs: seconds per run, from su to the Packer user to the script's exit */
  packerRunsSec?: number[];
  /** Packer runs: seconds of the script alone, from bash's start to its exit */
  packerScriptSec?: number[];
  qemuWallSec: number;
  qemuPeakRssMiB: number;
  /** the guest's apt files through the harness's cache (apt-cache.ts) */
  aptCache?: AptCacheStats;
}

export const figures: BootFigures[] = [];

export function collectFigures(r: BootResult): BootFigures {
  const start = r.sections.get("start") ?? "";
  const ready = Number(/uptime-ready: ([\d.]+)/.exec(start)?.[1]);
  const show = r.sections.get("analyze-show") ?? "";
  const totals = [...show.matchAll(/Total Time: ([\d.]+) seconds/g)].map((m) => Number(m[1]));
  const bakeLog = r.sections.get("bake-log") ?? "";
  const passed = /bake: all steps passed in (\d+)s/.exec(bakeLog)?.[1];
  const blame = /([\d.]+)s \(modules-final\/config-scripts[-_]user\)/.exec(r.sections.get("analyze-blame") ?? "")?.[1];
  const packerRuns = [...r.sections.entries()]
    .filter(([k]) => k.startsWith("packer-run "))
    .map(([, v]) => Number(/^seconds: ([\d.]+)/m.exec(v)?.[1]));
  const packerScripts = [...r.sections.entries()]
    .filter(([k]) => k.startsWith("packer-run "))
    .map(([, v]) => Number(/^script-seconds: ([\d.]+)/m.exec(v)?.[1]));
  const f: BootFigures = {
    boot: r.name,
    accel: r.accel,
    bootToReadySec: Number.isFinite(ready) ? ready : undefined,
    cloudInitTotalSec: totals.length ? totals[totals.length - 1] : undefined,
    bakeProvisionSec: passed !== undefined ? Number(passed) : blame !== undefined ? Number(blame) : undefined,
    scriptsUserSec: blame !== undefined ? Number(blame) : undefined,
    // a Packer boot's log holds every run; its second run (the re-run) is the one to read
    stepSec: stepTimes(r.sections.get("packer-output 2") ?? bakeLog),
    packerRunsSec: packerRuns.length ? packerRuns : undefined,
    packerScriptSec: packerScripts.length ? packerScripts : undefined,
    qemuWallSec: Math.round(r.wallSeconds),
    qemuPeakRssMiB: r.peakRssMiB,
    aptCache: r.aptCache,
  };
  figures.push(f);
  log(
    `figures ${f.boot}: boot-to-ready ${fmt(f.bootToReadySec)} s, cloud-init total ${fmt(f.cloudInitTotalSec)} s, ` +
      `bake provisioning ${fmt(f.bakeProvisionSec)} s${f.packerRunsSec ? `, packer runs ${f.packerRunsSec.join(" / ")} s` : ""}, ` +
      `qemu ${f.qemuWallSec} s wall, peak RSS ${f.qemuPeakRssMiB} MiB (${f.accel})`,
  );
  return f;
}

const fmt = (n?: number) => (n === undefined ? "?" : n.toFixed(1));
const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a - b);
const aptShort = (s?: AptCacheStats) => (s ? `${s.hits + s.revalidated} / ${s.misses}` : "no cache");

function stepTimes(bakeLog: string): Record<string, number> | undefined {
  const steps = [...bakeLog.matchAll(/^bake: ([\w-]+) took (\d+) ms$/gm)].map(
    ([, id, ms]) => [id!, Number(ms) / 1000] as const,
  );
  return steps.length ? Object.fromEntries(steps) : undefined;
}

/**
 * Issue 12's comparison from one suite run: cloud-init time (analyze show's total, and its
 * scripts-user module, where runcmd runs) of the floor, bake and naive boots, and the
 * re-run (the second Packer run). Lines for the summary; also written to out/vm/speed.json.
 */
export async function speedComparison(primary: string): Promise<string[]> {
  const of = (boot: string) => figures.find((f) => f.boot === boot);
  const rows = [
    ["floor (only the package changes, in one apt transaction)", of(`${primary}-floor`)],
    ["bake (cloud-init user-data)", of(primary)],
    ["naive (the guide's hand steps)", of(`${primary}-naive`)],
  ] as const;
  // Within one boot, so free of the package install's swing from boot to boot (seconds under TCG):
  // bake's runcmd time minus its package steps, the work the floor does too.
  const bakeSteps = of(primary)?.stepSec;
  const packageSec = bakeSteps && (bakeSteps["install-containerd"] ?? 0) + (bakeSteps["remove-packages"] ?? 0);
  const scriptsUser = of(primary)?.scriptsUserSec;
  const outsideInstall = packageSec && scriptsUser !== undefined ? scriptsUser - packageSec : undefined;
  const rerun = of(`${primary}-packer`)?.packerRunsSec?.[1];
  const rerunScript = of(`${primary}-packer`)?.packerScriptSec?.[1];
  const data = {
    floor: { cloudInitTotalSec: rows[0][1]?.cloudInitTotalSec, scriptsUserSec: rows[0][1]?.scriptsUserSec },
    bake: {
      cloudInitTotalSec: rows[1][1]?.cloudInitTotalSec,
      scriptsUserSec: rows[1][1]?.scriptsUserSec,
      stepSec: rows[1][1]?.stepSec,
      outsidePackageStepsSec: outsideInstall,
    },
    naive: { cloudInitTotalSec: rows[2][1]?.cloudInitTotalSec, scriptsUserSec: rows[2][1]?.scriptsUserSec },
    bakeLessFloorSec: diff(rows[1][1]?.scriptsUserSec, rows[0][1]?.scriptsUserSec),
    rerunSec: rerun,
    rerunScriptSec: rerunScript,
    rerunStepSec: of(`${primary}-packer`)?.stepSec,
  };
  if (
    Object.values(data).every(
      (v) => v === undefined || (typeof v === "object" && Object.values(v).every((x) => x === undefined)),
    )
  )
    return [];
  await writeFile(join(outDir(), "speed.json"), JSON.stringify(data, null, 2) + "\n");
  const steps = data.bake.stepSec
    ? Object.entries(data.bake.stepSec)
        .map(([id, s]) => `${id} ${s.toFixed(1)}`)
        .join(", ")
    : "?";
  return [
    "| issue 12 | cloud-init total (s) | runcmd / scripts-user (s) | apt files: cached / from the mirror |",
    "|---|---|---|---|",
    ...rows.map(
      ([label, f]) =>
        `| ${label} | ${fmt(f?.cloudInitTotalSec)} | ${fmt(f?.scriptsUserSec)} | ${aptShort(f?.aptCache)} |`,
    ),
    `| bake − floor (across boots; steady only when apt came from the cache in both) | | ${fmt(data.bakeLessFloorSec)} | |`,
    `| bake, less its package steps (same boot: what bake adds to the floor's work) | | ${fmt(outsideInstall)} | |`,
    `| re-run (second Packer run: su, sudo and the script) | | ${fmt(rerun)} | |`,
    `| re-run (second Packer run: the script alone) | | ${fmt(rerunScript)} | |`,
    "",
    `bake's steps (s): ${steps}`,
  ];
}

export async function writeSummary(extra: string[]): Promise<string> {
  const rows = figures.map(
    (f) =>
      `| ${f.boot} | ${f.accel} | ${fmt(f.bootToReadySec)} | ${fmt(f.cloudInitTotalSec)} | ${fmt(f.bakeProvisionSec)}${f.packerRunsSec ? ` (packer runs ${f.packerRunsSec.join(", ")})` : ""} | ${f.qemuWallSec} | ${f.qemuPeakRssMiB} |`,
  );
  const text = [
    "| boot | accel | boot-to-ready (s) | cloud-init total (s) | bake provisioning (s) | qemu wall (s) | qemu peak RSS (MiB) |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    ...extra,
    "",
  ].join("\n");
  await writeFile(join(outDir(), "summary.md"), text);
  await writeFile(join(outDir(), "summary.json"), JSON.stringify({ figures, extra }, null, 2) + "\n");
  process.stderr.write(`\n${text}\n`);
  return text;
}
