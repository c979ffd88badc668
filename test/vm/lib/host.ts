// Host preparation: the VM suite checks that its tools are there (the setup step
// installs them) and picks KVM only when a guest really runs on it.
import { access, constants, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SUITE_TOOLS, VM_IMAGE_TOOLS } from "../../../scripts/suite-tools.mjs";
import { log, run, which } from "./exec.js";

const isRoot = () => process.getuid?.() === 0;

/** Runs a command as root: directly when we are root, else through `sudo -n`. */
export function asRoot(cmd: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? [cmd, [...args]] : ["sudo", ["-n", cmd, ...args]];
}

/** Fails at once, naming what is missing: the suite never installs anything itself. */
export async function ensureHostTools(opts: { buildImages: boolean }): Promise<void> {
  const missing: string[] = [];
  for (const [bin, pkg] of Object.entries(SUITE_TOOLS.vm)) {
    if (!opts.buildImages && VM_IMAGE_TOOLS.includes(bin)) continue;
    if (!(await (bin.startsWith("/") ? exists(bin) : which(bin)))) missing.push(`${bin} (${pkg})`);
  }
  if (missing.length > 0)
    throw new Error(
      `host: missing ${missing.join(", ")}; run npm run test:vm, whose setup step installs them (node scripts/test-setup.mjs vm)`,
    );
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

export type Accel = "kvm" | "tcg";

let accelProbe: Promise<Accel> | undefined;

/**
 * KVM if a guest really executes on it, else TCG. /dev/kvm can be present and
 * openable while guests abort (nested virtualisation refused), so the probe runs
 * SeaBIOS under KVM and waits for its banner on the debug console.
 * Runs only with BAKE_VM_ACCEL=auto (--accel auto); kvm|tcg choose directly, and the default is TCG.
 */
export function pickAccel(): Promise<Accel> {
  // one probe even when boots start concurrently
  accelProbe ??= probeAccel();
  return accelProbe;
}

async function probeAccel(): Promise<Accel> {
  const forced = process.env.BAKE_VM_ACCEL;
  if (forced === "kvm" || forced === "tcg") return forced;
  // The probe below has passed here on a /dev/kvm whose guests then hung in the kernel
  // ("Probing EDD"), so only --accel auto trusts it; KVM hosts pass --accel kvm (boot.yml does).
  if (forced !== "auto") {
    log("accel: TCG (--accel kvm to use KVM, --accel auto to probe for it)");
    return "tcg";
  }
  let accelCache: Accel = "tcg";
  try {
    await access("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    log("accel: /dev/kvm not usable by this user: TCG");
    return accelCache;
  }
  const dir = await mkdtemp(join(tmpdir(), "bake-kvm-probe-"));
  const out = join(dir, "debugcon.log");
  const r = await run(
    "timeout",
    [
      "10",
      "qemu-system-x86_64",
      "-accel",
      "kvm",
      "-machine",
      "q35",
      "-cpu",
      "host",
      "-m",
      "128",
      "-display",
      "none",
      "-monitor",
      "none",
      "-nodefaults",
      "-no-reboot",
      "-debugcon",
      `file:${out}`,
      "-global",
      "isa-debugcon.iobase=0x402",
    ],
    { check: false },
  );
  const text = await readFile(out, "utf8").catch(() => "");
  // SeaBIOS reaches its boot menu and keeps running, so timeout's 124 plus the banner means KVM works.
  if (r.code === 124 && /Booting from|No bootable device/.test(text)) accelCache = "kvm";
  log(
    `accel: KVM probe exit ${r.code}${r.code !== 124 ? ` (${r.stderr.trim().split("\n").pop()})` : ""}: using ${accelCache.toUpperCase()}`,
  );
  await rm(dir, { recursive: true, force: true });
  return accelCache;
}
