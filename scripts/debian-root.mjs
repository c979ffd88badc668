// A minimal Debian root filesystem built with mmdebstrap and cached under
// /var/cache/bake-tools (or $BAKE_TOOLS_CACHE), keyed by its recipe: a changed
// package list builds a new root, an unchanged one is reused.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Path of the cached `suite` root holding `packages`; builds it (a minute or more) when missing. */
export function debianRoot(name, suite, packages) {
  const recipe = JSON.stringify({ suite, variant: "minbase", packages, version: 1 });
  const key = createHash("sha256").update(recipe).digest("hex").slice(0, 12);
  const cache = process.env.BAKE_TOOLS_CACHE ?? "/var/cache/bake-tools";
  const dir = join(cache, `${name}-${key}`);
  // The root is renamed into place only after mmdebstrap succeeded: one that exists is complete.
  if (existsSync(join(dir, "usr/bin"))) return dir;
  mkdirSync(cache, { recursive: true });
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  // The mirror reachable in CI may serve Release files past Valid-Until.
  execFileSync(
    "mmdebstrap",
    [
      "--variant=minbase",
      "--quiet",
      `--include=${packages.join(",")}`,
      '--aptopt=Acquire::Check-Valid-Until "false"',
      "--dpkgopt=path-exclude=/usr/share/{doc,man,locale}/*",
      suite,
      building,
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  renameSync(building, dir);
  return dir;
}
