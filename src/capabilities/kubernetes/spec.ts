// The kubernetes section of the spec: a kubeadm-ready node.
import { Type } from "@sinclair/typebox";
import { obj, oneOf, str } from "../../schema/build.js";

export const KubernetesSection = obj(
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
      "worker: ready for kubeadm join. control-plane: ready for kubeadm init; picks the firewalld ports, the images pulled (a worker skips the control plane's four) and which kubeadm preflight runs in verify.",
    ),
    podSubnet: str(
      "cidr",
      "The cluster's pod network: kubeadm's networking.podSubnet (--pod-network-cidr), the network your CNI gives pods addresses from. With firewalld it becomes a source of the trusted zone, so pod traffic the node forwards (pod to pod, pod egress, overlay to pod) passes on any CNI interface. Default 10.244.0.0/16, flannel's, the value flannel's docs pass to kubeadm init (kubeadm has no default); Calico's operator default is 192.168.0.0/16.",
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
        gpgkeyFingerprint: Type.String({
          format: "optional-openpgp-fingerprint",
          description:
            "The key's OpenPGP fingerprint; default pkgs.k8s.io's (DE15B14486CD377B9E876E1A234654DA9A296436, one key for every minor, deb and rpm). Debian/Ubuntu: written into the source's Signed-By, so apt accepts the repository only when that key signed it. EL: bake imports the key from gpgkey only when it has this fingerprint, and kubernetes.repo names that local copy; empty (also when you set baseurl or gpgkey but not this): dnf imports whatever gpgkey serves. It survives the re-signing that extends the key's expiry; a re-run fetches the key again once it has expired.",
        }),
        gpgkeySha256: Type.String({
          format: "optional-sha256",
          description:
            "Optional stricter pin, the sha256 of the key file, checked before apt (or, on EL with a fingerprint, rpm) sees it; it breaks each time pkgs.k8s.io re-signs the key to extend its expiry.",
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
          "open-ports: when firewalld is active, open kubernetes.firewalld.ports and add kubernetes.podSubnet to the trusted zone, permanently and now; when it is enabled but not running (a Packer build), write them with firewall-offline-cmd. disable: stop and disable firewalld. Without firewalld enabled bake changes nothing.",
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
);
