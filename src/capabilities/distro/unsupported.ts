// Systems users ask for that bake does not target, and why: `validate` names the reason
// when the spec's distro looks like one, `bake explain distro` lists them.
//
// openEuler 24.03 LTS, read 2026-12-06 (docs/research/2026-12-06-distros.md, Q3):
// - os-release: ID="openEuler", VERSION_ID="24.03", no ID_LIKE (captured boot logs and
//   os-release files in bake's search index, 14607867353 and 42568448332): not an EL rebuild;
// - docker publishes no openEuler tree, and its rhel/centos packages are built against EL;
// - its own containerd: an older openEuler containerd.spec builds with BUILDTAGS "no_btrfs
//   no_cri" (openeuler-mirror/containerd, commit 056f26dd), and what 24.03's package holds
//   could not be checked; kubespray calls openEuler support experimental
//   (docs/operating_systems/openeuler.md) and installs containerd from upstream binaries.
export interface UnsupportedSystem {
  /** How it is spelled in a spec's distro value (lowercase prefix). */
  prefix: string;
  name: string;
  why: string;
}

export const UNSUPPORTED: UnsupportedSystem[] = [
  {
    prefix: "openeuler",
    name: "openEuler 24.03 LTS",
    why: "not an EL rebuild (no ID_LIKE); docker has no openEuler repo, and whether its own containerd has the CRI plugin is unverified. Use an alinux3, anolis8 or rocky9 image",
  },
];

/** The unsupported system a distro value names, if any. */
export function unsupportedSystem(value: unknown): UnsupportedSystem | undefined {
  const v = typeof value === "string" ? value.toLowerCase() : "";
  return UNSUPPORTED.find((u) => v.startsWith(u.prefix));
}
