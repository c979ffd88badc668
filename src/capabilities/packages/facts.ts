// docker's package repository for each distro: its URL, its signing key, and the key's
// fingerprint, which apt then requires of the repository's signature and bake of the key dnf trusts.
import type { DistroInfo } from "../distro/identity.js";

// docker's apt signing key (pub 4096R/0EBFCD88 2017-02-22, "Docker Release (CE deb)"),
// the same for the debian and ubuntu repos: docker/docs PR #11990, engine/install/debian.md
// ("Verify that you now have the key with the fingerprint 9DC8 5822 ..."), read 2026-12-06.
export const DOCKER_APT_KEY_FINGERPRINT = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88";

// docker's rpm signing key ("Docker Release (CE rpm)"), for its rhel and centos repos: docker/docs
// content/manuals/engine/install/rhel.md ("verify that the fingerprint matches 060A 61C5 ..."), read 2026-12-06.
export const DOCKER_RPM_KEY_FINGERPRINT = "060A61C51B558A7F742B77AAC52FEB6B621E9F35";

// docker's apt repos have a suite per codename (the distro's, in docker.sources); resolute's is
// listed on Docker's Ubuntu install page: "Ubuntu Resolute 26.04 (LTS)" (docker/docs
// content/manuals/engine/install/ubuntu.md, read 2026-12-06).
/** The OS name docker's repos use: rhel, debian, ubuntu. */
export function dockerOs(info: DistroInfo): "rhel" | "debian" | "ubuntu" {
  if (info.family === "el") return "rhel";
  return info.id.startsWith("ubuntu") ? "ubuntu" : "debian";
}

export function dockerRepoDefaults(info: DistroInfo): {
  baseurl: string;
  gpgkey: string;
  gpgkeyFingerprint: string;
  gpgkeySha256: string;
} {
  if (info.family === "el") {
    // bake fetches this key, checks its fingerprint and imports it; dnf checks every package's signature with it.
    return {
      baseurl: `https://download.docker.com/linux/rhel/${info.major}/$basearch/stable`,
      gpgkey: "https://download.docker.com/linux/rhel/gpg",
      gpgkeyFingerprint: DOCKER_RPM_KEY_FINGERPRINT,
      gpgkeySha256: "",
    };
  }
  const os = dockerOs(info);
  return {
    baseurl: `https://download.docker.com/linux/${os}`,
    gpgkey: `https://download.docker.com/linux/${os}/gpg`,
    gpgkeyFingerprint: DOCKER_APT_KEY_FINGERPRINT,
    gpgkeySha256: "",
  };
}
