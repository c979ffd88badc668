// A Debian trixie root filesystem with cloud-init 25.1, for running the real
// `cloud-init schema` and cloud-init's own decoders against bake's output.
// Built once with mmdebstrap and cached outside the repo, keyed by its recipe.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

const PACKAGES = ["cloud-init", "python3"];
const RECIPE = JSON.stringify({ suite: "trixie", variant: "minbase", packages: PACKAGES, version: 1 });

/** Path of the cached rootfs; builds it (about a minute) when missing. */
export function trixieRootfs(): string {
  const key = createHash("sha256").update(RECIPE).digest("hex").slice(0, 12);
  const cache = process.env.BAKE_TOOLS_CACHE ?? "/var/cache/bake-tools";
  const dir = join(cache, `trixie-cloud-init-${key}`);
  if (existsSync(join(dir, "usr/bin/cloud-init"))) return dir;
  mkdirSync(cache, { recursive: true });
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  // The mirror reachable in CI may serve Release files past Valid-Until.
  execFileSync(
    "mmdebstrap",
    [
      "--variant=minbase",
      "--quiet",
      `--include=${PACKAGES.join(",")}`,
      '--aptopt=Acquire::Check-Valid-Until "false"',
      "--dpkgopt=path-exclude=/usr/share/{doc,man,locale}/*",
      "trixie",
      building,
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  renameSync(building, dir);
  return dir;
}

/** Run a command inside the rootfs with chroot; files go through rootfs/tmp. */
export function inRootfs(rootfs: string, args: string[], input?: string) {
  const r = spawnSync("chroot", [rootfs, ...args], {
    input,
    encoding: "utf8",
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" },
  });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
