// Figures printed after every boot and collected into out/vm/summary.md.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BootResult } from "./vm.js";
import { outDir } from "./vm.js";
import { log } from "./exec.js";

export interface BootFigures {
  boot: string;
  accel: string;
  /** guest uptime when cloud-init had finished (kernel start to ready) */
  bootToReadySec?: number;
  /** cloud-init's own sum of its stages (`cloud-init analyze show`) */
  cloudInitTotalSec?: number;
  /** `bake: all steps passed in Ns`, or the scripts-user module time from `cloud-init analyze blame` */
  bakeProvisionSec?: number;
  /** Packer runs: seconds per run */
  packerRunsSec?: number[];
  qemuWallSec: number;
  qemuPeakRssMiB: number;
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
    .map(([, v]) => Number(/seconds: ([\d.]+)/.exec(v)?.[1]));
  const f: BootFigures = {
    boot: r.name,
    accel: r.accel,
    bootToReadySec: Number.isFinite(ready) ? ready : undefined,
    cloudInitTotalSec: totals.length ? totals[totals.length - 1] : undefined,
    bakeProvisionSec: passed !== undefined ? Number(passed) : blame !== undefined ? Number(blame) : undefined,
    packerRunsSec: packerRuns.length ? packerRuns : undefined,
    qemuWallSec: Math.round(r.wallSeconds),
    qemuPeakRssMiB: r.peakRssMiB,
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
