// The packages section's defaults: podman and buildah removed, docker's repository for the distro.
import { distroInfo, type DistroInfo } from "../distro/identity.js";
import type { NodeSpec } from "../../schema/node-spec.js";
import { getIn } from "../../schema/key-path.js";
import { dockerRepoDefaults } from "./facts.js";

export function packagesDefaults(info: DistroInfo): NodeSpec["packages"] {
  return {
    remove: ["podman", "buildah"],
    install: [],
    repo: dockerRepoDefaults(info),
  };
}

/**
 * EL: a repo the user points at (baseurl or gpgkey written) with no fingerprint keeps what bake
 * did before it pinned EL keys: dnf imports whatever its gpgkey serves. apt's pin stays (rules.ts).
 */
export function followPackages(spec: NodeSpec, raw: Record<string, unknown>): void {
  const wrote = (key: string) => getIn(raw, ["packages", "repo", key]) !== undefined;
  const ownRepo = wrote("baseurl") || wrote("gpgkey");
  if (distroInfo(spec.distro).family === "el" && ownRepo && !wrote("gpgkeyFingerprint"))
    spec.packages.repo.gpgkeyFingerprint = "";
}
