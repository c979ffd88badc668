// docker's package repository for each distro: its URL, its signing key, and the
// key file's sha256 where apt needs one.
import type { DistroInfo } from "../../distro.js";

// sha256 of docker's apt signing key file (fingerprint 9DC8 5822 9FC7 DD38 854A
// E2D8 8D81 803C 0EBF CD88), the same file at the debian and ubuntu URLs.
const DOCKER_APT_KEY_SHA256 = "1500c1f56fa9e26b9b8f42452a553675796ade0807cdce11975eb98170b3a570";

/** The OS name docker's repos use: rhel, debian, ubuntu. */
export function dockerOs(info: DistroInfo): "rhel" | "debian" | "ubuntu" {
  if (info.family === "el") return "rhel";
  return info.id.startsWith("ubuntu") ? "ubuntu" : "debian";
}

export function dockerRepoDefaults(info: DistroInfo): { baseurl: string; gpgkey: string; gpgkeySha256: string } {
  if (info.family === "el") {
    // dnf fetches this key itself and checks every package's signature with it.
    return {
      baseurl: `https://download.docker.com/linux/rhel/${info.major}/$basearch/stable`,
      gpgkey: "https://download.docker.com/linux/rhel/gpg",
      gpgkeySha256: "",
    };
  }
  const os = dockerOs(info);
  return {
    baseurl: `https://download.docker.com/linux/${os}`,
    gpgkey: `https://download.docker.com/linux/${os}/gpg`,
    gpgkeySha256: DOCKER_APT_KEY_SHA256,
  };
}
