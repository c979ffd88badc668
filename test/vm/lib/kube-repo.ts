// A STAND-IN for pkgs.k8s.io's deb repository, served on the host's loopback for the
// kubeadm-ready boot. pkgs.k8s.io cannot be reached here, so the test builds, with dpkg-deb,
// kubelet, kubeadm, kubectl and cri-tools packages laid out and versioned as pkgs.k8s.io's
// (flat repo under core:/stable:/v<bake's default minor>/deb/, Release, InRelease, Release.gpg, Release.key),
// and signs the repo with a key generated for this run. The executables are stand-ins and
// say so, except crictl: cri-tools holds the real vendored crictl, because bake pulls the
// images with it. The real packages and kubeadm's real preflight run only in the GitHub
// workflow (boot.yml, Rocky).
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { DEFAULT_KUBERNETES_VERSION, RELEASES } from "../../../src/capabilities/kubernetes/releases.js";
import { kubeadmCgroupV1Preflight } from "../../support/stubs.js";
import { buildDeb, keyFingerprintOf, packagesIndex, serveFiles, signRelease, type Package } from "./apt-repo.js";
import { log, run } from "./exec.js";

/** bake's default minor: the stand-in repo is that minor's */
export const KUBE_MINOR = DEFAULT_KUBERNETES_VERSION;
/** the newest patch in the stand-in repo; `kubeadm version -o short` prints v<this> */
export const KUBE_PATCH = `${KUBE_MINOR}.2`;
/** where pkgs.k8s.io keeps the minor's deb repo; the stand-in uses the same path */
export const REPO_PATH = `/core:/stable:/v${KUBE_MINOR}/deb/`;
/** what the stand-in kubeadm's `config images list` prints, after the repository; @V is --kubernetes-version */
export const KUBEADM_IMAGES = [
  "kube-apiserver:@V",
  "kube-controller-manager:@V",
  "kube-scheduler:@V",
  "kube-proxy:@V",
  `coredns/coredns:${RELEASES[KUBE_MINOR]!.images!.coredns}`,
  `pause:${RELEASES[KUBE_MINOR]!.pause}`,
  `etcd:${RELEASES[KUBE_MINOR]!.images!.etcd}`,
];
/** every stand-in says this, in its output and its package description */
export const STANDIN_MARK = "STAND-IN (bake VM test fixture, not the real";

/** The image list as the stand-in prints it for `repository` and `version`: kubeadm drops coredns/ for a custom repository. */
export function kubeadmImageList(repository: string, version: string): string[] {
  return KUBEADM_IMAGES.map((i) => i.replace("@V", version)).map(
    (i) => `${repository}/${repository === "registry.k8s.io" ? i : i.replace(/^coredns\//, "")}`,
  );
}

const kubeadmScript = () => `#!/bin/sh
# kubeadm ${STANDIN_MARK} kubeadm). Built by bake's VM test harness
# (test/vm/lib/kube-repo.ts): it answers version and config images list with the test's
# list, and the preflight phases WITHOUT running kubeadm's checks, but for cgroup v1's error.
VERSION=v${KUBE_PATCH}
IMAGES='${KUBEADM_IMAGES.join(" ")}'
say() { echo "kubeadm ${STANDIN_MARK} kubeadm): $*" >&2; }
case "$1" in
  version)
    if [ "$2" = -o ] && [ "$3" = short ]; then echo "$VERSION"; else echo "kubeadm version: &version.Info{GitVersion:\\"$VERSION\\", Note:\\"${STANDIN_MARK} kubeadm)\\"}"; fi ;;
  config)
    [ "$2 $3" = "images list" ] || { say "only 'config images list' is implemented"; exit 2; }
    shift 3
    version=$VERSION repo=registry.k8s.io
    while [ $# -gt 0 ]; do
      case "$1" in
        --kubernetes-version) version=$2; shift 2 ;;
        --kubernetes-version=*) version=\${1#*=}; shift ;;
        --image-repository) repo=$2; shift 2 ;;
        --image-repository=*) repo=\${1#*=}; shift ;;
        *) say "unknown flag $1"; exit 2 ;;
      esac
    done
    say "config images list: the test's list for $version from $repo"
    for i in $IMAGES; do
      i=$(echo "$i" | sed "s|@V|$version|")
      if [ "$repo" != registry.k8s.io ]; then i=\${i#coredns/}; fi
      echo "$repo/$i"
    done ;;
  init|join)
    [ "$2 $3" = "phase preflight" ] || { say "only '$1 phase preflight' is implemented"; exit 2; }
${kubeadmCgroupV1Preflight(KUBE_PATCH)}    echo "[preflight] kubeadm ${STANDIN_MARK} kubeadm): kubeadm's preflight checks were NOT run; the real ones run only in the GitHub workflow (boot.yml, Rocky)"
    echo "[preflight] arguments: $*"
    config=
    for a in "$@"; do case "$a" in --config=*) config=\${a#*=} ;; esac; done
    prev=
    for a in "$@"; do if [ "$prev" = --config ]; then config=$a; fi; prev=$a; done
    if [ -n "$config" ]; then sed 's/^/[preflight] config: /' "$config"; fi ;;
  *) say "'$1' is not implemented"; exit 2 ;;
esac
`;

const kubeletScript = () => `#!/bin/sh
# kubelet ${STANDIN_MARK} kubelet), built by test/vm/lib/kube-repo.ts.
if [ "$1" = --version ]; then echo "Kubernetes v${KUBE_PATCH} (${STANDIN_MARK} kubelet))"; exit 0; fi
echo "kubelet ${STANDIN_MARK} kubelet): exits as a kubelet does until kubeadm init or join configures it" >&2
exit 1
`;

const kubectlScript = () => `#!/bin/sh
# kubectl ${STANDIN_MARK} kubectl), built by test/vm/lib/kube-repo.ts.
echo "kubectl ${STANDIN_MARK} kubectl): Client Version: v${KUBE_PATCH}"
`;

// kubelet.service as pkgs.k8s.io ships it: kubelet restarts until kubeadm writes its config.
const KUBELET_UNIT = `[Unit]
Description=kubelet ${STANDIN_MARK} kubelet)
Wants=network-online.target
After=network-online.target
StartLimitIntervalSec=0

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

export interface KubeRepo {
  /** the repo as the guest reaches it: http://10.0.2.2:<port>/core:/stable:/v1.37/deb/ */
  guestBaseurl: string;
  /** sha256 of Release.key, for kubernetes.repo.gpgkeySha256 */
  keySha256: string;
  /** the key's OpenPGP fingerprint, for kubernetes.repo.gpgkeyFingerprint */
  keyFingerprint: string;
  /** "GET <path> -> <status>" per request */
  requests: string[];
  close(): Promise<void>;
}

/** Builds the packages and the signed repo under a temp dir and serves it on 127.0.0.1. */
export async function startKubeRepo(crictlTarball: string): Promise<KubeRepo> {
  const work = await mkdtemp(join(tmpdir(), "bake-vm-kube-"));
  const repo = join(work, "repo");
  await mkdir(repo);
  await run("tar", ["-C", work, "-xzf", crictlTarball, "crictl"]);
  const crictlBinary = await readFile(join(work, "crictl"));
  const exe = (content: string | Buffer) => ({ content, mode: 0o755 });
  const version = `${KUBE_PATCH}-1.1`;
  const packages: Package[] = [
    {
      name: "kubeadm",
      version,
      depends: "cri-tools (>= 1.30.0)",
      description: `kubeadm ${STANDIN_MARK} kubeadm)`,
      files: { "usr/bin/kubeadm": exe(kubeadmScript()) },
    },
    {
      name: "kubelet",
      version,
      // pkgs.k8s.io's kubelet (1.28 on) depends on kubernetes-cni >= 1.2.0 (kubernetes/release, krel's templates/latest/metadata.yaml)
      depends: "kubernetes-cni (>= 1.2.0)",
      description: `kubelet ${STANDIN_MARK} kubelet)`,
      files: {
        "usr/bin/kubelet": exe(kubeletScript()),
        "usr/lib/systemd/system/kubelet.service": { content: KUBELET_UNIT, mode: 0o644 },
      },
    },
    {
      name: "kubectl",
      version,
      description: `kubectl ${STANDIN_MARK} kubectl)`,
      files: { "usr/bin/kubectl": exe(kubectlScript()) },
    },
    // Only a marker file: the pod network tests put the CNI plugins into /opt/cni/bin themselves.
    {
      name: "kubernetes-cni",
      version: "1.7.1-1.1",
      description: `kubernetes-cni ${STANDIN_MARK} package): no plugins, only a marker`,
      files: { "usr/share/doc/kubernetes-cni/STAND-IN": { content: `${STANDIN_MARK} kubernetes-cni)\n`, mode: 0o644 } },
    },
    // cri-tools follows the minor (1.37.0); the binary inside is the real vendored crictl v1.34.0
    {
      name: "cri-tools",
      version: `${KUBE_MINOR}.0-1.1`,
      description: `cri-tools ${STANDIN_MARK} package): holds the real crictl v1.34.0 binary`,
      files: { "usr/bin/crictl": exe(crictlBinary) },
    },
  ];
  const debs: string[] = [];
  for (const p of packages) debs.push(await buildDeb(work, repo, p, "test/vm/lib/kube-repo.ts"));
  // Packages and Release as apt reads a flat repo ("Suites: /" in bake's kubernetes.sources)
  const keySha256 = await signRelease({
    work,
    releaseDir: repo,
    indexes: { Packages: await packagesIndex(debs, repo) },
    label: "bake VM test stand-in for pkgs.k8s.io",
    keyFile: join(repo, "Release.key"),
  });
  const keyFingerprint = await keyFingerprintOf(join(repo, "Release.key"));
  const served = await serveFiles(repo, REPO_PATH);
  log(
    `kube repo: STAND-IN of pkgs.k8s.io on http://127.0.0.1:${served.port}${REPO_PATH} (${debs.map((d) => basename(d)).join(", ")}), key sha256 ${keySha256}`,
  );
  return {
    guestBaseurl: `http://10.0.2.2:${served.port}${REPO_PATH}`,
    keySha256,
    keyFingerprint,
    requests: served.requests,
    close: async () => {
      await served.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
