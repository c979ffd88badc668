// Runs a command as root in a throwaway root: an overlay of `layer` over the host's /,
// whose writes all land in `upper`, inside new mount and PID namespaces. Shared by the
// sandbox test (stubbed package managers) and the EL contract test (real dnf and rpm).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OverlayRoot {
  layer: string;
  upper: string;
  work: string;
  mnt: string;
  /** Bound over /proc/1/oom_score_adj (see WRAPPER). */
  oomfile: string;
}

// The overlay's upper layer may not live inside its lower layer (the host's /),
// so the boxes go on /dev/shm, a file system of its own.
export const BOXES = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

// Mount the overlay root, then run the command under PID 1 of the namespace, which is
// what a systemctl stub answers as containerd's MainPID. systemd would
// have set that process's oom_score_adj from the unit's OOMScoreAdjust (or containerd
// from its oom_score); a container may not lower it, so a file holding the value the
// node would have is bound over /proc/1/oom_score_adj instead.
const WRAPPER = `set -eu
layer=$1 upper=$2 work=$3 mnt=$4 oomfile=$5
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=$layer:/,upperdir=$upper,workdir=$work" "$mnt"
mount -t proc proc "$mnt/proc"
mount --bind "$oomfile" "$mnt/proc/1/oom_score_adj"
# Kernel parameters of the root's own: a sysctl stub sets them, verify reads them.
mount -t tmpfs tmpfs "$mnt/proc/sys"
mount --rbind /dev "$mnt/dev"
rc=0
chroot "$mnt" /bin/bash -c "$6" || rc=$?
# The script's log tee outlives it by a moment; when PID 1 exits the kernel kills it mid-write.
for _ in $(seq 200); do set -- /proc/[0-9]*; [ $# -le 1 ] && break; sleep 0.02; done
exit $rc
`;

/**
 * Boot the root with cgroup v2 or not. The root's /sys is the host's bare mount point, not
 * sysfs: a v2 node's /sys/fs/cgroup is a cgroup2 mount, and only a cgroup2 mount has a
 * cgroup.controllers file, which bake tests for; a v1 node's (a tmpfs) has none.
 */
export function cgroupV2(layer: string, v2: boolean): void {
  const controllers = join(layer, "sys/fs/cgroup/cgroup.controllers");
  if (!v2) {
    rmSync(controllers, { force: true });
    return;
  }
  mkdirSync(join(controllers, ".."), { recursive: true });
  writeFileSync(controllers, "cpuset cpu io memory hugetlb pids rdma misc\n");
}

/** Runs the bash command line `command` in the root; stdout and stderr come back together. */
export function runInOverlayRoot(root: OverlayRoot, command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const args = [
      "--mount",
      "--pid",
      "--fork",
      "--mount-proc",
      "bash",
      "-c",
      WRAPPER,
      "wrapper",
      root.layer,
      root.upper,
      root.work,
      root.mnt,
      root.oomfile,
      command,
    ];
    const child = spawn("unshare", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

/** Whether this host can run an overlay root: Linux, root, and unshare with new mount and PID namespaces. */
export function overlayRootAvailable(): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  try {
    execFileSync("unshare", ["--mount", "--pid", "--fork", "--mount-proc", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
