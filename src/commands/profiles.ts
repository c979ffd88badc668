// `bake init --profile`: a working set of values for a region, written
// uncommented into the starter spec. Values are computed from the distro's
// defaults, so they follow any change to those (a new docker repo path, a new
// pause tag) instead of going stale beside them.
import { crictlReleaseUrl } from "../capabilities/crictl/releases.js";
import { defaultSpec } from "../input/defaults.js";
import type { Distro } from "../schema/node-spec.js";

export const PROFILES = ["cn"] as const;
export type Profile = (typeof PROFILES)[number];

export interface ProfileValue {
  value: unknown;
  /** Why this value, as comment lines above it. */
  note: string[];
}

/** aliyun mirrors download.docker.com/linux under the same paths. */
const ALIYUN_DOCKER_CE = "https://mirrors.aliyun.com/docker-ce/";
/** aliyun's public copy of the Kubernetes images (registry.k8s.io, formerly k8s.gcr.io/google_containers). */
const ALIYUN_K8S = "registry.aliyuncs.com/google_containers";
/** A public GitHub download proxy; any other works the same, since bake checks the file's sha256. */
const GITHUB_PROXY = "https://ghfast.top/";

/**
 * USTC's mirror of pkgs.k8s.io, under the same paths (core:/stable:/v1.XX/{rpm,deb}/), "synced
 * from openSUSE OBS", every stable minor: USTC's own help (ustclug/mirrorhelp docs/kubernetes.md,
 * read 2026-12-06), which fetches the key from pkgs.k8s.io.
 */
const USTC_K8S = "https://mirrors.ustc.edu.cn/kubernetes/";

const onAliyun = (url: string) => url.replace(/^https:\/\/download\.docker\.com\//, ALIYUN_DOCKER_CE);
const onUstc = (url: string) => url.replace(/^https:\/\/pkgs\.k8s\.io\//, USTC_K8S);

/** What the profile sets for a kubeadm-ready node: pkgs.k8s.io's packages and registry.k8s.io's images from mirrors. */
function kubernetesMirrors(distro: Distro): Record<string, ProfileValue> {
  const defaults = defaultSpec(distro);
  return {
    "kubernetes.repo.baseurl": {
      value: onUstc(defaults.kubernetes.repo.baseurl),
      note: [
        "cn: kubelet, kubeadm, kubectl and cri-tools from USTC's mirror of pkgs.k8s.io (synced from its",
        "openSUSE OBS source, same paths). Change kubernetes.version? Change the v1.XX here too.",
      ],
    },
    "kubernetes.repo.gpgkey": {
      value: defaults.kubernetes.repo.gpgkey,
      note: ["cn: the key from pkgs.k8s.io, as USTC's help does (one small file; one key signs every minor)."],
    },
    // Named, not left to the default: a repo the spec points at without a fingerprint is not pinned on EL.
    "kubernetes.repo.gpgkeyFingerprint": {
      value: defaults.kubernetes.repo.gpgkeyFingerprint,
      note: ["cn: the mirror is taken only when that key, checked by its fingerprint, signed it."],
    },
    "kubernetes.images.repository": {
      value: ALIYUN_K8S,
      note: [
        "cn: kubeadm's images from aliyun's copy of registry.k8s.io (pulled by bake now; use the same",
        "imageRepository in your kubeadm config). containerd's pause image follows it.",
      ],
    },
  };
}

/** The values a profile sets, by key path, for a distro; with kubernetes, for a kubeadm-ready node. */
export function profileValues(profile: Profile, distro: Distro, kubernetes = false): Record<string, ProfileValue> {
  switch (profile) {
    case "cn": {
      const defaults = defaultSpec(distro);
      const pauseTag = defaults.containerd.sandboxImage.split(":").pop()!;
      // Debian and Ubuntu install their own containerd by default: docker's repo is unused there.
      const dockerRepo: Record<string, ProfileValue> =
        defaults.containerd.source === "docker"
          ? {
              "packages.repo.baseurl": {
                value: onAliyun(defaults.packages.repo.baseurl),
                note: ["cn: docker's repo on aliyun's mirror, same paths; packages are still signature-checked."],
              },
              "packages.repo.gpgkey": { value: onAliyun(defaults.packages.repo.gpgkey), note: [] },
              "packages.repo.gpgkeyFingerprint": {
                value: defaults.packages.repo.gpgkeyFingerprint,
                note: ["cn: aliyun serves docker's own key; bake takes it only with docker's fingerprint."],
              },
            }
          : {};
      // With kubernetes on, crictl comes from the cri-tools package and the pause image follows
      // kubernetes.images.repository: the release tarball's URL and a pause of its own would be unused.
      return {
        ...dockerRepo,
        ...(kubernetes
          ? kubernetesMirrors(distro)
          : {
              "containerd.sandboxImage": {
                value: `${ALIYUN_K8S}/pause:${pauseTag}`,
                note: ["cn: the pause image from aliyun's copy of registry.k8s.io, same tag as bake's default."],
              },
            }),
        "containerd.registries": {
          value: {
            "registry.k8s.io": { mirrors: [{ url: `https://${ALIYUN_K8S.replace("/", "/v2/")}`, overridePath: true }] },
          },
          note: [
            "cn: registry.k8s.io through aliyun. The mirror's path is its API root, so overridePath: true",
            "(without it containerd would ask .../google_containers/v2/... and fail).",
            "docker.io has no public mirror in China that bake can vouch for: add your own, e.g. the",
            "aliyun accelerator from the ACR console, docker.io: {mirrors: [https://<id>.mirror.aliyuncs.com]}",
          ],
        },
        "containerd.verifyPull": {
          value: "always",
          note: [
            "cn: the build pulls the pause image through these settings, so an unreachable registry or mirror fails it.",
          ],
        },
        ...(kubernetes
          ? {}
          : {
              "crictl.url": {
                value: `${GITHUB_PROXY}${crictlReleaseUrl(defaults.crictl.version, defaults.arch)}`,
                note: [
                  `cn: crictl ${defaults.crictl.version} (${defaults.arch}) from GitHub through a public proxy. Any GitHub proxy (or your own`,
                  "copy of the file) is safe to use here: bake checks the download against its built-in sha256",
                  "for this version and arch and refuses anything else. Changing crictl.version or arch? Change this URL too.",
                ],
              },
            }),
      };
    }
  }
}
