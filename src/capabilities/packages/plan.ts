// Package removal, docker's repository, and the containerd package itself.
import type { DistroInfo } from "../distro/identity.js";
import { renderTemplate } from "../../render/templates.js";
import { lines, sh, type ShellCode } from "../../render/shell.js";
import type { Contribution, PlanContext } from "../../plan/types.js";
import { batchedCheck } from "../../plan/check.js";
import { rpmKeyLocation, rpmKeySteps } from "../../plan/rpm-key.js";

const EL_REPO_FILE = "/etc/yum.repos.d/docker-ce.repo";
/** The name of docker's pinned key in /etc/pki/rpm-gpg (plan/rpm-key.ts). */
const EL_KEY_NAME = "docker-ce";
const APT_SOURCES_FILE = "/etc/apt/sources.list.d/docker.sources";
/** Where write_files puts the source until its key is in place. */
const APT_STAGED_SOURCE = "/var/lib/bake/docker.sources";
const APT_KEYRING = "/etc/apt/keyrings/docker.asc";

export function packages({ spec, distro, containerdPackage }: PlanContext): Contribution {
  const { remove, install, repo } = spec.packages;
  const { source, hold } = spec.containerd;
  const name = containerdPackage.name;
  const el = distro.family === "el";
  // containerd's runtime, held with it. Debian's and Ubuntu's containerd depends on their runc
  // package (packages.ubuntu.com jammy/noble containerd, read 2026-12-06); docker's containerd.io
  // bundles runc (Provides, Conflicts, Replaces: runc in docker/containerd-packaging's
  // debian/control and rpm spec, read 2026-12-06), so its hold already holds runc.
  const held = !el && source === "distro" ? [name, "runc"] : [name];
  // apt removes them in the install's own transaction (name-): one read of the
  // package lists and one dpkg run instead of two, seconds under emulation.
  const removeWithInstall = distro.family === "debian" ? remove : [];
  const wanted = [containerdPackage.wanted, ...install];
  // Named when a package or version is missing, so the message says where bake looked.
  const looked =
    source === "distro"
      ? `${distro.id}'s own`
      : el
        ? `docker-ce-stable, ${EL_REPO_FILE}, and the OS's`
        : `${APT_SOURCES_FILE} and the OS's`;
  return {
    files: [
      ...(source === "docker" && el
        ? [
            {
              path: EL_REPO_FILE,
              mode: "0644",
              content: renderTemplate("docker-ce.repo.hbs", {
                ...repo,
                gpgkey: rpmKeyLocation(EL_KEY_NAME, repo),
                exclude: hold ? name : "",
              }),
              from: ["packages.repo", "containerd.hold"],
            },
          ]
        : []),
      ...(source === "docker" && !el
        ? [
            {
              path: APT_STAGED_SOURCE,
              mode: "0644",
              content: renderTemplate("docker.sources.hbs", {
                baseurl: repo.baseurl,
                codename: distro.codename,
                arch: spec.arch,
                keyring: APT_KEYRING,
                fingerprint: repo.gpgkeyFingerprint,
              }),
              from: ["packages.repo", "distro", "arch"],
              installedBy: "docker-repo-key",
            },
          ]
        : []),
    ],
    steps: [
      ...(remove.length > 0 && removeWithInstall.length === 0
        ? [{ id: "remove-packages", title: `remove ${remove.join(", ")}`, run: sh`bake_pkg_remove ${remove}` }]
        : []),
      ...(source === "docker" && el
        ? rpmKeySteps("docker-repo-key", "docker repo key, fetched if missing or expired", EL_KEY_NAME, repo)
        : []),
      ...(source === "docker" && !el
        ? [
            {
              id: "docker-repo-key",
              title: `fetch the docker repository's signing key, then add ${APT_SOURCES_FILE} once apt reads the repository with it`,
              run: sh`bake_apt_source ${repo.gpgkey} ${APT_KEYRING} ${repo.gpgkeySha256 || "-"} ${APT_STAGED_SOURCE} ${APT_SOURCES_FILE}`,
            },
          ]
        : []),
      {
        id: "install-containerd",
        title: `install ${wanted.join(" ")}${removeWithInstall.length > 0 ? `; remove ${removeWithInstall.join(", ")}` : ""}`,
        run: lines(
          sh`BAKE_PKG_REPO=${looked}`,
          ...installHeld(distro, held, [...wanted, ...removeWithInstall.map((p) => `${p}-`)], hold),
        ),
      },
    ],
    checks: [
      // One check and one query (rpm -q or dpkg-query) for them all: a process each cost a third of a second under TCG.
      ...(remove.length > 0
        ? [
            {
              description:
                remove.length === 1
                  ? `package ${remove[0]} is not installed`
                  : `packages ${remove.join(", ")} are not installed`,
              test: sh`bake_pkg_absent ${remove}`,
            },
          ]
        : []),
      ...(hold && el
        ? [{ description: `${name} is held`, test: sh`grep -qxF ${`exclude=${name}`} ${EL_REPO_FILE}` }]
        : []),
      ...(hold && !el ? held.map((p) => batchedCheck("{} is held", "bake_apt_held", p)) : []),
    ],
  };
}

/**
 * Install, able to change a held version when the spec asks for another, then
 * hold (or release) what was installed. On EL the hold is the exclude= line of
 * docker-ce.repo, which needs no plugin and is rewritten with the file.
 */
function installHeld(distro: DistroInfo, held: string[], wanted: string[], hold: boolean): ShellCode[] {
  if (distro.family === "el") return [sh`bake_pkg_install --disableexcludes=docker-ce-stable ${wanted}`];
  return [
    sh`bake_pkg_install --allow-change-held-packages ${wanted}`,
    sh`bake_apt_mark ${hold ? "hold" : "unhold"} ${held}`,
  ];
}
