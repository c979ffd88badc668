// Boots one VM from a user-data file and reads the results back.
//
// Two ways to get the harness's reporting into the guest, neither of which alters
// the user-data bytes that bake printed:
// - "image-hook" (the Debian images built here): bake-vm-hook.service is baked into the
//   image; it runs report.sh from the seed disk. The user-data is bake's output, unchanged.
// - "multipart" (any foreign cloud image, --image): the harness cannot change the image,
//   so the user-data is a MIME multipart whose first part is bake's output, base64-encoded
//   so cloud-init decodes exactly those bytes, and whose second part is a
//   text/cloud-boothook that starts the same hook. A boothook merges with nothing: bake's
//   runcmd, write_files etc. stay exactly as bake wrote them (no merge_how needed), and it
//   still reports when bake's runcmd fails.
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { log, run } from "./exec.js";
import { exists, pickAccel } from "./host.js";
import type { Image } from "./image.js";
import { cacheRoot } from "./image.js";
import { buildSeed } from "./seed.js";
import { type AptCacheStats, aptCacheEnabled, formatStats, startAptCache } from "./apt-cache.js";
import { ARM64_FIRMWARE } from "../../../scripts/suite-tools.mjs";

const GUEST_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "guest");
/** the arm64 guests' report port: udev links it as /dev/virtio-ports/<name> */
const REPORT_PORT_NAME = "bake-vm.report";

export type Target = { kind: "debian"; image: Image } | { kind: "cloud"; file: string };
export type Delivery = "image-hook" | "multipart";

export interface BootRequest {
  /** run name: directory under out/vm/ and the cache's runs/ */
  name: string;
  target: Target;
  /** the user-data cloud-init must see (bake's output, or the harness's for the Packer scenario) */
  userData: Buffer;
  /** KEY=value lines for report.sh (paths to list, files to print, sysctl keys) */
  params?: Record<string, string>;
  /** extra files for the guest under /run/bake-vm/h (job.sh, scripts) */
  files?: Record<string, string | Buffer>;
  /** defaults to image-hook on Debian images, multipart on cloud images */
  delivery?: Delivery;
  timeoutSec?: number;
  memMiB?: number;
  /** boot this kept disk (an earlier boot's `keptDisk`) instead of a fresh overlay of the image */
  disk?: string;
  /** keep the disk after poweroff for a later boot; the caller removes it */
  keepDisk?: boolean;
  /** the same id as an earlier boot of this disk makes it a reboot: cloud-init runs nothing per-instance again */
  instanceId?: string;
  /** multipart only: shell the harness's boothook runs first, before cloud-init's final stage (e.g. give the VM swap) */
  boothookPrelude?: string;
  /**
   * Cut the power once the console matches: qemu gets SIGTERM, stops at once and keeps what the
   * guest had written to its disk; the guest gets no shutdown, and its unwritten page cache is lost.
   */
  cutPowerWhen?: RegExp;
}

export interface BootResult {
  name: string;
  dir: string;
  delivery: Delivery;
  accel: string;
  qemuExit: number;
  timedOut: boolean;
  /** qemu start to exit */
  wallSeconds: number;
  peakRssMiB: number;
  console: string;
  /** raw text of the report port (ttyS1, or the virtio-serial port on arm64) */
  results: string;
  sections: Map<string, string>;
  /** files read off the guest disk with debugfs after poweroff (Debian images only) */
  disk: Map<string, string>;
  /** the user-data put on the seed, and its sha256 */
  userData: Buffer;
  userDataSha256: string;
  /** the disk left for a later boot (keepDisk) */
  keptDisk?: string;
  /** what the guest's apt fetched through the harness's apt cache (absent when it is off) */
  aptCache?: AptCacheStats;
  instanceId: string;
  /** the console line at which the harness cut the power (cutPowerWhen) */
  powerCutAt?: string;
}

/** Files read back off the disk after poweroff: a second channel, independent of the serial port. */
const DISK_FILES = [
  "/var/lib/bake/status",
  "/var/log/bake-provision.log",
  "/var/lib/cloud/data/result.json",
  "/var/log/cloud-init-output.log",
];

export function outDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "out", "vm");
}

export function multipartUserData(first: Buffer, boothook: string): Buffer {
  const boundary = "==BAKE-VM-HARNESS-BOUNDARY==";
  const b64 = (b: Buffer) => b.toString("base64").replace(/.{1,76}/g, "$&\n");
  const firstType = first.subarray(0, 13).toString() === "#cloud-config" ? "text/cloud-config" : "text/x-shellscript";
  const part = (type: string, filename: string, body: Buffer) =>
    `--${boundary}\nContent-Type: ${type}; charset="utf-8"\nMIME-Version: 1.0\nContent-Transfer-Encoding: base64\n` +
    `Content-Disposition: attachment; filename="${filename}"\n\n${b64(body)}`;
  return Buffer.from(
    `Content-Type: multipart/mixed; boundary="${boundary}"\nMIME-Version: 1.0\n\n` +
      part(firstType, "bake-user-data", first) +
      part("text/cloud-boothook", "bake-vm-harness-boothook", Buffer.from(boothook)) +
      `--${boundary}--\n`,
  );
}

async function harnessBoothook(prelude = ""): Promise<string> {
  const hook = await readFile(join(GUEST_DIR, "hook.sh"), "utf8");
  return `#cloud-boothook
#!/bin/sh
# bake VM harness, not part of bake's output: start the report hook in the background
# (a boothook must not block cloud-init, and report.sh waits for cloud-init to finish).
${prelude}mkdir -p /run/bake-vm
cat > /run/bake-vm/hook.sh <<'BAKE_VM_HOOK_EOF'
${hook}BAKE_VM_HOOK_EOF
systemd-run --no-block --unit=bake-vm-report /bin/sh /run/bake-vm/hook.sh
`;
}

export function parseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const clean = text.replace(/\r/g, "");
  const re = /^@@BAKE-VM@@ (.+)$/gm;
  const marks = [...clean.matchAll(re)];
  marks.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length + 1;
    const end = marks[i + 1]?.index ?? clean.length;
    const name = m[1]!.trim();
    sections.set(name, (sections.get(name) ?? "") + clean.slice(start, end).replace(/\n$/, ""));
  });
  return sections;
}

export async function boot(req: BootRequest): Promise<BootResult> {
  const first = await bootOnce(req);
  const fault = emulatorFault(first);
  if (!fault) return first;
  // Nothing of bake's has run before cloud-init starts, so a fault that early says
  // nothing about its output: boot once more from scratch.
  log(`boot ${req.name}: ${fault} before cloud-init started (an emulator fault); booting again`);
  return bootOnce(req);
}

/** A failure of the emulator, not of the guest's provisioning: why, or undefined. */
function emulatorFault(r: BootResult): string | undefined {
  if (/cloud-init\[/.test(r.console)) return undefined;
  // Under TCG the guest kernel now and then oopses while it patches its own code in
  // early boot (seen: int3 in sched_clock_cpu at 2.8 s).
  if (/Kernel panic/.test(r.console)) return "the guest kernel panicked";
  // qemu 7.2's TCG once died of SIGSEGV 3 s in, during the guest's PCI scan (exit 139).
  if (r.qemuExit > 128 && !r.timedOut) return `qemu died of signal ${r.qemuExit - 128}`;
  return undefined;
}

async function bootOnce(req: BootRequest): Promise<BootResult> {
  const delivery: Delivery = req.delivery ?? (req.target.kind === "debian" ? "image-hook" : "multipart");
  const work = join(cacheRoot(), "runs", req.name);
  const out = join(outDir(), req.name);
  await rm(work, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await mkdir(out, { recursive: true });

  const userData =
    delivery === "multipart"
      ? multipartUserData(req.userData, await harnessBoothook(req.boothookPrelude))
      : req.userData;
  const arm64 = req.target.kind === "debian" && req.target.image.arch === "arm64";
  const params = Object.entries({
    ...(arm64 && { REPORT_PORT: `/dev/virtio-ports/${REPORT_PORT_NAME}` }),
    ...req.params,
  })
    .map(([k, v]) => `${k}=${shq(v)}\n`)
    .join("");
  const instanceId = req.instanceId ?? `iid-bake-vm-${req.name}-${Date.now()}`;
  // one cache server per boot, so its counts are this boot's; the files are shared
  const aptCache = aptCacheEnabled() ? await startAptCache(req.name) : undefined;
  await buildSeed(join(work, "seed.img"), {
    instanceId,
    userData,
    harnessFiles: {
      "report.sh": await readFile(join(GUEST_DIR, "report.sh")),
      "params.env": params,
      ...(aptCache && { "apt-proxy.conf": aptCache.guestConf }),
      ...(req.files ?? {}),
    },
  });
  await writeFile(join(out, "user-data"), userData);

  const overlay = req.disk ?? join(work, "disk.qcow2");
  if (!req.disk) {
    const base = req.target.kind === "debian" ? req.target.image.disk : resolve(req.target.file);
    const baseFmt = JSON.parse((await run("qemu-img", ["info", "--output=json", base])).stdout).format as string;
    await run("qemu-img", ["create", "-q", "-f", "qcow2", "-F", baseFmt, "-b", base, overlay]);
  }

  // an arm64 guest on this x86 host is always emulated
  const accel = arm64 ? "tcg" : await pickAccel();
  const mem = req.memMiB ?? (req.target.kind === "debian" ? 1024 : 2048);
  const consoleLog = join(work, "console.log");
  const resultsLog = join(work, "results.log");
  const qemu = [
    // arm64: UEFI (edk2 from qemu-efi-aarch64) starts the kernel, as on arm64 cloud instances
    ...(arm64
      ? ["qemu-system-aarch64", "-machine", "virt", "-bios", ARM64_FIRMWARE]
      : ["qemu-system-x86_64", "-machine", "q35"]),
    ...(accel === "kvm"
      ? ["-accel", "kvm", "-cpu", "host"]
      : // pauth-impdef: QEMU's own pointer-authentication hash, much cheaper under TCG than the architected one
        ["-accel", "tcg,thread=multi,tb-size=256", "-cpu", arm64 ? "max,pauth-impdef=on" : "max"]),
    "-smp",
    "2",
    "-m",
    String(mem),
    "-nographic",
    "-no-reboot",
    "-monitor",
    "none",
    ...(req.target.kind === "debian"
      ? [
          "-kernel",
          req.target.image.kernel,
          "-initrd",
          req.target.image.initrd,
          "-append",
          `root=/dev/vda rw console=${arm64 ? "ttyAMA0" : "ttyS0"} panic=-1 net.ifnames=0${delivery === "multipart" ? " systemd.mask=bake-vm-hook.service" : ""}`,
        ]
      : []),
    // cache=unsafe: the guest's fsyncs (dpkg does one per file) do not reach the host disk;
    // the overlay is thrown away after the run, so nothing is lost.
    "-drive",
    `file=${overlay},if=virtio,format=qcow2,cache=unsafe`,
    "-drive",
    `file=${join(work, "seed.img")},if=virtio,format=raw,readonly=on`,
    "-nic",
    "user,model=virtio-net-pci",
    "-serial",
    `file:${consoleLog}`,
    // the report's port: `virt` has one UART, so arm64 reports over a virtio-serial port (REPORT_PORT)
    ...(arm64
      ? [
          "-device",
          "virtio-serial-pci",
          "-chardev",
          `file,id=bake-vm-report,path=${resultsLog}`,
          "-device",
          `virtserialport,chardev=bake-vm-report,name=${REPORT_PORT_NAME}`,
        ]
      : ["-serial", `file:${resultsLog}`]),
    ...(req.cutPowerWhen ? ["-pidfile", join(work, "qemu.pid")] : []),
  ];
  // generous: the 2-core host is shared, and a loaded TCG boot can take three times its quiet time
  const timeoutSec = req.timeoutSec ?? 1800;
  log(
    `boot ${req.name}: ${req.target.kind === "debian" ? `debian ${req.target.image.suite} ${req.target.image.arch}` : basename(req.target.file)}, ${accel}, ${delivery}, ${mem} MiB, timeout ${timeoutSec} s`,
  );
  const t0 = Date.now();
  const follow = followConsole(consoleLog, req.name);
  const cut = req.cutPowerWhen && cutPowerWhen(consoleLog, join(work, "qemu.pid"), req.cutPowerWhen, req.name);
  const r = await run("/usr/bin/time", ["-v", "-o", join(work, "time.txt"), "timeout", String(timeoutSec), ...qemu], {
    check: false,
  }).finally(() => {
    follow.stop();
    cut?.stop();
  });
  const aptStats = await aptCache?.stop();
  const wallSeconds = (Date.now() - t0) / 1000;
  const timeTxt = await readFile(join(work, "time.txt"), "utf8").catch(() => "");
  const peakRssMiB = Math.round(Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timeTxt)?.[1] ?? 0) / 1024);
  const timedOut = r.code === 124 || /exit status 124/.test(timeTxt);
  const consoleText = await readFile(consoleLog, "utf8").catch(() => "");
  const results = await readFile(resultsLog, "utf8").catch(() => "");
  log(
    `boot ${req.name}: qemu exit ${r.code}${timedOut ? " (TIMEOUT)" : ""} after ${wallSeconds.toFixed(0)} s, peak RSS ${peakRssMiB} MiB`,
  );

  const disk = new Map<string, string>();
  if (req.target.kind === "debian") {
    const raw = join(work, "disk.raw");
    await run("qemu-img", ["convert", "-O", "raw", overlay, raw]);
    for (const f of DISK_FILES) {
      const d = await run("debugfs", ["-R", `cat ${f}`, raw], { check: false });
      if (d.code === 0 && !/File not found/.test(d.stderr)) disk.set(f, d.stdout);
    }
    await rm(raw, { force: true });
  }
  await writeFile(join(out, "console.log"), consoleText);
  await writeFile(join(out, "results.log"), results);
  await writeFile(join(out, "time.txt"), timeTxt);
  if (aptStats) await writeFile(join(out, "apt-cache.txt"), `${formatStats(aptStats)}\n`);
  await writeFile(join(out, "qemu.txt"), `${qemu.join(" ")}\n\n${r.stdout}${r.stderr}`);
  for (const [f, text] of disk) await writeFile(join(out, `disk${f.replace(/\//g, "_")}`), text);
  if (process.env.BAKE_VM_KEEP !== "1" && !req.keepDisk) await rm(overlay, { force: true });

  return {
    name: req.name,
    dir: out,
    delivery,
    accel,
    qemuExit: r.code,
    timedOut,
    wallSeconds,
    peakRssMiB,
    console: consoleText,
    results,
    sections: parseSections(results),
    disk,
    userData,
    userDataSha256: createHash("sha256").update(userData).digest("hex"),
    keptDisk: req.keepDisk ? overlay : undefined,
    instanceId,
    aptCache: aptStats,
    powerCutAt: cut ? cut.at() : undefined,
  };
}

/** Sends qemu SIGTERM (its pid from -pidfile) once the console matches `when`: a power cut for the guest. */
function cutPowerWhen(consolePath: string, pidFile: string, when: RegExp, name: string) {
  let at: string | undefined;
  const timer = setInterval(async () => {
    const text = await readFile(consolePath, "utf8").catch(() => "");
    const line = text.split("\n").find((l) => when.test(l));
    if (!line || at !== undefined) return;
    const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
    if (!pid) return;
    at = line.replace(/\r/g, "").trim();
    log(`boot ${name}: cutting the power at "${at}"`);
    process.kill(pid, "SIGTERM");
  }, 500);
  return { stop: () => clearInterval(timer), at: () => at };
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Echoes bake's progress lines from the guest console while the VM runs. */
function followConsole(path: string, name: string): { stop(): void } {
  let offset = 0;
  let partial = "";
  const timer = setInterval(async () => {
    if (!(await exists(path))) return;
    const size = (await stat(path)).size;
    if (size <= offset) return;
    const fh = await import("node:fs/promises").then((m) => m.open(path, "r"));
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    await fh.close();
    offset = size;
    const lines = (partial + buf.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (/bake: |bake-vm:|Cloud-init v\. .* finished|login:/.test(line))
        log(
          `${name} | ${line
            .replace(/\r/g, "")
            .replace(/^.*?(bake)/, "$1")
            .trim()}`,
        );
    }
  }, 2000);
  return { stop: () => clearInterval(timer) };
}
