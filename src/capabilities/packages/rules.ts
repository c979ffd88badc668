// What the schema cannot say about docker's repository: EL8 and the centos/8 tree, an
// apt key pinned by nothing, and a repository no package comes from.
import { distroInfo } from "../distro/identity.js";
import { ruleFindings, type RuleFinding } from "../../report.js";
import type { NodeSpec } from "../../schema/node-spec.js";

/** The packages section. */
export function packagesRules(spec: NodeSpec, raw: Record<string, unknown>): RuleFinding[] {
  const { out, error, warn } = ruleFindings();
  const info = distroInfo(spec.distro);
  const c = spec.containerd;
  if (
    info.family === "el" &&
    info.major === 8 &&
    dockerCentos8Repo(spec.packages.repo.baseurl) &&
    !/^1\.[0-6](\.|$)/.test(c.version)
  ) {
    error(
      ["packages", "repo", "baseurl"],
      `docker's centos/8 repository ends at containerd.io 1.6.x, so containerd ${c.version} cannot install on ${spec.distro}; use its rhel/8 repository (https://download.docker.com/linux/rhel/8/$basearch/stable, the default) or a mirror of it`,
    );
  }
  const repo = spec.packages.repo;
  if (info.family === "debian" && c.source === "docker" && repo.gpgkeyFingerprint === "" && repo.gpgkeySha256 === "") {
    error(
      ["packages", "repo", "gpgkeyFingerprint"],
      "is empty, and so is gpgkeySha256: apt would trust any key the gpgkey URL serves; set the key's fingerprint",
    );
  }
  if (
    info.family === "debian" &&
    c.source === "distro" &&
    (raw.packages as Record<string, unknown> | undefined)?.repo
  ) {
    warn(["packages", "repo"], "is unused with containerd.source: distro");
  }
  return out;
}

/**
 * A URL laid out like docker's centos/8 repository (download.docker.com or a mirror
 * that copies its paths, such as aliyun's docker-ce); on EL8 $releasever is 8.
 */
function dockerCentos8Repo(baseurl: string): boolean {
  return /\/linux\/centos\/(8|\$releasever)(\/|$)/.test(baseurl);
}
