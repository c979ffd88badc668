// The crictl section of the spec: how crictl is installed, /etc/crictl.yaml.
import { Type } from "@sinclair/typebox";
import { obj, oneOf, str } from "../../schema/build.js";

export const CrictlSection = obj(
  {
    install: oneOf(
      ["release", "package", "none"],
      "release: sha256-checked tarball into /usr/local/bin (on EL also linked from /usr/bin, for sudo's secure_path). package: the cri-tools package from a configured repo. none: skip.",
    ),
    version: str("crictl-version", "cri-tools release; match the Kubernetes minor."),
    url: Type.String({
      format: "optional-http-url",
      description: "Tarball URL (air-gapped mirror); empty means the upstream release for arch.",
    }),
    sha256: Type.String({
      format: "optional-sha256",
      description: "Tarball checksum; required unless bake has a built-in one for version and arch.",
    }),
    runtimeEndpoint: str("cri-endpoint", "runtime-endpoint in /etc/crictl.yaml."),
    imageEndpoint: str("cri-endpoint", "image-endpoint in /etc/crictl.yaml."),
    timeout: Type.Integer({ minimum: 1, maximum: 3600, description: "Seconds; crictl rejects units such as 2s." }),
    debug: Type.Boolean({ description: "debug in /etc/crictl.yaml." }),
  },
  "crictl and /etc/crictl.yaml.",
);
