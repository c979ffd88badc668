// Package removal, docker's repository, and the containerd package itself.
import { containerdPackage, containerdPackageName, type DistroInfo } from "../distro.js";
import { renderTemplate } from "../render/templates.js";
import { lines, sh, type ShellCode } from "../render/shell.js";
import type { Contribution, PlanContext } from "./types.js";

export const EL_REPO_FILE = "/etc/yum.repos.d/docker-ce.repo";
export const APT_SOURCES_FILE = "/etc/apt/sources.list.d/docker.sources";
export const APT_KEYRING = "/etc/apt/keyrings/docker.asc";

export function packages({ spec, distro }: PlanContext): Contribution {
  const out: Contribution = { files: [], steps: [], checks: [] };
  const { remove, install, repo } = spec.packages;
  const { source, version, hold } = spec.containerd;

  // apt removes them in the install's own transaction (name-): one read of the
  // package lists and one dpkg run instead of two, seconds under emulation.
  const removeWithInstall = distro.family === "debian" ? remove : [];
  if (remove.length > 0 && removeWithInstall.length === 0) {
    out.steps!.push({
      id: "remove-packages",
      title: `remove ${remove.join(", ")}`,
      run: sh`bake_pkg_remove ${remove}`,
    });
  }
  // One check and one query (rpm -q or dpkg-query) for them all: a process each cost a third of a second under TCG.
  if (remove.length > 0)
    out.checks!.push({
      description:
        remove.length === 1
          ? `package ${remove[0]} is not installed`
          : `packages ${remove.join(", ")} are not installed`,
      test: sh`bake_pkg_absent ${remove}`,
    });

  if (source === "docker" && distro.family === "el") {
    const exclude = hold ? containerdPackageName(source) : "";
    out.files!.push({
      path: EL_REPO_FILE,
      mode: "0644",
      content: renderTemplate("docker-ce.repo.hbs", { ...repo, exclude }),
      from: ["packages.repo", "containerd.hold"],
    });
  }
  if (source === "docker" && distro.family === "debian") {
    out.files!.push({
      path: APT_SOURCES_FILE,
      mode: "0644",
      content: renderTemplate("docker.sources.hbs", {
        baseurl: repo.baseurl,
        codename: distro.codename,
        arch: spec.arch,
        keyring: APT_KEYRING,
      }),
      from: ["packages.repo", "distro", "arch"],
      keyFetchedBy: "docker-repo-key",
    });
    out.steps!.push({
      id: "docker-repo-key",
      title: "fetch the signing key of the docker repository",
      run: lines(
        sh`install -d -m 0755 /etc/apt/keyrings`,
        sh`bake_download ${repo.gpgkey} ${APT_KEYRING} ${repo.gpgkeySha256}`,
        sh`chmod 0644 ${APT_KEYRING}`,
        sh`bake_pkg_refresh`,
      ),
    });
  }

  const wanted = [containerdPackage(distro, source, version), ...install];
  // Named when a package or version is missing, so the message says where bake looked.
  const looked =
    source === "distro"
      ? `${distro.id}'s own`
      : distro.family === "el"
        ? `docker-ce-stable, ${EL_REPO_FILE}, and the OS's`
        : `${APT_SOURCES_FILE} and the OS's`;
  out.steps!.push({
    id: "install-containerd",
    title: `install ${wanted.join(" ")}${removeWithInstall.length > 0 ? `; remove ${removeWithInstall.join(", ")}` : ""}`,
    run: lines(
      sh`BAKE_PKG_REPO=${looked}`,
      ...installHeld(
        distro,
        containerdPackageName(source),
        [...wanted, ...removeWithInstall.map((name) => `${name}-`)],
        hold,
      ),
    ),
  });
  if (hold) {
    const name = containerdPackageName(source);
    out.checks!.push({
      description: `${name} is held`,
      test: distro.family === "el" ? sh`grep -qxF ${`exclude=${name}`} ${EL_REPO_FILE}` : sh`bake_apt_held ${name}`,
    });
  }
  return out;
}

/**
 * Install, able to change a held version when the spec asks for another, then
 * hold (or release) what was installed. On EL the hold is the exclude= line of
 * docker-ce.repo, which needs no plugin and is rewritten with the file.
 */
function installHeld(distro: DistroInfo, name: string, wanted: string[], hold: boolean): ShellCode[] {
  if (distro.family === "el") return [sh`bake_pkg_install --disableexcludes=docker-ce-stable ${wanted}`];
  return [
    sh`bake_pkg_install --allow-change-held-packages ${wanted}`,
    sh`bake_apt_mark ${hold ? "hold" : "unhold"} ${name}`,
  ];
}
