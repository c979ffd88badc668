// Package removal, docker's repository, and the containerd package itself.
import { containerdPackage } from "../distro.js";
import { renderTemplate } from "../render/templates.js";
import { lines, sh } from "../render/shell.js";
import type { Contribution, PlanContext } from "./types.js";

export const EL_REPO_FILE = "/etc/yum.repos.d/docker-ce.repo";
export const APT_SOURCES_FILE = "/etc/apt/sources.list.d/docker.sources";
export const APT_KEYRING = "/etc/apt/keyrings/docker.asc";

export function packages({ spec, distro }: PlanContext): Contribution {
  const out: Contribution = { files: [], steps: [], checks: [] };
  const { remove, install, repo } = spec.packages;
  const { source, version } = spec.containerd;

  if (remove.length > 0) {
    out.steps!.push({ id: "remove-packages", title: `remove ${remove.join(", ")}`, run: sh`bake_pkg_remove ${remove}` });
    for (const name of remove) out.checks!.push({ description: `package ${name} is not installed`, test: sh`bake_pkg_absent ${name}` });
  }

  if (source === "docker" && distro.family === "el") {
    out.files!.push({ path: EL_REPO_FILE, mode: "0644", content: renderTemplate("docker-ce.repo.hbs", repo), from: ["packages.repo"] });
  }
  if (source === "docker" && distro.family === "debian") {
    out.files!.push({
      path: APT_SOURCES_FILE,
      mode: "0644",
      content: renderTemplate("docker.sources.hbs", { baseurl: repo.baseurl, codename: distro.codename, arch: spec.arch, keyring: APT_KEYRING }),
      from: ["packages.repo", "distro", "arch"],
    });
    out.steps!.push({
      id: "docker-repo-key",
      title: "fetch the signing key of the docker repository",
      run: lines(sh`install -d -m 0755 /etc/apt/keyrings`, sh`bake_download ${repo.gpgkey} ${APT_KEYRING} ${repo.gpgkeySha256}`, sh`chmod 0644 ${APT_KEYRING}`, sh`bake_pkg_refresh`),
    });
  }

  const wanted = [containerdPackage(distro, source, version), ...install];
  // Named when a package or version is missing, so the message says where bake looked.
  const containerdRepo =
    source === "distro" ? `${distro.id}'s own archive (the image's apt sources)` : distro.family === "el" ? `docker-ce-stable (${EL_REPO_FILE})` : `docker's repository (${APT_SOURCES_FILE})`;
  out.steps!.push({
    id: "install-containerd",
    title: `install ${wanted.join(" ")}`,
    run: lines(sh`BAKE_PKG_REPO=${`the enabled repositories; ${wanted[0]} comes from ${containerdRepo}`}`, sh`bake_pkg_install ${wanted}`),
  });
  return out;
}
