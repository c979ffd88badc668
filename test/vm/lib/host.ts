// Host preparation: the VM suite installs what it needs instead of skipping,
// and picks KVM only when a guest really runs on it.
import { access, constants, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { log, run, which } from "./exec.js";

/** binary -> Debian/Ubuntu package that provides it */
const TOOLS: Record<string, string> = {
  "qemu-system-x86_64": "qemu-system-x86",
  "qemu-img": "qemu-utils",
  "mkfs.vfat": "dosfstools",
  mcopy: "mtools",
  tar: "tar",
  gzip: "gzip",
  // the pod proof: a real registry on loopback, and a static busybox for the images pushed to it
  "docker-registry": "docker-registry",
  busybox: "busybox-static",
};
/** only needed to build the Debian images (not with --image) */
const IMAGE_TOOLS: Record<string, string> = {
  mmdebstrap: "mmdebstrap",
  "mkfs.ext4": "e2fsprogs",
  debugfs: "e2fsprogs",
};

const isRoot = () => process.getuid?.() === 0;

/** Runs a command as root: directly when we are root, else through `sudo -n`. */
export function asRoot(cmd: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? [cmd, [...args]] : ["sudo", ["-n", cmd, ...args]];
}

export async function ensureHostTools(opts: { buildImages: boolean }): Promise<void> {
  const wanted = { ...TOOLS, ...(opts.buildImages ? IMAGE_TOOLS : {}) };
  const missing = new Set<string>();
  for (const [bin, pkg] of Object.entries(wanted)) if (!(await which(bin))) missing.add(pkg);
  // GNU time gives qemu's peak RSS; the shell builtin cannot.
  if (!(await exists("/usr/bin/time"))) missing.add("time");
  if (missing.size === 0) return;
  const pkgs = [...missing].sort();
  log(`host: installing ${pkgs.join(" ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await run(...asRoot("apt-get", ["update", "-q"]), { env, echo: "apt: " });
  await run(...asRoot("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...pkgs]), { env, echo: "apt: " });
  for (const [bin, pkg] of Object.entries(wanted)) {
    if (!(await which(bin))) throw new Error(`host: ${bin} still missing after apt-get install ${pkg}`);
  }
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
 * BAKE_VM_ACCEL=kvm|tcg overrides the probe.
 */
export function pickAccel(): Promise<Accel> {
  // one probe even when boots start concurrently
  accelProbe ??= probeAccel();
  return accelProbe;
}

async function probeAccel(): Promise<Accel> {
  const forced = process.env.BAKE_VM_ACCEL;
  if (forced === "kvm" || forced === "tcg") return forced;
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
    ["10", "qemu-system-x86_64", "-accel", "kvm", "-machine", "q35", "-cpu", "host", "-m", "128", "-display", "none",
      "-monitor", "none", "-nodefaults", "-no-reboot", "-debugcon", `file:${out}`, "-global", "isa-debugcon.iobase=0x402"],
    { check: false },
  );
  const text = await readFile(out, "utf8").catch(() => "");
  // SeaBIOS reaches its boot menu and keeps running, so timeout's 124 plus the banner means KVM works.
  if (r.code === 124 && /Booting from|No bootable device/.test(text)) accelCache = "kvm";
  log(`accel: KVM probe exit ${r.code}${r.code !== 124 ? ` (${r.stderr.trim().split("\n").pop()})` : ""}: using ${accelCache.toUpperCase()}`);
  await rm(dir, { recursive: true, force: true });
  return accelCache;
}
