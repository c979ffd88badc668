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
        gpgkeySha256: Type.String({
          format: "optional-sha256",
          description:
            "sha256 of the key file, checked before apt trusts it (Debian/Ubuntu with source docker); built in for docker's own key.",
        }),
      },
      "Docker's package repository (containerd.io). Unused when containerd.source is distro.",
    ),
  },
  "Packages.",
);
