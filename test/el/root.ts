// A Rocky-like root for running bake's EL provisioner with the real dnf and rpm (Debian's
// dnf 4.14, rpm 4.18). As in test/sandbox.test.ts, it is an overlay of the host's / with
// a layer on top and an empty upper directory that catches every write, mounted in a new
// mount and PID namespace. What the layer adds, and why:
// - /etc/rpm/macros: EL's rpm database lives in /var/lib/rpm; Debian's rpm keeps it in ~/.rpmdb.
// - /etc/dnf/dnf.conf: Rocky's (best=True, skip_if_unavailable=False); Debian's skips broken repos.
// - /etc/dnf/vars/releasever: stands in for rocky-release's `system-release(releasever)`
//   provide, from which dnf on Rocky takes $releasever (8, 9 or 10; 3 on Alibaba Cloud Linux 3).
// - /etc/yum.repos.d/rocky.repo: a stand-in for Rocky's AppStream on the local server.
// - stubs in /usr/local/sbin (first on bake's PATH) for what needs a booted host:
//   systemctl, modprobe, sysctl, selinuxenabled, sleep (which logs, so bake's retries
//   take no time and can be counted), and uname and modinfo (an EL kernel, whose
//   br_netfilter comes with kernel-modules-extra).
// - /sys/fs/cgroup/cgroup.controllers: the root's /sys is a bare directory; the file makes it a
//   node booted with cgroup v2. Without it (cgroupV1), an EL8 node before its switch: a grubby
//   stub logs the kernel arguments bake sets, and writing the file is the "reboot".
// - whiteouts hiding host files a fresh Rocky host does not have (/etc/containerd, ...).
// dnf, rpm, curl, tar and the stand-in containerd from the package are not stubbed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { Distro } from "../../src/schema/node-spec.js";
import { OS_RELEASE } from "../support/os-release.js";
import { BOXES, cgroupV2, runInOverlayRoot } from "../support/overlay-root.js";
import { SHOW_CONTAINERD, SYSCTL } from "../support/stubs.js";
import { EL10_KERNEL, GNU_TAR_IN_ROOT } from "./repo.js";

const ROCKY_DNF_CONF = `[main]
gpgcheck=1
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
`;

const STUBS: Record<string, string> = {
  // every unit is there and running, except firewalld (not installed, as on Rocky's GenericCloud image)
  systemctl: `case "$1" in
  show) ${SHOW_CONTAINERD} ;;
  is-active|is-enabled) [ "\${*: -1}" != firewalld ] ;;
esac`,
  modprobe: `for m in "$@"; do [ "$m" = -a ] || mkdir -p "/sys/module/$m"; done`,
  sysctl: SYSCTL,
  selinuxenabled: "exit 1 # SELinux is off",
  sleep: `echo "$*" >> /stub/sleep`,
  // The kernel of an EL10 image (only EL10's plan asks), not the host's; /stub/kernel overrides it.
  uname: `case "$1" in
  -r) cat /stub/kernel 2>/dev/null || echo "${EL10_KERNEL}.x86_64" ;;
  -m) cat /stub/machine 2>/dev/null || echo x86_64 ;;
  *) exec /usr/bin/uname "$@" ;;
esac`,
  // what a reboot would boot with: the arguments bake gave every kernel
  grubby: `echo "$*" >> /stub/grubby`,
  // overlay is in EL's kernel-core; br_netfilter is found once kernel-modules-extra is installed.
  modinfo: `[ "$1" = overlay ] || [ -e "/lib/modules/$(uname -r)/kernel/net/bridge/$1.ko.xz" ]`,
};

// Host files a fresh Rocky host lacks; dnf must not find an rpm database or cache either.
const HIDDEN = [
  "/etc/containerd",
  "/usr/bin/containerd",
  "/usr/bin/ctr",
  "/usr/sbin/runc",
  "/usr/bin/runc",
  "/var/lib/rpm",
  "/var/lib/dnf",
  "/var/cache/dnf",
];

/** A path in the layer that hides the host's file or directory (an overlay whiteout). */
export function hideFromRoot(layer: string, path: string): void {
  mkdirSync(join(layer, path, ".."), { recursive: true });
  execFileSync("mknod", [join(layer, path), "c", "0", "0"]);
}

export interface ElRoot {
  upper: string;
  /** Runs a bash command line in the root; every write lands in `upper`. */
  run(command: string): Promise<{ code: number; output: string }>;
  /** Installs and runs bake's Packer script. */
  provision(script: string): Promise<{ code: number; output: string }>;
  /** `rpm -q` of the names; "package X is not installed" lines included. */
  rpmQuery(...names: string[]): Promise<string[]>;
  /** The arguments of each `sleep` bake called (its retry back-off). */
  sleeps(): string[];
  remove(): void;
}

export interface RootOptions {
  /** dnf's $releasever: 8, 9 or 10 on Rocky; 3 on Alibaba Cloud Linux 3. */
  releasever: 3 | 8 | 9 | 10;
  /** Whose /etc/os-release the root shows: Rocky's of `releasever` unless another distro's. */
  system?: Distro;
  /** baseurl of the stand-in AppStream repo and its key. */
  osRepo: { baseurl: string; gpgkey: string };
  /**
   * Hide the host's tar, as on Rocky minimal images, so that only a tar installed from the
   * OS repo (the stand-in runs the host's GNU tar from GNU_TAR_IN_ROOT) can unpack crictl.
   * For the host-tools step other branches add; today's provisioner fails without tar.
   */
  withoutTar?: boolean;
  /** A node booted with cgroup v1, as EL8 is: no cgroup.controllers until the test writes it. */
  cgroupV1?: boolean;
  /** The unit's OOMScoreAdjust, what /proc/<MainPID>/oom_score_adj shows. */
  oomScoreAdj?: number;
  /** What uname -m says, when not x86_64: a machine of another arch. */
  machine?: string;
}

export function makeRoot(name: string, opts: RootOptions): ElRoot {
  const dir = mkdtempSync(join(BOXES, `bake-el-${name}-`));
  const [layer, upper, work, mnt] = ["layer", "upper", "work", "mnt"].map((d) => join(dir, d)) as [
    string,
    string,
    string,
    string,
  ];
  for (const d of [layer, upper, work, mnt]) mkdirSync(d);
  for (const path of HIDDEN) if (existsSync(path)) hideFromRoot(layer, path);
  const put = (path: string, content: string, mode = 0o644) => {
    mkdirSync(join(layer, path, ".."), { recursive: true });
    writeFileSync(join(layer, path), content);
    chmodSync(join(layer, path), mode);
  };
  put("/etc/rpm/macros", "%_dbpath /var/lib/rpm\n");
  // Rocky's (or opts.system's), which bake's first step checks (the host's is Debian's); alma and rhel scripts run on Rocky's too.
  put("/etc/os-release", OS_RELEASE[opts.system ?? (`rocky${opts.releasever}` as Distro)]);
  if (opts.machine) put("/stub/machine", `${opts.machine}\n`);
  // rocky-release keeps the OS keys in /etc/pki/rpm-gpg (rockylinux.org's keys page, read 2026-12-06); bake puts repo keys beside them.
  mkdirSync(join(layer, "etc/pki/rpm-gpg"), { recursive: true });
  put("/etc/dnf/dnf.conf", ROCKY_DNF_CONF);
  put("/etc/dnf/vars/releasever", `${opts.releasever}\n`);
  put(
    "/etc/yum.repos.d/rocky.repo",
    `# Stand-in for the OS's AppStream, served by bake's EL contract test.\n[appstream]\nname=OS $releasever - AppStream (stand-in)\nbaseurl=${opts.osRepo.baseurl}\ngpgcheck=1\nenabled=1\ngpgkey=${opts.osRepo.gpgkey}\n`,
  );
  for (const [command, body] of Object.entries(STUBS))
    put(
      `/usr/local/sbin/${command}`,
      `#!/bin/bash\n# Stub of bake's EL contract test: the sandbox has no booted system.\nmkdir -p /stub\n${body}\n`,
      0o755,
    );
  cgroupV2(layer, !opts.cgroupV1);
  if (opts.withoutTar) {
    for (const tar of ["/usr/bin/tar", "/usr/sbin/tar"]) if (existsSync(tar)) hideFromRoot(layer, tar);
    mkdirSync(join(layer, GNU_TAR_IN_ROOT, ".."), { recursive: true });
    copyFileSync("/usr/bin/tar", join(layer, GNU_TAR_IN_ROOT));
  }
  const oomfile = join(dir, "oom_score_adj");
  writeFileSync(oomfile, `${opts.oomScoreAdj ?? -999}\n`);

  const run = (command: string) => runInOverlayRoot({ layer, upper, work, mnt, oomfile }, command);
  return {
    upper,
    run,
    provision: (script) => {
      writeFileSync(join(upper, "bake-provision.sh"), script);
      return run("/bin/bash /bake-provision.sh");
    },
    rpmQuery: async (...names) => (await run(`rpm -q ${names.join(" ")}`)).output.trim().split("\n"),
    sleeps: () =>
      existsSync(join(upper, "stub/sleep")) ? readFileSync(join(upper, "stub/sleep"), "utf8").trim().split("\n") : [],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs `dnf -y upgrade` in the root, as dnf-automatic or an admin would after provisioning,
 * and returns the containerd.io version-release installed afterwards. For the version hold
 * other branches add: the hold must keep this at what bake installed.
 */
export async function upgradeAndGetContainerd(root: ElRoot): Promise<string> {
  const upgrade = await root.run("dnf -y -q upgrade");
  if (upgrade.code !== 0) throw new Error(`dnf upgrade failed:\n${upgrade.output}`);
  const q = await root.run("rpm -q --qf '%{VERSION}-%{RELEASE}\\n' containerd.io");
  if (q.code !== 0) throw new Error(`containerd.io is not installed:\n${q.output}`);
  return q.output.trim();
}

/** Regular files under the upper directory, by path: sha256 and mtime. */
export function filesIn(upper: string, prefix = ""): Map<string, { sha: string; mtime: number }> {
  const out = new Map<string, { sha: string; mtime: number }>();
  for (const name of readdirSync(join(upper, prefix))) {
    const rel = `${prefix}/${name}`;
    const st = lstatSync(join(upper, rel));
    if (st.isDirectory()) for (const [k, v] of filesIn(upper, rel)) out.set(k, v);
    else if (st.isFile())
      out.set(rel, {
        sha: createHash("sha256")
          .update(readFileSync(join(upper, rel)))
          .digest("hex"),
        mtime: st.mtimeMs,
      });
  }
  return out;
}
