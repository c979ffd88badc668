// The containerd section of the spec: package, config.toml, registries, proxy and unit.
import { Type, type TSchema } from "@sinclair/typebox";
import { obj, oneOf, str } from "../../schema/build.js";

const limitValue = (description: string) =>
  Type.Union([Type.Integer({ minimum: 1, maximum: 1073741816 }), Type.Literal("infinity")], { description });

/** The containerd section; node-spec.ts hands it the registries map (src/capabilities/registries/spec.ts). */
export const containerdSection = <R extends TSchema>(registries: R) =>
  obj(
    {
      source: oneOf(
        ["docker", "distro"],
        "docker: containerd.io from docker's repo. distro: the OS's own containerd package (Debian/Ubuntu only).",
      ),
      version: str(
        "containerd-version",
        'Version prefix installed ("2", "1.7", "1.7.27"); the major picks the config schema (1.x: version 2, 2.x: version 3), and the minor how config.toml names the CNI plugin dirs (1.x and "2.0": bin_dir /opt/cni/bin; "2" and 2.1 on: bin_dirs /opt/cni/bin, /usr/lib/cni).',
      ),
      hold: Type.Boolean({
        description:
          "Hold the containerd package bake installed, so dnf upgrade, dnf-automatic or unattended-upgrades cannot move it (EL: exclude= in docker-ce.repo, lifted only for bake's own install; Debian/Ubuntu: a dpkg hold, as apt-mark hold sets). false releases it.",
      }),
      root: str("absolute-path", "Persistent data (images, snapshots)."),
      state: str("absolute-path", "Runtime state (sockets, mounts)."),
      oomScore: Type.Integer({
        minimum: -1000,
        maximum: 1000,
        description: "oom_score in config.toml; 0 leaves the unit's OOMScoreAdjust in force.",
      }),
      sandboxImage: str("image-reference", "Pause image for pod sandboxes; match your kubeadm version."),
      systemdCgroup: Type.Boolean({
        description: "runc SystemdCgroup; must match kubelet's cgroupDriver (systemd is kubeadm's default).",
      }),
      configPath: str("absolute-path", "Directory of per-registry hosts.toml files."),
      registries,
      verifyPull: oneOf(
        ["auto", "always", "never"],
        "Verify step: pull sandboxImage with crictl through hosts.toml, so a broken mirror fails the build. auto: when the image's registry has mirrors. never: for images pre-loaded on air-gapped builds.",
      ),
      proxy: obj(
        {
          http: Type.String({ format: "proxy-url", description: "HTTP_PROXY for containerd (image pulls)." }),
          https: Type.String({ format: "proxy-url", description: "HTTPS_PROXY for containerd." }),
          noProxy: Type.Array(str("no-proxy-entry", "Host, domain or CIDR."), {
            uniqueItems: true,
            description: "NO_PROXY entries.",
          }),
        },
        "Proxy of the node's network: containerd's (a systemd drop-in), and bake's package installs and downloads while provisioning.",
      ),
      service: obj(
        {
          limitNOFILE: limitValue("LimitNOFILE of containerd.service: a count or infinity."),
          oomScoreAdjust: Type.Integer({
            minimum: -1000,
            maximum: 1000,
            description: "OOMScoreAdjust of containerd.service.",
          }),
          tasksMax: limitValue("TasksMax of containerd.service: a count or infinity."),
        },
        "containerd.service drop-in settings.",
      ),
    },
    "containerd package, config.toml, registries and unit.",
  );
