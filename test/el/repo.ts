// Stand-ins for docker's EL repositories and Rocky's OS repository, built with the real
// rpmbuild, rpmsign, createrepo_c and gpg. Every package here is a STAND-IN: it carries
// the metadata of the real one (name, docker's version-release scheme, Obsoletes and
// Conflicts, %config(noreplace)) and shell scripts that say they are stand-ins instead of
// binaries. The real packages are only installed by the Rocky boot workflow (boot.yml).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeadmCgroupV1Preflight } from "../support/stubs.js";

/** The config.toml docker's containerd.io ships: the CRI plugin off, for Docker Engine. */
export const PACKAGE_CONFIG_TOML = 'disabled_plugins = ["cri"]\n';

interface PackageFile {
  content: string;
  mode?: number;
  /** %config(noreplace): rpm keeps a changed file on disk and writes its own copy as .rpmnew. */
  config?: boolean;
}

interface StandIn {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  /** Spec preamble lines: Provides, Obsoletes, Conflicts, Requires. */
  tags?: string[];
  files: Record<string, PackageFile>;
}

const script = (lines: string) => ({ content: `#!/bin/sh\n${lines}`, mode: 0o755 });

/** containerd.io as docker packages it (rpm/containerd.spec in docker/containerd-packaging). */
function containerdIo(version: string, release: string): StandIn {
  const what = `stand-in for containerd ${version} (bake's EL contract test): no daemon, only the answers bake's provisioner asks for`;
  return {
    name: "containerd.io",
    version,
    release,
    tags: [
      "Provides: containerd",
      "Provides: runc",
      "Obsoletes: containerd",
      "Obsoletes: runc",
      "Conflicts: containerd",
      "Conflicts: runc",
      "Requires: container-selinux >= 2:2.74",
    ],
    files: {
      "/etc/containerd/config.toml": { content: PACKAGE_CONFIG_TOML, config: true },
      "/usr/bin/containerd": script(`# ${what}
case "$1" in
  --version) echo "containerd containerd.io ${version} 0000000000000000000000000000000000standin" ;;
  config) [ "$2" = dump ] && exec cat /etc/containerd/config.toml ;;
  *) echo "containerd stand-in: '$*' is not implemented" >&2; exit 2 ;;
esac
`),
      // Like the real ctr, the CRI plugin is missing when config.toml disables it.
      "/usr/bin/ctr": script(`# ${what}
case "$1" in
  version) printf 'Client:\\n  Version:  ${version}\\n\\nServer:\\n  Version:  ${version}\\n' ;;
  plugins)
    echo "TYPE                  ID   PLATFORMS    STATUS"
    grep -q '^disabled_plugins = \\[.*"cri"' /etc/containerd/config.toml || echo "io.containerd.grpc.v1 cri  linux/amd64  ok" ;;
  *) echo "ctr stand-in: '$*' is not implemented" >&2; exit 2 ;;
esac
`),
    },
  };
}

/** A Rocky OS package that only has to exist (and be replaced or removed). */
function osPackage(name: string, version: string, release: string, path: string, epoch?: number): StandIn {
  return {
    name,
    version,
    release,
    epoch,
    files: { [path]: script(`echo "${name} ${version}: stand-in package of bake's EL contract test" >&2\nexit 1\n`) },
  };
}

/** kubelet, kubeadm, kubectl as pkgs.k8s.io names and versions them (1.37.1-150500.1.1); stand-in scripts. */
function kubernetesPackages(version: string): StandIn[] {
  const release = "150500.1.1";
  const what = (name: string) => `stand-in for ${name} ${version} (bake's EL contract test), not the real ${name}`;
  return [
    {
      name: "kubeadm",
      version,
      release,
      tags: ["Requires: cri-tools >= 1.30.0"],
      files: {
        "/usr/bin/kubeadm": script(`# ${what("kubeadm")}
case "$1" in
  version) echo "v${version}" ;;
  init|join)
${kubeadmCgroupV1Preflight(version)}    echo "[preflight] ${what("kubeadm")}: kubeadm's preflight checks were NOT run, but for SystemVerification's cgroup v1 error" ;;
  *) echo "kubeadm stand-in: '$*' is not implemented" >&2; exit 2 ;;
esac
`),
      },
    },
    {
      name: "kubelet",
      version,
      release,
      files: {
        "/usr/bin/kubelet": script(
          `if [ "$1" = --version ]; then echo "Kubernetes v${version} (${what("kubelet")})"; exit 0; fi\necho "${what("kubelet")}" >&2\nexit 1\n`,
        ),
      },
    },
    { name: "kubectl", version, release, files: { "/usr/bin/kubectl": script(`echo "${what("kubectl")}"\n`) } },
  ];
}

/** cri-tools follows the minor: 1.37.0; its crictl stand-in answers bake's checks. */
const CRI_TOOLS: StandIn = {
  name: "cri-tools",
  version: "1.37.0",
  release: "150500.1.1",
  files: {
    "/usr/bin/crictl": script(
      `# stand-in for crictl (bake's EL contract test), not the real crictl\n[ "$1" = --version ] && echo "crictl version v1.37.0 (stand-in)"\nexit 0\n`,
    ),
  },
};

/** The host tools kubeadm checks for, under EL9's package names; each puts a stand-in command on PATH. */
const KUBEADM_TOOLS: [string, string][] = [
  ["conntrack-tools", "/usr/sbin/conntrack"],
  ["socat", "/usr/bin/socat"],
  ["iptables-nft", "/usr/sbin/iptables"],
  ["iproute-tc", "/usr/sbin/tc"],
  ["ethtool", "/usr/sbin/ethtool"],
];
/** EL8 names iptables-nft iptables, and has ebtables in iptables-ebtables. */
const EL8_KUBEADM_TOOLS: [string, string][] = [
  ...KUBEADM_TOOLS.map(([name, path]): [string, string] => [name === "iptables-nft" ? "iptables" : name, path]),
  ["iptables-ebtables", "/usr/sbin/ebtables"],
];

/** Where the stand-in tar package finds GNU tar: the host's, copied into the sandbox root's layer. */
export const GNU_TAR_IN_ROOT = "/usr/libexec/bake-el-test/gnu-tar";

/** The running kernel root.ts's uname stub reports, and a newer one the repo also has. */
export const EL10_KERNEL = "6.12.0-55.el10";
const EL10_NEWER_KERNEL = "6.12.0-124.el10";

/**
 * EL10's kernel-modules-extra, which holds br_netfilter, for two kernels: the running one
 * and a newer one. A stand-in: its module file is a placeholder, and root.ts's modinfo
 * stub finds the module by that file.
 */
function kernelModulesExtra(): StandIn[] {
  return [EL10_KERNEL, EL10_NEWER_KERNEL].map((kernel) => ({
    name: "kernel-modules-extra",
    version: kernel.split("-")[0]!,
    release: kernel.split("-")[1]!,
    files: {
      [`/lib/modules/${kernel}.x86_64/kernel/net/bridge/br_netfilter.ko.xz`]: { content: "stand-in module\n" },
    },
  }));
}

/** An EL OS repo's stand-in packages; `dist` is the release tag its vendor builds with (el8, al8, an8). */
function osPackages(el: 8 | 9 | 10, dist = `el${el}`): StandIn[] {
  return [
    ...(el === 10 ? kernelModulesExtra() : []),
    osPackage("runc", "1.1.12", `4.${dist}`, "/usr/bin/runc", 4),
    osPackage("podman", "4.9.4", `1.${dist}`, "/usr/bin/podman", 4),
    osPackage("buildah", "1.33.7", `1.${dist}`, "/usr/bin/buildah", 2),
    ...(el === 8 ? EL8_KUBEADM_TOOLS : KUBEADM_TOOLS).map(([name, path]) => osPackage(name, "1.0", `1.${dist}`, path)),
    {
      name: "container-selinux",
      version: "2.229.0",
      release: `1.${dist}`,
      epoch: 3,
      files: { "/usr/share/container-selinux/README": { content: "stand-in: no policy\n" } },
    },
    {
      name: "tar",
      version: "1.34",
      release: `6.${dist}`,
      epoch: 2,
      files: {
        "/usr/bin/tar": script(
          `# stand-in for Rocky's tar package: runs the host's GNU tar\nexec ${GNU_TAR_IN_ROOT} "$@"\n`,
        ),
      },
    },
  ];
}

function specFile(p: StandIn, tree: string): string {
  const files = Object.entries(p.files).map(([path, f]) => (f.config ? `%config(noreplace) ${path}` : path));
  return [
    `Name: ${p.name}`,
    `Version: ${p.version}`,
    `Release: ${p.release}`,
    ...(p.epoch === undefined ? [] : [`Epoch: ${p.epoch}`]),
    `Summary: stand-in for ${p.name} (bake EL contract test)`,
    "License: ASL 2.0",
    "BuildArch: x86_64",
    // docker's spec turns automatic dependencies off too; the sandbox's rpm database has no /bin/sh provider.
    "AutoReqProv: no",
    ...(p.tags ?? []),
    "%description",
    "A stand-in package built by bake's EL contract test.",
    "%install",
    `cp -a ${tree}/. %{buildroot}/`,
    "%files",
    ...files,
    "",
  ].join("\n");
}

export interface TestKey {
  /** gpg's home with the secret key. */
  home: string;
  /** Long key id, what rpm --addsign is told to sign with. */
  id: string;
  /** ASCII-armoured public key, what a repo's gpgkey URL serves. */
  publicKey: string;
  /** The primary key's fingerprint, what bake pins (packages.repo.gpgkeyFingerprint). */
  fingerprint: string;
}

/**
 * A throwaway signing key in its own gpg home, made three days ago: old enough for a test to give
 * it a self-signature in the past (an expired copy, testKeyCopy) that a newer one then extends.
 */
export function makeKey(dir: string, name: string): TestKey {
  const home = join(dir, `gnupg-${name}`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const gpg = (...args: string[]) =>
    execFileSync("gpg", ["--batch", "--homedir", home, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  gpg(
    "--faked-system-time",
    `${Math.floor(Date.now() / 1000) - 3 * 86400}`,
    "--passphrase",
    "",
    "--quick-gen-key",
    `bake EL contract test ${name} <el-test-${name}@bake.invalid>`,
    "rsa2048",
    "sign",
    "never",
  );
  const id = gpg("--with-colons", "--list-keys")
    .split("\n")
    .find((l) => l.startsWith("pub:"))!
    .split(":")[4]!;
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--list-keys", id))![1]!;
  return { home, id, publicKey: gpg("--armor", "--export", id), fingerprint };
}

/**
 * A copy of `key` as its publisher would serve it after a new self-signature: "expired" made a
 * day ago with a one-hour expiry (the copy a node fetched before it expired), "extended" made
 * now with none (what pkgs.k8s.io did in November 2024: same key, same fingerprint, new expiry).
 */
export function testKeyCopy(key: TestKey, copy: "expired" | "extended"): string {
  const gpg = (...args: string[]) =>
    execFileSync("gpg", ["--batch", "--homedir", key.home, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  if (copy === "expired")
    gpg(
      "--faked-system-time",
      `${Math.floor(Date.now() / 1000) - 86400}`,
      "--quick-set-expire",
      key.fingerprint,
      "seconds=3600",
    );
  else gpg("--quick-set-expire", key.fingerprint, "never");
  return gpg("--armor", "--export", key.id);
}

function rpmsign(key: TestKey, rpms: string[]): void {
  execFileSync(
    "rpmsign",
    [
      "--define",
      `_gpg_path ${key.home}`,
      "--define",
      `_gpg_name ${key.id}`,
      "--define",
      "__gpg /usr/bin/gpg",
      "--resign",
      ...rpms,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** Builds the stand-ins in `dir`; returns the .rpm path of each, by NEVRA-ish name. */
function build(dir: string, packages: StandIn[]): string[] {
  const top = join(dir, "rpmbuild");
  const out: string[] = [];
  for (const p of packages) {
    const id = `${p.name}-${p.version}-${p.release}`;
    const tree = join(dir, "trees", id);
    for (const [path, f] of Object.entries(p.files)) {
      mkdirSync(join(tree, path, ".."), { recursive: true });
      writeFileSync(join(tree, path), f.content);
      chmodSync(join(tree, path), f.mode ?? 0o644);
    }
    const spec = join(dir, `${id}.spec`);
    writeFileSync(spec, specFile(p, tree));
    execFileSync(
      "rpmbuild",
      [
        "-bb",
        "--quiet",
        "--define",
        `_topdir ${top}`,
        "--define",
        "__os_install_post %{nil}",
        "--define",
        "debug_package %{nil}",
        spec,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    out.push(join(top, "RPMS/x86_64", `${id}.x86_64.rpm`));
  }
  return out;
}

/** Copies signed rpms into `repo`, writes its repodata and signs repomd.xml (repomd.xml.asc), as docker does. */
function publish(repo: string, rpms: string[], key: TestKey): void {
  mkdirSync(join(repo, "Packages"), { recursive: true });
  for (const rpm of rpms) copyFileSync(rpm, join(repo, "Packages", rpm.split("/").pop()!));
  execFileSync("createrepo_c", ["--quiet", "--no-database", repo], { stdio: ["ignore", "pipe", "pipe"] });
  execFileSync(
    "gpg",
    [
      "--batch",
      "--homedir",
      key.home,
      "--yes",
      "--armor",
      "--detach-sign",
      "-u",
      key.id,
      "-o",
      join(repo, "repodata/repomd.xml.asc"),
      join(repo, "repodata/repomd.xml"),
    ],
    { stdio: "ignore" },
  );
}

/** containerd.io versions in each of docker's EL repos, with docker's version-release scheme. */
export const CONTAINERD_VERSIONS = ["1.7.29-1", "2.2.6-1", "2.3.0-1"] as const;

/**
 * The tree the HTTP server serves, under `dir/www`:
 * - linux/rhel/8, linux/rhel/9, linux/rhel/10, linux/centos/9 (x86_64/stable): containerd.io at each of
 *   CONTAINERD_VERSIONS, signed with docker's stand-in key, served at linux/{rhel,centos}/gpg;
 * - linux/centos/8: frozen at containerd.io 1.6.32, like docker's real one (field notes);
 * - rocky/{8,9,10}/AppStream/x86_64/os: runc, podman, buildah, tar, container-selinux, signed
 *   with the OS stand-in key (rocky/RPM-GPG-KEY-Rocky);
 * - alinux/3/os/x86_64 and anolis/8/AppStream/x86_64/os: the same OS packages with Alibaba Cloud
 *   Linux 3's (al8) and Anolis 8's (an8) release tags, in the layout of their vendors' mirrors
 *   (a stand-in: the real repos were not fetched), signed with the OS stand-in key;
 * - without-2.x/el9/x86_64: only containerd.io 1.7 (a repo that cannot match "2");
 * - wrong-key/el9/x86_64: containerd.io 2.3.0 signed with a key no repo serves;
 * - core:/stable:/v1.37/rpm (pkgs.k8s.io's path): kubelet, kubeadm, kubectl 1.37.1 and 1.37.2,
 *   cri-tools 1.37.0, signed with a Kubernetes stand-in key served at repodata/repomd.xml.key.
 */
export function buildRepos(dir: string): { www: string; dockerKey: TestKey; osKey: TestKey; kubernetesKey: TestKey } {
  const www = join(dir, "www");
  const dockerKey = makeKey(dir, "docker");
  const osKey = makeKey(dir, "os");
  const strangerKey = makeKey(dir, "stranger");
  for (const os of ["rhel", "centos"]) {
    mkdirSync(join(www, "linux", os), { recursive: true });
    writeFileSync(join(www, "linux", os, "gpg"), dockerKey.publicKey);
  }
  mkdirSync(join(www, "rocky"), { recursive: true });
  writeFileSync(join(www, "rocky/RPM-GPG-KEY-Rocky"), osKey.publicKey);

  for (const el of [8, 9, 10] as const) {
    const containerd = build(
      dir,
      CONTAINERD_VERSIONS.map((vr) => containerdIo(vr.split("-")[0]!, `${vr.split("-")[1]}.el${el}`)),
    );
    rpmsign(dockerKey, containerd);
    const stable = (os: string) => join(www, "linux", os, String(el), "x86_64/stable");
    publish(stable("rhel"), containerd, dockerKey);
    if (el === 9) publish(stable("centos"), containerd, dockerKey);
    const os = build(dir, osPackages(el));
    rpmsign(osKey, os);
    publish(join(www, "rocky", String(el), "AppStream/x86_64/os"), os, osKey);
  }
  for (const [path, dist] of [
    ["alinux/3/os/x86_64", "al8"],
    ["anolis/8/AppStream/x86_64/os", "an8"],
  ] as const) {
    const os = build(dir, osPackages(8, dist));
    rpmsign(osKey, os);
    publish(join(www, path), os, osKey);
  }
  const frozen = build(dir, [containerdIo("1.6.32", "3.1.el8")]);
  rpmsign(dockerKey, frozen);
  publish(join(www, "linux/centos/8/x86_64/stable"), frozen, dockerKey);

  const el9 = readdirSync(join(www, "linux/rhel/9/x86_64/stable/Packages")).sort();
  publish(
    join(www, "without-2.x/el9/x86_64"),
    [join(www, "linux/rhel/9/x86_64/stable/Packages", el9.find((f) => f.includes("-1.7."))!)],
    dockerKey,
  );
  const wrong = join(dir, "wrong-key.rpm");
  copyFileSync(join(www, "linux/rhel/9/x86_64/stable/Packages", el9.find((f) => f.includes("-2.3.0-"))!), wrong);
  rpmsign(strangerKey, [wrong]);
  publish(join(www, "wrong-key/el9/x86_64"), [wrong], dockerKey);

  const kubernetesKey = makeKey(dir, "kubernetes");
  const kube = build(dir, [...kubernetesPackages("1.37.1"), ...kubernetesPackages("1.37.2"), CRI_TOOLS]);
  rpmsign(kubernetesKey, kube);
  const k8s = join(www, "core:/stable:/v1.37/rpm");
  publish(k8s, kube, kubernetesKey);
  writeFileSync(join(k8s, "repodata/repomd.xml.key"), kubernetesKey.publicKey);
  return { www, dockerKey, osKey, kubernetesKey };
}
