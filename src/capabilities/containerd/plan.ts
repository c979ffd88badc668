// containerd's config.toml, its systemd drop-ins, and bringing the service up.
import { createHash } from "node:crypto";
import { renderTemplate } from "../../render/templates.js";
import { lines, sh } from "../../render/shell.js";
import { proxyAssignments } from "./proxy.js";
import type { Contribution, PlanContext, PlannedFile } from "../../plan/types.js";
import { CONTAINERD_DEFAULT_ROOT, CONTAINERD_DEFAULT_STATE } from "./defaults.js";
import { batchedCheck } from "../../plan/check.js";
import { CNI_BIN_DIR, cniBinDirs, containerdPackageName } from "./facts.js";

const CONFIG_DIR = "/etc/containerd";
const CONFIG_FILE = `${CONFIG_DIR}/config.toml`;
const DROPIN_DIR = "/etc/systemd/system/containerd.service.d";

export function containerdConfig({ spec, distro, configVersion }: PlanContext): Contribution {
  const c = spec.containerd;
  const cni = cniBinDirs(c.version);
  const config = renderTemplate(`containerd-config-v${configVersion}.toml.hbs`, {
    ...c,
    cniBinDir: cni.key === "bin_dir" ? cni.dirs[0] : undefined,
    cniBinDirs: cni.key === "bin_dirs" ? cni.dirs : undefined,
  });
  const environment = proxyAssignments(c.proxy, "upper");
  const dropIns: PlannedFile[] = [
    {
      path: `${DROPIN_DIR}/10-bake.conf`,
      mode: "0644",
      content: renderTemplate("containerd-service.conf.hbs", c.service),
      from: ["containerd.service"],
    },
    // 0600: proxy URLs often carry credentials.
    ...(c.proxy.http || c.proxy.https
      ? [
          {
            path: `${DROPIN_DIR}/20-proxy.conf`,
            mode: "0600",
            content: renderTemplate("containerd-proxy.conf.hbs", { environment }),
            from: ["containerd.proxy"],
          },
        ]
      : []),
  ];

  // A package may replace config.toml (an RPM's own file, a dpkg prompt answered
  // the wrong way); the node must run bake's file or fail saying so.
  const major = configVersion === 2 ? 1 : 2;
  // The versions that read config.toml's CNI key: a 2.0 drops bin_dirs unread, a 2.1 deprecates bin_dir.
  const readers = major === 1 ? "1" : cni.key === "bin_dir" ? "2.0" : "2.[1-9]";
  const configSha256 = createHash("sha256").update(config).digest("hex");
  // container-selinux labels /etc/containerd container_config_t, but bake wrote
  // its files before the package brought that rule; equivalence rules only for
  // a directory that moved (a self-rule would block later rules under it).
  const moved = (
    [
      [CONTAINERD_DEFAULT_ROOT, c.root],
      [CONTAINERD_DEFAULT_STATE, c.state],
    ] as const
  ).filter(([standard, dir]) => standard !== dir);
  const expectedOom = c.oomScore !== 0 ? c.oomScore : c.service.oomScoreAdjust;
  const sandboxKey = configVersion === 2 ? "sandbox_image" : "sandbox";
  return {
    files: [
      {
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
      },
      ...dropIns,
    ],
    steps: [
      {
        id: "check-containerd",
        // The failure names config.toml's schema version and CNI key.
        title: `containerd is ${readers}.x and config.toml is bake's`,
        run: lines(
          sh`bake_containerd_major_is ${readers} ${configVersion} ${containerdPackageName(c.source)} ${cni.key}`,
          sh`bake_file_is ${CONFIG_FILE} ${configSha256}`,
        ),
      },
      ...(distro.family === "el"
        ? [
            {
              id: "selinux-labels",
              // A moved directory's command names the directory whose labels it takes.
              title: `restore the labels of ${[CONFIG_DIR, ...moved.map(([, dir]) => dir)].join(", ")}`,
              run: lines(
                sh`bake_selinux_restore ${CONFIG_DIR}`,
                ...moved.map(([standard, dir]) => sh`bake_selinux_equivalent ${standard} ${dir}`),
              ),
            },
          ]
        : []),
      {
        id: "start-containerd",
        title: "enable it; restart it if its config changed",
        // hosts.toml files are read on every pull and need no restart.
        // Debian's package starts containerd at install, with bake's files already in place (a restart there
        // took 10 s of a TCG first boot); dnf on EL leaves it stopped.
        run: sh`${distro.family === "debian" ? "bake_start_containerd_once" : "bake_start_containerd"} ${[CONFIG_FILE, ...dropIns.map((f) => f.path)]}`,
      },
    ],
    checks: [
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
    ],
  };
}
