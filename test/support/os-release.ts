// /etc/os-release as each distro ships it, for the throwaway roots (the sandbox, the
// EL contract suite), which otherwise show the host's Debian: bake's first step checks it.
// Texts read 2026-12-06, trimmed to the keys a reader of the file uses:
// - Rocky: github.com/Triticum01/Triticum01.github.io, _posts/2023-01-05-Rocky-Linux.md (8.6;
//   other majors alike, their number in place);
// - AlmaLinux 9.2: github.com/tsr-hataya/linux-server-text, almalinux9.2_osinfo.md;
// - Ubuntu 22.04.2: github.com/yorevs/homesetup, docs/misc/linux-releases.md (24.04 alike);
// - Ubuntu 26.04 LTS: a captured `cat /etc/os-release` in a public repository (search index id
//   62460617726): PRETTY_NAME="Ubuntu 26.04 LTS", VERSION_ID="26.04", VERSION_CODENAME=resolute,
//   ID=ubuntu, ID_LIKE=debian.
// RHEL's (ID="rhel", ID_LIKE="fedora") and Debian's (forky: no VERSION_ID) were not re-read
// here; they are stand-ins of that shape.
import type { Distro } from "../../src/schema/node-spec.js";

const el = (name: string, id: string, idLike: string, version: string) =>
  `NAME="${name}"\nVERSION="${version}"\nID="${id}"\nID_LIKE="${idLike}"\nVERSION_ID="${version}"\nPLATFORM_ID="platform:el${version.split(".")[0]}"\nPRETTY_NAME="${name} ${version}"\n`;
const rocky = (version: string) => el("Rocky Linux", "rocky", "rhel centos fedora", version);
const alma = (version: string) => el("AlmaLinux", "almalinux", "rhel centos fedora", version);
const rhel = (version: string) => el("Red Hat Enterprise Linux", "rhel", "fedora", version);
const ubuntu = (version: string, point: string, codename: string) =>
  `PRETTY_NAME="Ubuntu ${point} LTS"\nNAME="Ubuntu"\nVERSION_ID="${version}"\nVERSION_CODENAME=${codename}\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=${codename}\n`;

export const OS_RELEASE: Record<Distro, string> = {
  rocky8: rocky("8.10"),
  rocky9: rocky("9.6"),
  rocky10: rocky("10.0"),
  alma8: alma("8.10"),
  alma9: alma("9.2"),
  alma10: alma("10.0"),
  rhel8: rhel("8.10"),
  rhel9: rhel("9.6"),
  rhel10: rhel("10.0"),
  // Captured in public repositories (bake's search index, files 56892776510 and 44436480868), read 2026-12-06.
  alinux3: `NAME="Alibaba Cloud Linux"\nVERSION="3 (OpenAnolis Edition)"\nID="alinux"\nID_LIKE="rhel fedora centos anolis"\nVERSION_ID="3"\nPLATFORM_ID="platform:al8"\nPRETTY_NAME="Alibaba Cloud Linux 3.2104 U13.1 (OpenAnolis Edition)"\n`,
  anolis8: `NAME="Anolis OS"\nVERSION="8.10"\nID="anolis"\nID_LIKE="rhel fedora centos"\nVERSION_ID="8.10"\nPLATFORM_ID="platform:an8"\nPRETTY_NAME="Anolis OS 8.10"\n`,
  debian13: `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nNAME="Debian GNU/Linux"\nVERSION_ID="13"\nVERSION="13 (trixie)"\nVERSION_CODENAME=trixie\nID=debian\n`,
  debian14: `PRETTY_NAME="Debian GNU/Linux forky/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=forky\nID=debian\n`,
  ubuntu2204: ubuntu("22.04", "22.04.2", "jammy"),
  ubuntu2404: ubuntu("24.04", "24.04.1", "noble"),
  ubuntu2604: ubuntu("26.04", "26.04", "resolute"),
};

/** A stub of uname whose -m says `machine`; anything else is the real uname's. */
export const unameSaying = (machine: string) =>
  `if [ "$*" = -m ]; then echo ${machine}; else exec /usr/bin/uname "$@"; fi`;

/** What uname -m prints for each spec arch. */
export const MACHINE = { amd64: "x86_64", arm64: "aarch64" } as const;
