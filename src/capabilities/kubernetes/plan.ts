// kubeadm-ready node: pkgs.k8s.io's repo, kubelet/kubeadm/kubectl pinned and
// held, the host tools kubeadm's preflight wants, swap off, firewalld, SELinux
// mode, images pulled; verify ends with kubeadm's own preflight.
import { kubernetesHostTools } from "./host-tools.js";
import { minorOf, refusesCgroupV1, refusesContainerd1 } from "./releases.js";
import { renderTemplate } from "../../render/templates.js";
import { lines, sh } from "../../render/shell.js";
import type { Contribution, PlanContext, PlannedCheck } from "../../plan/types.js";
import { batchedCheck } from "../../plan/check.js";
import { rpmKeyLocation, rpmKeySteps } from "../../plan/rpm-key.js";

const K8S_REPO_FILE = "/etc/yum.repos.d/kubernetes.repo";
/** The name of pkgs.k8s.io's pinned key in /etc/pki/rpm-gpg (plan/rpm-key.ts). */
const K8S_EL_KEY_NAME = "kubernetes";
const K8S_SOURCES_FILE = "/etc/apt/sources.list.d/kubernetes.sources";
const K8S_KEYRING = "/etc/apt/keyrings/kubernetes-apt-keyring.asc";
/** Where write_files puts the source until its key is in place. */
const K8S_STAGED_SOURCE = "/var/lib/bake/kubernetes.sources";
const KUBE_PACKAGES = ["kubelet", "kubeadm", "kubectl"];
// kubelet 1.28+ on pkgs.k8s.io depends on kubernetes-cni (kubernetes/release, krel's
// templates/latest/metadata.yaml, read 2026-12-06): held too, so an upgrade cannot move the
// CNI plugins under a running node. EL's exclude= line already names it.
const KUBE_HELD = [...KUBE_PACKAGES, "kubernetes-cni"];

/** name-version glob for dnf or name=version glob for apt: a minor "1.35" or an exact "1.35.2". */
function pinned(family: "el" | "debian", name: string, version: string): string {
  const exact = version.split(".").length === 3;
  // pkgs.k8s.io versions carry a release after the version: 1.35.2-150500.1.1 (rpm), 1.35.2-1.1 (deb).
  return family === "el" ? `${name}-${version}${exact ? "-*" : ".*"}` : `${name}=${version}${exact ? "-*" : ".*"}`;
}

/**
 * The repo file and, on apt, its key. Planned before the containerd install. On apt the
 * source is staged and goes into sources.list.d only once apt has read the repository
 * with its key (bake_apt_source): apt fails on a source whose Signed-By keyring is absent.
 */
export function kubernetesRepo({ spec, distro }: PlanContext): Contribution {
  const k = spec.kubernetes;
  if (!k.enabled) return {};
  if (distro.family === "el") {
    return {
      files: [
        {
          path: K8S_REPO_FILE,
          mode: "0644",
          content: renderTemplate("kubernetes.repo.hbs", {
            ...k.repo,
            gpgkey: rpmKeyLocation(K8S_EL_KEY_NAME, k.repo),
          }),
          from: ["kubernetes.repo", "kubernetes.version"],
        },
      ],
      steps: rpmKeySteps(
        "kubernetes-repo-key",
        "Kubernetes repo key, fetched if missing or expired",
        K8S_EL_KEY_NAME,
        k.repo,
      ),
    };
  }
  return {
    files: [
      {
        path: K8S_STAGED_SOURCE,
        mode: "0644",
        content: renderTemplate("kubernetes.sources.hbs", {
          baseurl: k.repo.baseurl,
          keyring: K8S_KEYRING,
          fingerprint: k.repo.gpgkeyFingerprint,
        }),
        from: ["kubernetes.repo", "kubernetes.version"],
        installedBy: "kubernetes-repo-key",
      },
    ],
    steps: [
      {
        id: "kubernetes-repo-key",
        title: `fetch the Kubernetes repository's signing key, then add ${K8S_SOURCES_FILE} once apt reads the repository with it`,
        run: sh`bake_apt_source ${k.repo.gpgkey} ${K8S_KEYRING} ${k.repo.gpgkeySha256 || "-"} ${K8S_STAGED_SOURCE} ${K8S_SOURCES_FILE}`,
      },
    ],
  };
}

export function kubernetes({ spec, distro, containerdPackage }: PlanContext): Contribution {
  const k = spec.kubernetes;
  if (!k.enabled) return {};
  const family = distro.family;
  const exact = k.version.split(".").length === 3 ? k.version : "";
  const tools = kubernetesHostTools(distro, k.version);
  // The hold: on EL the repo's exclude line, lifted for this install only; on apt, a dpkg hold.
  // cri-tools (crictl) follows the minor; its versions are 1.35.0 and so on, never kubeadm's patch.
  const criTools = spec.crictl.install === "package" ? [pinned(family, "cri-tools", minorOf(k.version))] : [];
  const wanted = [...KUBE_PACKAGES.map((name) => pinned(family, name, k.version)), ...criTools];
  const held = [...KUBE_HELD, ...(criTools.length ? ["cri-tools"] : [])];
  const fw = k.firewalld;
  // A worker pulls only what a worker runs: bake_images_wanted filters kubeadm's list by role.
  const images = [exact, k.images.repository, k.images.prePull ? k.role : "no", ...k.images.extra];
  const pulls = k.images.prePull || k.images.extra.length > 0;
  // Only what needs a cluster or the network is let pass: without pre-pulled
  // images a control plane's preflight would pull them (ImagePull).
  const ignore = [...(k.role === "control-plane" && !k.images.prePull ? ["ImagePull"] : []), ...k.preflightIgnore];
  const preflight = preflightChecks(k, containerdPackage.name);

  return {
    steps: [
      {
        id: "kubeadm-tools",
        title: `install the host tools kubeadm checks for: ${tools.packages.join(" ")}`,
        run: sh`bake_pkg_install ${tools.packages}`,
      },
      {
        id: "install-kubernetes",
        title: `install ${wanted.join(" ")} and hold them`,
        run:
          family === "el"
            ? sh`bake_pkg_install --disableexcludes=kubernetes ${wanted}`
            : lines(sh`bake_pkg_install --allow-change-held-packages ${wanted}`, sh`bake_apt_mark hold ${held}`),
      },
      ...(k.disableSwap
        ? [{ id: "swap-off", title: "turn swap off now and for every boot", run: sh`bake_swap_off` }]
        : []),
      // Debian and Ubuntu have no /etc/selinux/config unless SELinux was installed; the step then says so.
      {
        id: "selinux-mode",
        title: `SELinux ${k.selinux}, now and in /etc/selinux/config`,
        run: sh`bake_selinux_mode ${k.selinux}`,
      },
      {
        id: "firewalld",
        title:
          fw.action === "disable"
            ? "disable firewalld if it is active"
            : `firewalld, if active: open the ${k.role}'s ports, trust the pod network ${k.podSubnet}`,
        run:
          fw.action === "disable" ? sh`bake_firewalld_disable` : sh`bake_firewalld_open ${[k.podSubnet, ...fw.ports]}`,
      },
      // kubelet restarts every few seconds until kubeadm init or join writes its config: that is expected.
      {
        id: "enable-kubelet",
        title: "enable kubelet (it waits for kubeadm init or join)",
        run: sh`systemctl enable --now kubelet`,
      },
      ...(pulls
        ? [
            {
              id: "pull-images",
              title: "pull the images kubeadm needs into containerd's k8s.io namespace",
              run: sh`bake_pull_images ${images}`,
            },
          ]
        : []),
    ],
    checks: [
      ...(k.disableSwap
        ? [
            { description: "swap is off (/proc/swaps)", test: sh`bake_swap_is_off` },
            { description: "/etc/fstab mounts no swap", test: sh`bake_fstab_has_no_swap` },
          ]
        : []),
      // Batched: one line and one background check for all of them, not one each.
      ...tools.commands.map((command) => batchedCheck("{} is on PATH", "bake_on_path", command)),
      ...(family === "debian" ? held.map((name) => batchedCheck("{} is held", "bake_apt_held", name)) : []),
      { description: `kubeadm version is ${k.version}`, test: sh`bake_kubeadm_version_is ${k.version}`, slow: true },
      { description: "kubelet is enabled", test: sh`systemctl is-enabled --quiet kubelet` },
      { description: `SELinux is ${k.selinux}`, test: sh`bake_selinux_mode_is ${k.selinux}` },
      {
        description:
          fw.action === "disable"
            ? "firewalld is off"
            : `firewalld, if active, has ${fw.ports.join(" ")} open and ${k.podSubnet} trusted`,
        test:
          fw.action === "disable"
            ? sh`bake_firewalld_disabled`
            : sh`bake_firewalld_has_open ${[k.podSubnet, ...fw.ports]}`,
      },
      ...(pulls
        ? [{ description: "the pulled images are in containerd", test: sh`bake_images_present ${images}`, slow: true }]
        : []),
      ...preflight,
      {
        description: `kubeadm ${k.role === "control-plane" ? "init" : "join"} preflight passes`,
        test:
          k.role === "control-plane"
            ? sh`bake_kubeadm_init_preflight ${[exact, k.images.repository, ...ignore]}`
            : ignore.length > 0
              ? sh`bake_kubeadm_join_preflight ${ignore}`
              : sh`bake_kubeadm_join_preflight`,
        slow: true,
        // Its SystemVerification fails on cgroup v1 from 1.35: on EL8 it waits for the reboot to v2.
        ...(refusesCgroupV1(k.version) && { afterReboot: true }),
      },
    ],
  };
}

// The ports kubeadm's preflight finds free (Port-<n>): kubelet's on every node; on a control
// plane the API server's, the scheduler's, the controller-manager's and local etcd's.
const PREFLIGHT_PORTS = { worker: [10250], "control-plane": [6443, 10259, 10257, 10250, 2379, 2380] };

/**
 * kubeadm's preflight conditions that a node can meet before init or join, each a check of
 * bake's own, named by the kubeadm check it stands for (docs/kubeadm-preflight.md): a name in
 * kubernetes.preflightIgnore lets kubeadm's pass and leaves bake's out too.
 */
function preflightChecks(k: PlanContext["spec"]["kubernetes"], containerd: string): PlannedCheck[] {
  const ignored = new Set(k.preflightIgnore.map((name) => name.toLowerCase()));
  const wanted = (name: string) => !ignored.has(name.toLowerCase());
  const controlPlane = k.role === "control-plane";
  const checks: [string, PlannedCheck][] = [
    ...PREFLIGHT_PORTS[k.role].map((port): [string, PlannedCheck] => [
      `Port-${port}`,
      batchedCheck("port {} is free", "bake_port_free", String(port)),
    ]),
    ...(controlPlane
      ? ([
          ["NumCPU", { description: "2 CPUs or more", test: sh`bake_cpus_at_least 2` }],
          ["Mem", { description: "1700 MB of memory or more", test: sh`bake_mem_mb_at_least 1700` }],
          [
            "DirAvailable--var-lib-etcd",
            { description: "/var/lib/etcd is empty", test: sh`bake_dir_empty /var/lib/etcd` },
          ],
        ] as [string, PlannedCheck][])
      : []),
    // system-validators' DefaultSysSpec (validators/types_unix.go): kernel versions, cgroup v2 controllers.
    ["SystemVerification", { description: "kernel is 5.4, 5.10, 5.15 or 6+", test: sh`bake_kernel_supported` }],
    [
      "SystemVerification",
      {
        description: "cgroup v2 controllers cpu cpuset memory pids",
        test: sh`bake_cgroup_controllers cpu cpuset memory pids`,
        // on v1 (EL8 before its reboot) there is no cgroup.controllers to read
        afterReboot: true,
      },
    ],
    [
      "KubeletVersion",
      { description: `kubelet version is ${k.version}`, test: sh`bake_kubelet_version_is ${k.version}` },
    ],
    ...(refusesContainerd1(k.version)
      ? ([
          [
            "ContainerRuntimeVersion",
            {
              description: `${containerd} is 2.x`,
              test: sh`bake_pkg_major_is ${containerd} 2`,
            },
          ],
        ] as [string, PlannedCheck][])
      : []),
  ];
  return checks.filter(([name]) => wanted(name)).map(([, check]) => check);
}
