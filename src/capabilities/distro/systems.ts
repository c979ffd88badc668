// Which running systems each distro's output is for, read from /etc/os-release
// (os-release(5): ID, the space-separated ID_LIKE, VERSION_ID, VERSION_CODENAME).
// The EL outputs of one major are the same for Rocky, Alma and RHEL, so each takes
// all three: RHEL by its ID, Rocky and Alma (and CentOS) by "rhel" in ID_LIKE; Fedora
// (ID=fedora) does not match. Ubuntu is matched on
// its whole VERSION_ID: a derivative's own numbers (Linux Mint 22 is Ubuntu 24.04)
// must not pass for Ubuntu's. Debian testing has no VERSION_ID, so debian14 is
// matched on its codename, which it keeps once released. Read 2026-12-06:
// - Rocky 8.6: ID="rocky", ID_LIKE="rhel centos fedora", VERSION_ID="8.6"
//   (github.com/Triticum01/Triticum01.github.io, _posts/2023-01-05-Rocky-Linux.md);
// - AlmaLinux 9.2: ID="almalinux", ID_LIKE="rhel centos fedora", VERSION_ID="9.2"
//   (github.com/tsr-hataya/linux-server-text, almalinux9.2_osinfo.md);
// - CentOS 8: ID="centos", ID_LIKE="rhel fedora"; Ubuntu 22.04: ID=ubuntu,
//   ID_LIKE=debian, VERSION_ID="22.04" (github.com/yorevs/homesetup, docs/misc/linux-releases.md).
// - Fedora 38: ID=fedora, no ID_LIKE (the same homesetup file).
// Not re-read here: RHEL's ID="rhel", and Debian forky's os-release without VERSION_ID
// (as the issue states); the VM suite's trixie and forky boots exercise Debian's.
import type { Distro } from "../../schema/node-spec.js";

export interface SystemMatch {
  /** The system's os-release ID, or one word of its ID_LIKE (as written: IDs are matched case and all). */
  id: string;
  /** Its VERSION_ID whole, or the part before VERSION_ID's first dot, or its VERSION_CODENAME. */
  version: string;
  /** The systems, as `bake explain distro` names them. */
  name: string;
}

const el = (major: string): SystemMatch => ({
  id: "rhel",
  version: major,
  name: `Rocky Linux, AlmaLinux, RHEL ${major} (rhel in ID_LIKE)`,
});

export const SYSTEMS: Record<Distro, SystemMatch> = {
  rocky8: el("8"),
  rocky9: el("9"),
  rocky10: el("10"),
  alma8: el("8"),
  alma9: el("9"),
  alma10: el("10"),
  rhel8: el("8"),
  rhel9: el("9"),
  rhel10: el("10"),
  // Both are EL8 rebuilds whose output is rocky8's; each is matched on its own ID, and a
  // rocky8 script still runs on Anolis 8 (rhel in ID_LIKE, VERSION_ID 8.x), not on
  // Alibaba Cloud Linux 3 (VERSION_ID "3"). Captured `cat /etc/os-release` in public
  // repositories (bake's search index, files 56892776510 and 25171044546: alinux,
  // ID_LIKE "rhel fedora centos anolis" or, on older images, "rhel fedora centos",
  // VERSION_ID "3", PLATFORM_ID "platform:al8"; 44436480868: anolis, VERSION_ID "8.10",
  // PLATFORM_ID "platform:an8"), read 2026-12-06.
  alinux3: { id: "alinux", version: "3", name: "Alibaba Cloud Linux 3 (EL8-compatible)" },
  anolis8: { id: "anolis", version: "8", name: "Anolis OS 8 (EL8 rebuild)" },
  debian13: { id: "debian", version: "13", name: "Debian 13 (trixie)" },
  debian14: { id: "debian", version: "forky", name: "Debian 14 (forky; testing, which has no VERSION_ID)" },
  ubuntu2204: { id: "ubuntu", version: "22.04", name: "Ubuntu 22.04 LTS (jammy)" },
  ubuntu2404: { id: "ubuntu", version: "24.04", name: "Ubuntu 24.04 LTS (noble)" },
  // Released 2026-04-23; cgroup v1 is gone (systemd 259): ubuntu/ubuntu-release-notes
  // docs/26.04/summary-for-lts-users.md, read 2026-12-06.
  ubuntu2604: { id: "ubuntu", version: "26.04", name: "Ubuntu 26.04 LTS (resolute; cgroup v2 only)" },
};

/** What `uname -m` prints for each spec arch (the kernel's machine name). */
export const MACHINES = { amd64: "x86_64", arm64: "aarch64" } as const;
