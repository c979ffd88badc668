// The kubernetes steps of the Packer script, run as root in an overlay root
// (test/support/overlay-root.ts) with stand-ins for everything a real node
// would do: dnf, systemctl, firewall-cmd, swapoff, SELinux tools, crictl and
// kubeadm are stubs that log their argv and keep a little state (pulled
// images, open ports, masked units) so a second run sees the first run's
// work. kubeadm's stand-in prints an image list the test chooses and records
// the preflight config it is given; the real kubeadm preflight runs only on a
// real node (docs/guide.md, "Kubeadm-ready nodes").
// It proves the order of the steps, what they change on disk, and that a
// second run changes nothing.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { plan, renderPackerScript, validateSpec, type SpecInput } from "../src/index.js";
import { DEFAULT_KUBERNETES_VERSION, RELEASES } from "../src/capabilities/kubernetes/releases.js";
import { KUBERNETES_STEPS_LAST } from "./helpers.js";
import { MACHINE, OS_RELEASE, unameSaying } from "./support/os-release.js";
import { BOXES, cgroupV2, overlayRootAvailable, runInOverlayRoot } from "./support/overlay-root.js";
import {
  GPG_SHOW_KEYS,
  LOG,
  kubeadmCgroupV1Preflight,
  rpmQuery,
  SHOW_CONTAINERD,
  SYSCTL,
  withPackageVersion,
} from "./support/stubs.js";

// The stand-in kubeadm is a patch of the default minor, and prints the image list
// `kubeadm config images list` gives for it, from bake's release table.
const MINOR = DEFAULT_KUBERNETES_VERSION;
const PATCH = `${MINOR}.2`;
const KUBEADM_IMAGES = [
  ...["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy"].map((i) => `${i}:v${PATCH}`),
  `coredns/coredns:${RELEASES[MINOR]!.images!.coredns}`,
  `pause:${RELEASES[MINOR]!.pause}`,
  `etcd:${RELEASES[MINOR]!.images!.etcd}`,
];

const STUBS: Record<string, string> = {
  dnf: "exit 0",
  // Nothing is installed.
  rpm: rpmQuery(),
  gpg: GPG_SHOW_KEYS,
  "apt-get": "exit 0",
  // Nothing is installed; what dpkg --set-selections held reads back as held, as dpkg's selection state would.
  "dpkg-query": `if [[ $2 == *Status-Want* ]] && grep -qxF "\${!#}" /stub/held 2>/dev/null; then printf 'hold installed'; exit 0; fi; exit 1`,
  dpkg: `[ "$1" = --set-selections ] || exit 2
touch /stub/held
while read -r name state; do [ "$state" != hold ] || echo "$name"; done | sort -u - /stub/held > /stub/held.new; mv /stub/held.new /stub/held`,
  curl: `while [ $# -gt 1 ]; do if [ "$1" = -o ]; then out=$2; fi; shift; done; printf 'stand-in key\\n' > "$out"`,
  swapoff: "exit 0",
  restorecon: "exit 0",
  semanage: "exit 0",
  selinuxenabled: "exit 0 # SELinux is on",
  getenforce: `cat /stub/enforce 2>/dev/null || echo Enforcing`,
  setenforce: `if [ "$1" = 0 ]; then echo Permissive > /stub/enforce; else echo Enforcing > /stub/enforce; fi`,
  modprobe: `for m in "$@"; do [ "$m" = -a ] || mkdir -p "/sys/module/$m"; done`,
  sysctl: SYSCTL,
  containerd: `case "$1" in --version) echo "containerd containerd.io $(cat /stub-data/containerd-version) 0123abcd" ;; config) cat /etc/containerd/config.toml ;; esac`,
  ctr: `if [ "$1" = plugins ]; then printf 'TYPE ID PLATFORMS STATUS\\nio.containerd.grpc.v1 cri linux/amd64 ok\\n'; fi`,
  systemctl: `unit=\${*: -1}
# /stub-data/firewalld: "active", or "stopped" (enabled, not running, as in a Packer build)
firewalld_on() { [ "$(cat /stub-data/firewalld 2>/dev/null)" = active ] && [ ! -e /stub/firewalld-off ]; }
case "$1" in
  show) ${SHOW_CONTAINERD} ;;
  is-active) if [ "$unit" = firewalld ]; then firewalld_on; fi ;;
  is-enabled) case "$unit" in
    swap.target) if [ -e /stub/swap-masked ]; then echo masked; exit 1; fi; echo static ;;
    firewalld) [ -e /stub-data/firewalld ] && [ ! -e /stub/firewalld-off ] ;;
    kubelet) [ -e /stub/kubelet-enabled ] ;;
  esac ;;
  mask) touch /stub/swap-masked ;;
  enable) if [ "$unit" = kubelet ]; then touch /stub/kubelet-enabled; fi ;;
  disable) if [ "$unit" = firewalld ]; then touch /stub/firewalld-off; fi ;;
esac`,
  // firewalld's config as "zone what=value" lines: the permanent one, the running one (its copy at
  // --reload), the offline one; --zone absent is the default zone, public.
  "firewall-cmd": `touch /stub/fw-permanent /stub/fw-runtime
f=/stub/fw-runtime zone=public op=""
for a in "$@"; do case "$a" in --permanent) f=/stub/fw-permanent ;; --zone=*) zone=\${a#*=} ;; *) op=$a ;; esac; done
case "$op" in
  --reload) cp /stub/fw-permanent /stub/fw-runtime ;;
  --query-*) grep -qxF "$zone \${op#--query-}" "$f" ;;
  --add-*) echo "$zone \${op#--add-}" >> "$f" ;;
  *) exit 2 ;;
esac`,
  "firewall-offline-cmd": `touch /stub/fw-offline
zone=public op=""
for a in "$@"; do case "$a" in --zone=*) zone=\${a#*=} ;; *) op=$a ;; esac; done
case "$op" in
  --query-*) grep -qxF "$zone \${op#--query-}" /stub/fw-offline ;;
  --add-*) echo "$zone \${op#--add-}" >> /stub/fw-offline ;;
  *) exit 2 ;;
esac`,
  crictl: `case "$1" in
  inspecti) grep -qxF "$2" /stub/images 2>/dev/null ;;
  pull) echo "$2" >> /stub/images ;;
esac`,
  kubeadm: `case "$1 $2 $3" in
  "version -o short") echo v${PATCH} ;;
  "config images list") repo=registry.k8s.io; if [ "\${6:-}" = --image-repository ]; then repo=$7; fi
    for i in ${KUBEADM_IMAGES.join(" ")}; do echo "$repo/$i"; done ;;
  "init phase preflight" | "join phase preflight") cp "$5" "/stub/preflight-$1.yaml"
${kubeadmCgroupV1Preflight(`v${PATCH}`)}    echo "[preflight] Running pre-flight checks"
    if [ -e /stub-data/preflight-fails ]; then printf '[preflight] Some fatal errors occurred:\\n\\t[ERROR Mem]: stand-in failure\\n' >&2; exit 1; fi
    # Like kubeadm 1.3x: a worker's join preflight goes on to discovery, which fails without a cluster.
    if [ "$1" = join ]; then echo "error execution phase preflight: couldn't validate the identity of the API Server: 192.0.2.1:6443: i/o timeout" >&2; exit 1; fi ;;
  *) exit 2 ;;
esac`,
};
for (const tool of ["conntrack", "socat", "ethtool", "tc", "ip", "iptables", "ebtables", "grubby"])
  STUBS[tool] = "exit 0";
// What bake's own preflight checks read, each failing on request: a port in use (/stub-data/listening),
// one CPU (/stub-data/nproc), a hostname that does not resolve (/stub-data/no-hostname).
Object.assign(STUBS, {
  kubelet: `echo "Kubernetes v${PATCH}"`,
  nproc: "cat /stub-data/nproc 2>/dev/null || echo 2",
  ss: `port=$(cat /stub-data/listening 2>/dev/null) || exit 0; if [[ "$*" == *"sport = :$port" ]]; then echo "LISTEN 0 4096 *:$port *:*"; fi`,
  getent: "[ ! -e /stub-data/no-hostname ] && echo '127.0.1.1 node'",
});

const FSTAB =
  "UUID=1234 / xfs defaults 0 0\n/dev/vda2 none swap defaults 0 0\n  /swapfile\tnone\tswap\tsw 0 0\n# /dev/vdb none swap sw 0 0\n";
const SELINUX_CONFIG =
  "# This file controls the state of SELinux on the system.\nSELINUX=enforcing\nSELINUXTYPE=targeted\n";
const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function filesUnder(dir: string, prefix = ""): Map<string, { sha: string; mtime: number }> {
  const out = new Map<string, { sha: string; mtime: number }>();
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) for (const [k, v] of filesUnder(full, `${prefix}/${name}`)) out.set(k, v);
    else
      out.set(`${prefix}/${name}`, {
        sha: st.isFile() ? sha(readFileSync(full)) : "not a regular file",
        mtime: st.mtimeMs,
      });
  }
  return out;
}

/** What one test changes in the root: stubs replaced or left out, files put in place, commands hidden (an overlay whiteout). */
interface RootChanges {
  stubs?: Record<string, string | undefined>;
  files?: Record<string, string>;
  hide?: string[];
}

async function provision(name: string, input: SpecInput, data: Record<string, string> = {}, changes: RootChanges = {}) {
  const p = plan(validateSpec(input).spec);
  data = { "containerd-version": p.configVersion === 2 ? "1.7.99" : "2.2.99", ...data };
  const dir = mkdtempSync(join(BOXES, `bake-k8s-${name}-`));
  const [layer, upper, work, mnt] = ["layer", "upper", "work", "mnt"].map((d) => join(dir, d)) as [
    string,
    string,
    string,
    string,
  ];
  for (const d of [
    layer,
    upper,
    work,
    mnt,
    join(layer, "usr/local/sbin"),
    join(layer, "stub-data"),
    join(layer, "etc/selinux"),
    // EL's release package keeps the OS keys there; bake puts its repo keys beside them.
    join(layer, "etc/pki/rpm-gpg"),
  ])
    mkdirSync(d, { recursive: true });
  for (const [command, body] of Object.entries({ ...STUBS, ...changes.stubs })) {
    if (body === undefined) continue;
    writeFileSync(
      join(layer, "usr/local/sbin", command),
      `#!/bin/bash\nmkdir -p /stub\n${LOG}\n${withPackageVersion(command, body)}\n`,
    );
    chmodSync(join(layer, "usr/local/sbin", command), 0o755);
  }
  for (const [path, content] of Object.entries(changes.files ?? {})) {
    mkdirSync(join(layer, path, ".."), { recursive: true });
    writeFileSync(join(layer, path), content);
  }
  // A whiteout (character device 0/0) in the upper lower layer hides the host's file of that name.
  for (const path of changes.hide ?? []) {
    mkdirSync(join(layer, path, ".."), { recursive: true });
    execFileSync("mknod", [join(layer, path), "c", "0", "0"]);
  }
  for (const [file, content] of Object.entries(data)) writeFileSync(join(layer, "stub-data", file), content);
  writeFileSync(join(layer, "etc/fstab"), FSTAB);
  // The spec's system, which bake's first step checks: the host's os-release and machine are not it.
  writeFileSync(join(layer, "etc/os-release"), OS_RELEASE[p.spec.distro]);
  writeFileSync(join(layer, "usr/local/sbin/uname"), `#!/bin/bash\n${unameSaying(MACHINE[p.spec.arch])}\n`, {
    mode: 0o755,
  });
  // A cgroup v2 node.
  cgroupV2(layer, true);
  if (p.distro.family === "el") writeFileSync(join(layer, "etc/selinux/config"), SELINUX_CONFIG);
  writeFileSync(join(layer, "bake-provision.sh"), renderPackerScript(p));
  const oomfile = join(dir, "oom_score_adj");
  writeFileSync(oomfile, `${p.spec.containerd.service.oomScoreAdjust}\n`);
  const run = () => runInOverlayRoot({ layer, upper, work, mnt, oomfile }, "/bin/bash /bake-provision.sh");
  const read = (path: string) => readFileSync(join(upper, path), "utf8");
  const calls = () =>
    readFileSync(join(upper, "stub/log"), "utf8")
      .split("\0\n")
      .filter((r) => r !== "")
      .map((r) => r.split("\0"));
  return { plan: p, layer, upper, run, read, calls, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// crictl from the cri-tools package that kubeadm pulls in: the stand-in crictl is on PATH.
const base = (kubernetes: SpecInput["kubernetes"]): SpecInput => ({
  distro: "rocky9",
  crictl: { install: "none" },
  kubernetes: { enabled: true, ...kubernetes },
});
const stepOrder = (output: string) => [...output.matchAll(/^bake: \[\d+\/\d+\] ([a-z-]+):/gm)].map((m) => m[1]);

describe.skipIf(!overlayRootAvailable())(
  "kubernetes steps in the sandbox (stand-ins for dnf, systemctl, firewalld, crictl and kubeadm)",
  () => {
    it("a worker: steps in order, swap lines commented, ports opened, images pulled, join preflight last; a second run changes nothing", async () => {
      const box = await provision(
        "worker",
        base({ version: PATCH, images: { extra: ["docker.io/flannel/flannel:v0.26.7"] } }),
        { firewalld: "active\n" },
      );
      const first = await box.run();
      expect(first.code, first.output).toBe(0);
      expect(stepOrder(first.output)).toEqual([
        "system",
        "write-files",
        "host-tools",
        "kernel-modules",
        "kubernetes-repo-key",
        "remove-packages",
        "docker-repo-key",
        "install-containerd",
        "sysctl",
        "check-containerd",
        "selinux-labels",
        "start-containerd",
        ...KUBERNETES_STEPS_LAST,
      ]);
      expect(first.output).toMatch(/bake: ok {3}- kubeadm join preflight passes\n/);
      expect(first.output).toContain(
        "kubeadm then stopped at cluster discovery, which needs a cluster: not checked here",
      );
      expect(first.output).not.toContain("FAIL");

      expect(box.read("etc/fstab")).toBe(
        "UUID=1234 / xfs defaults 0 0\n#bake: swap off for kubelet# /dev/vda2 none swap defaults 0 0\n#bake: swap off for kubelet#   /swapfile\tnone\tswap\tsw 0 0\n# /dev/vdb none swap sw 0 0\n",
      );
      expect(box.read("etc/selinux/config")).toBe(SELINUX_CONFIG.replace("SELINUX=enforcing", "SELINUX=permissive"));
      expect(box.read("stub/enforce")).toBe("Permissive\n");
      // the pod network trusted, the role's ports open: permanently, and running after one reload
      const FW =
        "trusted source=10.244.0.0/16\npublic port=10250/tcp\npublic port=10256/tcp\npublic port=30000-32767/tcp\n";
      expect(box.read("stub/fw-permanent")).toBe(FW);
      expect(box.read("stub/fw-runtime")).toBe(FW);
      expect(first.output).toContain(
        "bake: firewalld: firewall-cmd --permanent --add-source=10.244.0.0/16 --zone=trusted\n",
      );
      expect(first.output).toContain("bake: firewalld: reloaded\n");
      expect(first.output).toContain(
        "bake: ok   - firewalld, if active, has 10250/tcp 10256/tcp 30000-32767/tcp open and 10.244.0.0/16 trusted",
      );
      // A worker pulls what it runs (kube-proxy, pause, CoreDNS), not the control plane's
      // static pods; verify's image check passed above on the same list.
      expect(box.read("stub/images").split("\n").filter(Boolean)).toEqual([
        `registry.k8s.io/kube-proxy:v${PATCH}`,
        `registry.k8s.io/coredns/coredns:${RELEASES[MINOR]!.images!.coredns}`,
        `registry.k8s.io/pause:${RELEASES[MINOR]!.pause}`,
        "docker.io/flannel/flannel:v0.26.7",
      ]);
      expect(first.output).toMatch(/bake: ok {3}- the pulled images are in containerd\n/);
      expect(box.read("stub/preflight-join.yaml")).toMatch(
        /kind: JoinConfiguration\n[\s\S]*timeouts:\n {2}discovery: 5s\n/,
      );
      expect(existsSync(join(box.upper, "stub/kubelet-enabled"))).toBe(true);

      const calls = box.calls();
      const dnfInstalls = calls
        .filter((c) => c[0] === "dnf" && c.includes("install"))
        .map((c) => c.slice(c.indexOf("install") + 1).join(" "));
      expect(dnfInstalls.slice(-2)).toEqual([
        "--allowerasing conntrack-tools socat iptables-nft iproute-tc ethtool",
        `--allowerasing --disableexcludes=kubernetes kubelet-${PATCH}-* kubeadm-${PATCH}-* kubectl-${PATCH}-*`,
      ]);
      const kubeadmCalls = calls.filter((c) => c[0] === "kubeadm").map((c) => c.slice(1).join(" "));
      expect(kubeadmCalls[0]).toBe(`config images list --kubernetes-version v${PATCH}`); // pull-images
      // verify's checks run side by side, so their calls come in any order
      expect(kubeadmCalls.slice(1).sort()).toEqual([
        `config images list --kubernetes-version v${PATCH}`, // images present
        expect.stringMatching(/^join phase preflight --config \/tmp\/bake-kubeadm-\w+\.yaml$/),
        "version -o short", // kubeadm's version
      ]);
      const before = filesUnder(box.upper);
      const firstCalls = calls.length;

      const second = await box.run();
      expect(second.code, second.output).toBe(0);
      const again = box.calls().slice(firstCalls);
      expect(
        again.filter(
          (c) =>
            (c[0] === "crictl" && c[1] === "pull") ||
            (c[0] === "firewall-cmd" && c.some((a) => a.startsWith("--add-") || a === "--reload")) ||
            (c[0] === "systemctl" && c[1] === "mask"),
        ),
      ).toEqual([]);
      expect(second.output).toContain("is already pulled");
      const after = filesUnder(box.upper);
      const node = (files: Map<string, { sha: string; mtime: number }>) =>
        // bake's log and status file record every run; everything else must be untouched.
        [...files].filter(
          ([path]) =>
            !path.startsWith("/stub/") && path !== "/var/log/bake-provision.log" && path !== "/var/lib/bake/status",
        );
      expect(node(after)).toEqual(node(before));
      box.cleanup();
    });

    it("Debian: the key checked by sha256 before apt trusts it, the packages held, no SELinux to set; a second run changes nothing", async () => {
      const keySha = sha("stand-in key\n");
      const box = await provision("debian", {
        distro: "debian14",
        crictl: { install: "none" },
        kubernetes: { enabled: true, repo: { gpgkeySha256: keySha } },
      });
      const first = await box.run();
      expect(first.code, first.output).toBe(0);
      const order = stepOrder(first.output);
      // the key is there before the first apt-get update (install-containerd's)
      expect(order.indexOf("kubernetes-repo-key")).toBeLessThan(order.indexOf("install-containerd"));
      expect(order.slice(-KUBERNETES_STEPS_LAST.length)).toEqual(KUBERNETES_STEPS_LAST);
      expect(box.read("etc/apt/keyrings/kubernetes-apt-keyring.asc")).toBe("stand-in key\n");
      // kubernetes-cni (kubelet's dependency) and runc (Debian's containerd's) are held too
      expect(box.read("stub/held")).toBe("containerd\nkubeadm\nkubectl\nkubelet\nkubernetes-cni\nrunc\n");
      expect(first.output).toMatch(/bake: ok {3}- kubernetes-cni is held\n/);
      expect(first.output).toMatch(/bake: ok {3}- runc is held\n/);
      expect(first.output).toContain("bake: no /etc/selinux/config; SELinux is not installed");
      expect(first.output).toMatch(/bake: ok {3}- kubelet is held\n/);
      const installs = box
        .calls()
        .filter((c) => c[0] === "apt-get" && c.includes("install"))
        .map((c) => c.slice(c.indexOf("install") + 1).join(" "));
      expect(installs.at(-1)).toBe(
        `--allow-change-held-packages kubelet=${MINOR}.* kubeadm=${MINOR}.* kubectl=${MINOR}.*`,
      );
      const before = filesUnder(box.upper);
      const second = await box.run();
      expect(second.code, second.output).toBe(0);
      const etc = (files: Map<string, { sha: string; mtime: number }>) =>
        [...files].filter(([path]) => path.startsWith("/etc/"));
      expect(etc(filesUnder(box.upper))).toEqual(etc(before));
      box.cleanup();
    });

    it("never runs a repo URL: shell syntax in baseurl and gpgkey reaches curl and the sources file intact", async () => {
      const gpgkey = "https://m.example.com/';touch$IFS/tmp/PWNED;'/$(touch$IFS/tmp/PWNED)";
      const baseurl = "https://m.example.com/k8s/$(touch$IFS/tmp/PWNED)/";
      const box = await provision("hostile", {
        distro: "debian14",
        crictl: { install: "none" },
        kubernetes: { enabled: true, repo: { baseurl, gpgkey, gpgkeySha256: sha("stand-in key\n") } },
      });
      const first = await box.run();
      expect(first.code, first.output).toBe(0);
      expect(existsSync(join(box.upper, "tmp/PWNED")), "a payload ran").toBe(false);
      expect(
        box
          .calls()
          .filter((c) => c[0] === "curl")
          .map((c) => c.at(-1)),
      ).toEqual([gpgkey]);
      expect(box.read("etc/apt/sources.list.d/kubernetes.sources")).toContain(`URIs: ${baseurl}\n`);
      box.cleanup();
    });

    it("refuses an apt key whose sha256 differs, before apt sees it", async () => {
      const box = await provision("badkey", {
        distro: "debian14",
        crictl: { install: "none" },
        kubernetes: { enabled: true, repo: { gpgkeySha256: "0".repeat(64) } },
      });
      const first = await box.run();
      expect(first.code).not.toBe(0);
      expect(first.output).toContain("bake: FAILED in step 'kubernetes-repo-key'");
      expect(existsSync(join(box.upper, "etc/apt/keyrings/kubernetes-apt-keyring.asc"))).toBe(false);
      const held = join(box.upper, "stub/held");
      expect(existsSync(held) ? readFileSync(held, "utf8") : "").not.toMatch(/kube/);
      box.cleanup();
    });

    // apt-get update as apt runs it on a source whose Signed-By keyring is absent: "is not signed", exit 100.
    // It reads bake's sources in sources.list.d and the one a -o Dir::Etc::SourceList names.
    const APT_GET_CHECKING_KEYS = `if [[ " $* " == *" update "* ]]; then
  for f in /etc/apt/sources.list.d/*.sources $(printf '%s\\n' "$@" | sed -n 's/^Dir::Etc::SourceList=//p'); do
    grep -qs '^# Written by bake' "$f" || continue
    key=$(sed -n 's/^Signed-By: \\([^ ]*\\).*/\\1/p' "$f")
    [ -s "$key" ] || { echo "E: The repository of $f is not signed." >&2; exit 100; }
  done
fi
# The host tools' install: kmod brings modprobe.
for a; do [ "$a" != kmod ] || cp /stub-bin/modprobe /usr/local/sbin/modprobe; done`;

    it("Debian and docker's containerd.io: no apt-get update ever sees a bake source without its key, not even the host tools' install before the key steps", async () => {
      const box = await provision(
        "apt-order",
        {
          distro: "debian13",
          crictl: { install: "none" },
          containerd: { source: "docker" },
          // The optional sha256 pins, of what the curl stub serves, so that the run reaches its apt-get calls.
          packages: { repo: { gpgkeySha256: sha("stand-in key\n") } },
          kubernetes: { enabled: true, repo: { gpgkeySha256: sha("stand-in key\n") } },
        },
        {},
        {
          // A minimal image without kmod: the host-tools step installs it, with apt-get update, first of all.
          stubs: { "apt-get": APT_GET_CHECKING_KEYS, modprobe: undefined },
          files: {
            "stub-bin/modprobe": `#!/bin/bash\nfor m in "$@"; do [ "$m" = -a ] || mkdir -p "/sys/module/$m"; done\n`,
          },
          hide: ["usr/sbin/modprobe"],
        },
      );
      chmodSync(join(box.layer, "stub-bin/modprobe"), 0o755);
      const first = await box.run();
      expect(first.code, first.output).toBe(0);
      const order = stepOrder(first.output);
      const updates = box.calls().filter((c) => c[0] === "apt-get" && c.includes("update"));
      // The scenario happened: an update came before the key steps, from the host tools' install.
      expect(order.indexOf("host-tools")).toBeLessThan(order.indexOf("kubernetes-repo-key"));
      expect(updates[0]).not.toContain("Dir::Etc::SourceList=/var/lib/bake/kubernetes.sources");
      expect(first.output).toContain("install what is missing of: kmod");
      expect(box.read("etc/apt/sources.list.d/kubernetes.sources")).toBe(box.read("var/lib/bake/kubernetes.sources"));
      expect(box.read("etc/apt/sources.list.d/docker.sources")).toBe(box.read("var/lib/bake/docker.sources"));
      expect(first.output).not.toContain("is not signed");
      box.cleanup();
    });

    it("a key fetch that fails leaves no source for apt: the step fails at once, and the source an earlier run wrote is taken out", async () => {
      const earlier =
        "# Written by bake: kubelet, kubeadm and kubectl (an earlier run)\nTypes: deb\nURIs: https://pkgs.k8s.io/core:/stable:/v1.34/deb/\nSuites: /\nSigned-By: /etc/apt/keyrings/kubernetes-apt-keyring.asc\n";
      const box = await provision(
        "key-404",
        {
          distro: "debian13",
          crictl: { install: "none" },
          kubernetes: { enabled: true, repo: { gpgkeySha256: "0".repeat(64) } },
        },
        {},
        {
          stubs: { curl: `echo "curl: (22) The requested URL returned error: 404" >&2; exit 22` },
          files: { "etc/apt/sources.list.d/kubernetes.sources": earlier },
        },
      );
      const first = await box.run();
      expect(first.code).not.toBe(0);
      expect(first.output).toContain("bake: FAILED in step 'kubernetes-repo-key'");
      expect(first.output).toContain("bake: not retrying: curl: (22) The requested URL returned error: 404");
      expect(first.output).not.toContain("retry 1/3");
      // Taken out of the root: the overlay records the removal of the lower layer's file as a whiteout.
      const removed = lstatSync(join(box.upper, "etc/apt/sources.list.d/kubernetes.sources"));
      expect(removed.isCharacterDevice() && removed.rdev === 0).toBe(true);
      expect(existsSync(join(box.upper, "etc/apt/keyrings/kubernetes-apt-keyring.asc"))).toBe(false);
      expect(box.calls().filter((c) => c[0] === "apt-get")).toEqual([]);
      box.cleanup();
    });

    it("a control plane: init preflight with the exact version and image repository, images from that repository", async () => {
      const box = await provision(
        "cp",
        base({ role: "control-plane", version: PATCH, images: { repository: "registry.local:5000/k8s" } }),
      );
      const first = await box.run();
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain("bake: firewalld is not active; no firewall change");
      expect(first.output).toContain(`bake: kubeadm init preflight (kubernetes v${PATCH}); checks let pass: none`);
      expect(box.read("stub/preflight-init.yaml")).toBe(
        `apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v${PATCH}\nimageRepository: registry.local:5000/k8s\n`,
      );
      expect(box.read("stub/images").split("\n").filter(Boolean)).toEqual(
        KUBEADM_IMAGES.map((i) => `registry.local:5000/k8s/${i}`),
      );
      expect(box.read("etc/containerd/config.toml")).toContain(
        `"registry.local:5000/k8s/pause:${RELEASES[MINOR]!.pause}"`,
      );
      box.cleanup();
    });

    it("firewalld enabled but not running (a Packer build): the pod network and the ports go into its permanent config with firewall-offline-cmd, once", async () => {
      const box = await provision("fw-offline", base({ images: { prePull: false }, podSubnet: "192.168.0.0/16" }), {
        firewalld: "stopped\n",
      });
      const first = await box.run();
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain("bake: firewalld is enabled but not running; writing its permanent config");
      expect(box.read("stub/fw-offline")).toBe(
        "trusted source=192.168.0.0/16\npublic port=10250/tcp\npublic port=10256/tcp\npublic port=30000-32767/tcp\n",
      );
      expect(first.output).toContain(
        "bake: ok   - firewalld, if active, has 10250/tcp 10256/tcp 30000-32767/tcp open and 192.168.0.0/16 trusted",
      );
      expect(box.calls().filter((c) => c[0] === "firewall-cmd")).toEqual([]);
      const calls = box.calls().length;
      const second = await box.run();
      expect(second.code, second.output).toBe(0);
      expect(
        box
          .calls()
          .slice(calls)
          .filter((c) => c[0] === "firewall-offline-cmd" && c.some((a) => a.startsWith("--add-"))),
      ).toEqual([]);
      box.cleanup();
    });

    it("firewalld running without the pod network (dropped from its running rules): a re-run reloads it from the permanent config, adding nothing", async () => {
      const box = await provision("fw-reload", base({ images: { prePull: false } }), { firewalld: "active\n" });
      expect((await box.run()).code).toBe(0);
      writeFileSync(
        join(box.upper, "stub/fw-runtime"),
        box.read("stub/fw-runtime").replace("trusted source=10.244.0.0/16\n", ""),
      );
      const calls = box.calls().length;
      const second = await box.run();
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("bake: firewalld: reloaded\n");
      expect(box.read("stub/fw-runtime")).toContain("trusted source=10.244.0.0/16\n");
      const again = box.calls().slice(calls);
      expect(again.filter((c) => c.some((a) => a.startsWith("--add-")))).toEqual([]);
      box.cleanup();
    });

    it("firewalld enabled but not running, action disable: it is disabled, so it does not start at the next boot", async () => {
      const box = await provision(
        "fw-stopped-disable",
        base({ images: { prePull: false }, firewalld: { action: "disable" } }),
        { firewalld: "stopped\n" },
      );
      const first = await box.run();
      expect(first.code, first.output).toBe(0);
      expect(existsSync(join(box.upper, "stub/firewalld-off"))).toBe(true);
      expect(first.output).toContain("bake: ok   - firewalld is off");
      box.cleanup();
    });

    it("fails verify, naming the preflight check, when kubeadm's preflight reports an error", async () => {
      const box = await provision("fails", base({ images: { prePull: false }, firewalld: { action: "disable" } }), {
        firewalld: "active\n",
        "preflight-fails": "",
      });
      const first = await box.run();
      expect(first.code).not.toBe(0);
      expect(first.output).toContain("[ERROR Mem]: stand-in failure");
      expect(first.output).toContain("bake: FAIL - kubeadm join preflight passes");
      expect(first.output).toContain("bake: FAILED in step 'verify'");
      expect(existsSync(join(box.upper, "stub/firewalld-off"))).toBe(true);
      expect(first.output).toContain("bake: ok   - firewalld is off");
      box.cleanup();
    });

    it("checks kubeadm's preflight conditions on its own, naming each that fails; preflightIgnore leaves one out", async () => {
      const spec = base({ role: "control-plane", images: { prePull: false } });
      const failing = { listening: "6443\n", nproc: "1\n", "no-hostname": "" };
      const box = await provision("preflight-own", spec, failing);
      const first = await box.run();
      expect(first.code).not.toBe(0);
      for (const check of ["port 6443 is free", "2 CPUs or more"])
        expect(first.output).toContain(`bake: FAIL - ${check}\n`);
      // kubeadm only warns when the node's name does not resolve, so bake does not fail it
      expect(first.output).not.toContain("hostname");
      expect(first.output).toContain("bake: ok   - port 10250 is free\n");
      expect(first.output).toContain("bake: ok   - kubelet version is");
      box.cleanup();
      // the user lets kubeadm's NumCPU pass: bake leaves its own out too
      const ignoring = await provision(
        "preflight-ignored",
        { ...spec, kubernetes: { ...spec.kubernetes, preflightIgnore: ["NumCPU"] } },
        failing,
      );
      const second = await ignoring.run();
      expect(second.output).not.toContain("2 CPUs or more");
      expect(second.output).toContain("bake: FAIL - port 6443 is free\n");
      ignoring.cleanup();
    });

    it("EL8 on cgroup v1: exits 75 with kubeadm's preflight left for after the reboot, which then passes it", async () => {
      const box = await provision("cgroup-v1", { ...base({ images: { prePull: false } }), distro: "rocky8" });
      cgroupV2(box.layer, false);
      const first = await box.run();
      expect(first.code, first.output).toBe(75);
      expect(box.read("var/lib/bake/status")).toBe("reboot-pending\n");
      expect(first.output).toContain("bake: skip - kubeadm join preflight passes: not before the reboot for cgroup v2");
      expect(first.output).toContain("bake: ok   - kubelet is enabled");
      expect(box.calls().filter((c) => c[0] === "kubeadm" && c[2] === "phase")).toEqual([]);

      // The reboot: the kernel now mounts cgroup v2.
      cgroupV2(box.layer, true);
      const second = await box.run();
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("bake: ok   - kubeadm join preflight passes");
      expect(box.read("var/lib/bake/status")).toBe("ok\n");
      box.cleanup();
    });
  },
);
