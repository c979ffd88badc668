// The packages section's defaults: podman and buildah removed, docker's repository for the distro.
import type { DistroInfo } from "../distro/identity.js";
import type { NodeSpec } from "../../schema/node-spec.js";
import { dockerRepoDefaults } from "./facts.js";

export function packagesDefaults(info: DistroInfo): NodeSpec["packages"] {
  return {
    remove: ["podman", "buildah"],
    install: [],
    repo: dockerRepoDefaults(info),
  };
}
