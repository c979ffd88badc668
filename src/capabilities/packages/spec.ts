// The packages section of the spec: removed and extra packages, docker's repository.
import { Type } from "@sinclair/typebox";
import { obj, str } from "../../schema/build.js";

export const PackagesSection = obj(
  {
    remove: Type.Array(str("package-name", "Package name."), {
      uniqueItems: true,
      maxItems: 64,
      description: "Removed before containerd is installed.",
    }),
    install: Type.Array(str("package-name", "Package name."), {
      uniqueItems: true,
      maxItems: 64,
      description: "Extra packages installed with containerd.",
    }),
    repo: obj(
      {
        baseurl: str(
          "http-url",
          "Repository URL; any mirror of docker's repo. dnf variables ($releasever, $basearch) are kept.",
        ),
        gpgkey: str("http-url", "URL of the repository's signing key; packages are always signature-checked."),
        gpgkeyFingerprint: Type.String({
          format: "optional-openpgp-fingerprint",
          description:
            "With source docker: the key's OpenPGP fingerprint; default docker's own (9DC858229FC7DD38854AE2D88D81803C0EBFCD88 for deb, 060A61C51B558A7F742B77AAC52FEB6B621E9F35 for rpm). Debian/Ubuntu: written into the source's Signed-By, so apt accepts the repository only when that key signed it. EL: bake imports the key from gpgkey only when it has this fingerprint, and docker-ce.repo names that local copy; empty (also when you set baseurl or gpgkey but not this): dnf imports whatever gpgkey serves. It survives a re-signed key file; a re-run fetches the key again once it has expired.",
        }),
        gpgkeySha256: Type.String({
          format: "optional-sha256",
          description:
            "With source docker: optional stricter pin, the sha256 of the key file, checked before apt (or, on EL with a fingerprint, rpm) sees it; it breaks when the key file is re-signed.",
        }),
      },
      "Docker's package repository (containerd.io). Unused when containerd.source is distro.",
    ),
  },
  "Packages.",
);
