// containerd's config.toml, its systemd drop-ins, and bringing the service up.
import { createHash } from "node:crypto";
import { renderTemplate } from "../render/templates.js";
import { lines, sh } from "../render/shell.js";
import { proxyAssignments } from "./proxy.js";
import type { Contribution, PlanContext } from "./types.js";
import { CONTAINERD_DEFAULT_ROOT, CONTAINERD_DEFAULT_STATE } from "../input/defaults.js";
import { batchedCheck } from "./check.js";
import { containerdPackageName } from "../distro.js";

const CONFIG_DIR = "/etc/containerd";
export const CONFIG_FILE = `${CONFIG_DIR}/config.toml`;
export const DROPIN_DIR = "/etc/systemd/system/containerd.service.d";

/** Where kubernetes-cni (pkgs.k8s.io), flannel and Calico install their CNI plugins. */
export const CNI_BIN_DIR = "/opt/cni/bin";
/** Where Debian's containernetworking-plugins installs them, and trixie's containerd looks. */
const DEBIAN_CNI_BIN_DIR = "/usr/lib/cni";

/**
 * The key that tells this containerd where CNI plugins are, and its dirs (sources in
 * docs/containerd-cni-dirs.md). 1.x and 2.0 take one bin_dir; 2.1 added the bin_dirs list and
 * refuses both at once. A bare "2" installs the newest 2.x a repo serves: 2.1 or later in every
 * repo bake uses. /opt/cni/bin comes first, so the plugins a CNI installs there win over an
 * older Debian package of the same name.
 */
export function cniBinDirs(containerdVersion: string): { key: "bin_dir" | "bin_dirs"; dirs: string[] } {
  const [major, minor] = containerdVersion.split(".");
  if (major === "1" || minor === "0") return { key: "bin_dir", dirs: [CNI_BIN_DIR] };
  return { key: "bin_dirs", dirs: [CNI_BIN_DIR, DEBIAN_CNI_BIN_DIR] };
}

export function containerdConfig({ spec, distro, configVersion }: PlanContext): Contribution {
  const c = spec.containerd;
  const out: Contribution = { files: [], steps: [], checks: [] };

  const cni = cniBinDirs(c.version);
  const config = renderTemplate(`containerd-config-v${configVersion}.toml.hbs`, {
    ...c,
    cniBinDir: cni.key === "bin_dir" ? cni.dirs[0] : undefined,
    cniBinDirs: cni.key === "bin_dirs" ? cni.dirs : undefined,
  });
  out.files!.push({
    path: CONFIG_FILE,
    mode: "0644",
    content: config,
    from: [
      "containerd.version",
      "containerd.root",
      "containerd.state",
      "containerd.oomScore",
      "containerd.sandboxImage",
      "containerd.systemdCgroup",
      "containerd.configPath",
    ],
  });
  out.files!.push({
    path: `${DROPIN_DIR}/10-bake.conf`,
    mode: "0644",
    content: renderTemplate("containerd-service.conf.hbs", c.service),
    from: ["containerd.service"],
  });
  const environment = proxyAssignments(c.proxy, "upper");
  if (c.proxy.http || c.proxy.https) {
    // 0600: proxy URLs often carry credentials.
    out.files!.push({
      path: `${DROPIN_DIR}/20-proxy.conf`,
      mode: "0600",
      content: renderTemplate("containerd-proxy.conf.hbs", { environment }),
      from: ["containerd.proxy"],
    });
  }

  // A package may replace config.toml (an RPM's own file, a dpkg prompt answered
  // the wrong way); the node must run bake's file or fail saying so.
  const major = configVersion === 2 ? 1 : 2;
  // The versions that read config.toml's CNI key: a 2.0 drops bin_dirs unread, a 2.1 deprecates bin_dir.
  const readers = major === 1 ? "1" : cni.key === "bin_dir" ? "2.0" : "2.[1-9]";
  const configSha256 = createHash("sha256").update(config).digest("hex");
  out.steps!.push({
    id: "check-containerd",
    title: `check containerd is ${readers}.x (config.toml schema version ${configVersion}, CNI ${cni.key}) and config.toml is bake's`,
    run: lines(
      sh`bake_containerd_major_is ${readers} ${configVersion} ${containerdPackageName(c.source)} ${cni.key}`,
      sh`bake_file_is ${CONFIG_FILE} ${configSha256}`,
    ),
  });

  // container-selinux labels /etc/containerd container_config_t, but bake wrote
  // its files before the package brought that rule; equivalence rules only for
  // a directory that moved (a self-rule would block later rules under it).
  if (distro.family === "el") {
    const moved = (
      [
        [CONTAINERD_DEFAULT_ROOT, c.root],
        [CONTAINERD_DEFAULT_STATE, c.state],
      ] as const
    ).filter(([standard, dir]) => standard !== dir);
    out.steps!.push({
      id: "selinux-labels",
      title: [
        "restore the SELinux labels of /etc/containerd",
        ...moved.map(([standard, dir]) => `label ${dir} like ${standard}`),
      ].join("; "),
      run: lines(
        sh`bake_selinux_restore ${CONFIG_DIR}`,
        ...moved.flatMap(([standard, dir]) => [
          sh`install -d -m 0711 ${dir}`,
          sh`bake_selinux_equivalent ${standard} ${dir}`,
        ]),
      ),
    });
  }

  out.steps!.push({
    id: "start-containerd",
    title: "enable containerd; restart it if its config changed",
    // hosts.toml files are read on every pull and need no restart.
    // Debian's package starts containerd at install, with bake's files already in place (a restart there
    // took 10 s of a TCG first boot); dnf on EL leaves it stopped.
    run: sh`${distro.family === "debian" ? "bake_start_containerd_once" : "bake_start_containerd"} ${[CONFIG_FILE, ...out.files!.filter((f) => f.path.startsWith(DROPIN_DIR)).map((f) => f.path)]}`,
  });

  const expectedOom = c.oomScore !== 0 ? c.oomScore : c.service.oomScoreAdjust;
  const sandboxKey = configVersion === 2 ? "sandbox_image" : "sandbox";
  out.checks!.push(
    // One check, as the state and the main PID are one systemctl call.
    {
      description: `containerd is enabled, active, oom_score_adj ${expectedOom}`,
      test: sh`bake_containerd_up ${expectedOom}`,
    },
    ...[
      `root=${c.root}`,
      `state=${c.state}`,
      `${sandboxKey}=${c.sandboxImage}`,
      `config_path=${c.configPath}`,
      `${cni.key}=${CNI_BIN_DIR}`,
    ].map((item) => batchedCheck("containerd runs with {}", "bake_config_dump_has", item, true)),
  );
  return out;
}
