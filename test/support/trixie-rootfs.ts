// A Debian trixie root filesystem with cloud-init 25.1, for running the real
// `cloud-init schema` and cloud-init's own decoders against bake's output.
// Built once with mmdebstrap and cached outside the repo (scripts/debian-root.mjs).
import { spawnSync } from "node:child_process";
import { debianRoot } from "../../scripts/debian-root.mjs";

/** Path of the cached rootfs; builds it (about a minute) when missing. */
export const trixieRootfs = (): string => debianRoot("trixie-cloud-init", "trixie", ["cloud-init", "python3"]);

/** Run a command inside the rootfs with chroot; files go through rootfs/tmp. */
export function inRootfs(rootfs: string, args: string[], input?: string) {
  const r = spawnSync("chroot", [rootfs, ...args], {
    input,
    encoding: "utf8",
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" },
  });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
