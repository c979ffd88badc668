// The one schema of the node spec. It gives the TypeScript types (Static), the
// validator (ajv, see validate.ts), the JSON Schema for editors and `bake explain`.
// It describes the resolved spec; the file a user writes may omit any key
// (inputSchema drops every "required"), and defaults.ts fills the gaps.
import { Type, type Static, type TSchema } from "@sinclair/typebox";

import { DISTROS } from "./distros.js";

export { DISTROS };

const str = (format: string, description: string) => Type.String({ format, description });
// A string enum as JSON Schema "enum", which gives one clear error instead of an anyOf of consts.
const oneOf = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Unsafe<T[number]>({ type: "string", enum: [...values], description });
const obj = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, description });

// A map whose keys have a format (sysctl names, registry hosts).
const mapOf = <V extends TSchema>(keyFormat: string, value: V, description: string) =>
  Type.Unsafe<Record<string, Static<V>>>({
    type: "object",
    propertyNames: { type: "string", format: keyFormat },
    additionalProperties: value,
    description,
  });

// TLS and auth options a registry host may need; shared by mirrors and the server.
// header values and client keys are secrets: files holding them are written 0600
// and validate.ts never prints them.
const hostAccess = {
  skipVerify: Type.Optional(
    Type.Boolean({ description: "Skip TLS verification for this host only (prints a warning)." }),
  ),
  ca: Type.Optional(
    str("pem-or-path", "CA certificate: PEM text (bake writes it next to hosts.toml) or an absolute path on the node."),
  ),
  client: Type.Optional(
    obj(
      {
        cert: str("pem-or-path", "Client certificate: PEM text or an absolute path on the node."),
        key: str(
          "pem-or-path",
          "Client key (secret): PEM text, written with mode 0600, or an absolute path on the node.",
        ),
      },
      "TLS client certificate for this host.",
    ),
  ),
  header: Type.Optional(
    mapOf(
      "header-name",
      Type.String({ format: "header-value", description: "Header value (secret)." }),
      "HTTP headers sent to this host, e.g. Authorization (secret).",
    ),
  ),
};

const Mirror = Type.Union(
  [
    str("http-url", "Mirror URL; pull and resolve go there first."),
    obj(
      {
        url: str("http-url", "Mirror URL."),
        capabilities: Type.Optional(
          Type.Array(oneOf(["pull", "resolve", "push"], "Capability."), {
            minItems: 1,
            uniqueItems: true,
            description: "What the mirror may be used for; default pull and resolve.",
          }),
        ),
        overridePath: Type.Optional(
          Type.Boolean({
            description:
              "The URL's path is the API root, used as is (https://host/v2/<namespace>); without it containerd appends /v2 to the path.",
          }),
        ),
        ...hostAccess,
      },
      "A mirror with options.",
    ),
  ],
  { description: "A mirror: a URL, or an object with url and options." },
);

const Registry = obj(
  {
    server: Type.String({
      format: "optional-http-url",
      description: "Upstream server; empty means the registry's own (registry-1.docker.io for docker.io).",
    }),
    mirrors: Type.Array(Mirror, { maxItems: 16, description: "Tried in order before the server." }),
    ...hostAccess,
  },
  "One registry's hosts.toml.",
);

const limitValue = (description: string) =>
  Type.Union([Type.Integer({ minimum: 1, maximum: 1073741816 }), Type.Literal("infinity")], { description });

export const NodeSpecSchema = obj(
  {
    distro: oneOf(DISTROS, "Target OS. alma*/rhel* behave as rocky*."),
    arch: oneOf(["amd64", "arm64"], "CPU architecture; picks the crictl tarball."),
    kernel: obj(
      {
        modules: Type.Array(str("module-name", "Module name."), {
          uniqueItems: true,
          maxItems: 64,
          description: "Loaded now and at every boot (/etc/modules-load.d/containerd.conf).",
        }),
        sysctl: mapOf(
          "sysctl-key",
          Type.Union([Type.Integer(), Type.String({ format: "sysctl-value" })], {
            description: "An integer or a sysctl value string.",
          }),
          "Applied now and at every boot (/etc/sysctl.d/99-kubernetes-cri.conf).",
        ),
        cgroup: oneOf(
          ["v2", "any"],
          "v2: the node must run cgroup v2 (kubelet 1.35+ refuses v1); on v1 (EL8) bake sets systemd.unified_cgroup_hierarchy=1 with grubby and a reboot is needed. any: accept what the node boots; an error on EL8 with kubernetes 1.35+, whose kubeadm and kubelet refuse v1.",
        ),
      },
      "Kernel modules and sysctls.",
    ),
    packages: obj(
      {
        remove: Type.Array(str("package-name", "Package name."), {
          uniqueItems: true,
          maxItems: 64,
          description: "Removed before containerd is installed.",
        }),
        install: Type.Array(str("package-name", "Package name."), {
          uniqueItems: true,
          maxItems: 64,
          description: "Extra packages installed with containerd.",
        }),
        repo: obj(
          {
            baseurl: str(
              "http-url",
              "Repository URL; any mirror of docker's repo. dnf variables ($releasever, $basearch) are kept.",
            ),
            gpgkey: str("http-url", "URL of the repository's signing key; packages are always signature-checked."),
            gpgkeySha256: Type.String({
              format: "optional-sha256",
              description:
                "sha256 of the key file, checked before apt trusts it (Debian/Ubuntu with source docker); built in for docker's own key.",
            }),
          },
          "Docker's package repository (containerd.io). Unused when containerd.source is distro.",
        ),
      },
      "Packages.",
    ),
    containerd: obj(
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
        registries: mapOf("registry-host", Registry, "One hosts.toml per registry under configPath."),
        verifyPull: oneOf(
          ["auto", "always", "never"],
          "Verify step: pull sandboxImage with crictl through hosts.toml, so a broken mirror fails the build. auto: when the image's registry has mirrors. never: for images pre-loaded on air-gapped builds.",
        ),
        proxy: obj(
          {
            http: Type.String({ format: "optional-http-url", description: "HTTP_PROXY for containerd (image pulls)." }),
            https: Type.String({ format: "optional-http-url", description: "HTTPS_PROXY for containerd." }),
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
    ),
    crictl: obj(
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
    ),
    kubernetes: obj(
      {
        enabled: Type.Boolean({
          description:
            "Make the node ready for kubeadm init or join: kubelet, kubeadm and kubectl installed and held, swap off, host tools, firewall, SELinux mode, images pulled, and kubeadm's own preflight in verify. Off: a containerd-only node.",
        }),
        version: str(
          "kubernetes-version",
          'Kubernetes minor ("1.35": its newest patch) or exact patch ("1.35.2"). It picks the pkgs.k8s.io repo, and the defaults of crictl.version (v1.35.0) and containerd.sandboxImage (kubeadm\'s pause for that minor).',
        ),
        role: oneOf(
          ["worker", "control-plane"],
          "worker: ready for kubeadm join. control-plane: ready for kubeadm init; picks the firewalld ports and which kubeadm preflight runs in verify.",
        ),
        repo: obj(
          {
            baseurl: Type.String({
              format: "optional-http-url",
              description:
                "Package repository of kubelet, kubeadm and kubectl; empty means pkgs.k8s.io for the minor (https://pkgs.k8s.io/core:/stable:/v1.35/rpm/ or .../deb/). Set a mirror of that path here, e.g. a Chinese mirror of pkgs.k8s.io.",
            }),
            gpgkey: Type.String({
              format: "optional-http-url",
              description:
                "URL of the repo's signing key; empty means the repo's own (repodata/repomd.xml.key for rpm, Release.key for deb). Packages are always signature-checked.",
            }),
            gpgkeySha256: Type.String({
              format: "optional-sha256",
              description:
                "sha256 of the key file, checked before apt trusts it; required on Debian/Ubuntu (pkgs.k8s.io's key file changes when its expiry is extended, so bake has none built in). On EL dnf checks packages with the key itself.",
            }),
          },
          "pkgs.k8s.io's per-minor repository, or a mirror of it.",
        ),
        disableSwap: Type.Boolean({
          description:
            "Turn swap off now and for every boot: swapoff -a, swap lines in /etc/fstab commented out, swap.target masked, zram-generator disabled where present. kubelet refuses to start with swap on unless configured for it.",
        }),
        firewalld: obj(
          {
            action: oneOf(
              ["open-ports", "disable"],
              "open-ports: when firewalld is active, open kubernetes.firewalld.ports permanently; when it is enabled but not running (a Packer build), write them with firewall-offline-cmd. disable: stop and disable firewalld. Without firewalld enabled bake changes nothing.",
            ),
            ports: Type.Array(str("firewall-port", "Port or range with protocol."), {
              uniqueItems: true,
              maxItems: 64,
              description:
                "Ports opened when firewalld is active; default the role's (control-plane: 6443, 2379-2380, 10250, 10257, 10259/tcp; worker: 10250, 10256, 30000-32767/tcp). Add your pod network's, e.g. 8472/udp for flannel VXLAN, 179/tcp for Calico BGP.",
            }),
          },
          "firewalld handling.",
        ),
        selinux: oneOf(
          ["permissive", "enforcing"],
          "SELinux mode, set now and in /etc/selinux/config (EL; Debian/Ubuntu only where SELinux was installed, else nothing changes). Default permissive, as the kubeadm install docs say: CRI's enable_selinux is off in bake's containerd config, so enforcing would not confine containers, while it blocks pod networks that write to host paths.",
        ),
        images: obj(
          {
            prePull: Type.Boolean({
              description:
                "Pull the images `kubeadm config images list` names for the version into containerd's k8s.io namespace during provisioning, through the registries' hosts.toml mirrors, so a baked image boots with them on disk.",
            }),
            repository: Type.String({
              format: "optional-image-repository",
              description:
                "kubeadm's imageRepository, for the pre-pull and the pause image default; empty means registry.k8s.io. Use the same value in your kubeadm config.",
            }),
            extra: Type.Array(str("image-reference", "Image reference."), {
              uniqueItems: true,
              maxItems: 64,
              description: "More images pulled with kubeadm's, e.g. your CNI's.",
            }),
          },
          "Images pulled while provisioning.",
        ),
        preflightIgnore: Type.Array(str("preflight-check", "Check name."), {
          uniqueItems: true,
          maxItems: 32,
          description:
            "kubeadm preflight checks verify may let pass, beyond the ones that need a cluster or the network (ImagePull when images are not pre-pulled). For example NumCPU and Mem when a small VM bakes an image for larger ones.",
        }),
      },
      "kubeadm-ready node: kubelet, kubeadm and kubectl from pkgs.k8s.io, and what kubeadm's preflight requires.",
    ),
  },
  "bake node spec.",
);

export type NodeSpec = Static<typeof NodeSpecSchema>;
export type Distro = NodeSpec["distro"];
export type RegistrySpec = NodeSpec["containerd"]["registries"][string];
export type MirrorSpec = RegistrySpec["mirrors"][number];

type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type SpecInput = DeepPartial<NodeSpec>;

/** The schema of what a user may write: the same, with every key optional. */
export function inputSchema(): TSchema {
  return dropRequired(NodeSpecSchema) as TSchema;
}

function dropRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropRequired);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "required") continue;
    // Array items (mirror objects) keep their own "required": a mirror needs a url.
    out[key] = key === "items" ? value : dropRequired(value);
  }
  return out;
}
