// EL contract test: bake's rocky8, rocky9, rocky10, alinux3 and anolis8 Packer scripts, run as root with the REAL dnf
// (Debian's 4.14) and rpm (4.18) against signed repositories laid out like docker's,
// served on 127.0.0.1.
//
// What this proves: the repo file bake writes is one dnf accepts, with gpgcheck really
// enforced (a package signed with another key is refused); bake's package specs pick the
// right version from docker's version-release scheme and nothing else; containerd.io
// replaces (obsoletes) runc; podman and buildah are removed; %config(noreplace) keeps
// bake's config.toml and puts the package's copy in config.toml.rpmnew; a second run makes
// no package transaction and rewrites no file; bake's exclude= hold keeps a later
// `dnf upgrade` from moving containerd.io; a repo without a matching version fails at once
// (no retries) in step install-containerd, naming the package. With kubernetes on: the
// kubernetes.repo bake writes, against a stand-in of pkgs.k8s.io's rpm repo, installs the
// pinned kubelet/kubeadm/kubectl and cri-tools and the host tools, and its exclude= line
// keeps `dnf upgrade` from moving them.
//
// What it does not prove, and only a real Rocky boot does (.github/workflows/boot.yml):
// docker's real repository and packages (every package here is a STAND-IN built by the
// test, see repo.ts), SELinux and container-selinux's policy, systemd and a running
// containerd. systemctl, modprobe, sysctl and selinuxenabled are stubs here (root.ts).
//
// Behind a proxy, dnf reaches docker's repo only through containerd.proxy; on a minimal
// image without tar, bake's host-tools step installs tar from the OS repo first.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedFiles, runCli } from "../helpers.js";
import { buildRepos, EL10_KERNEL, PACKAGE_CONFIG_TOML, testKeyCopy, type TestKey } from "./repo.js";
import { serveDirectory, startLoggingProxy, type Listening } from "./http.js";
import { filesIn, makeRoot, upgradeAndGetContainerd, type ElRoot } from "./root.js";
import { cloudInitStandIn } from "./cloud-init.js";
import { RESUME_DROP_IN } from "../../src/emit/provision-script.js";
import type { Distro } from "../../src/schema/node-spec.js";

const sha = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");
const CRICTL_STANDIN = "#!/bin/sh\n# stand-in for crictl (bake's EL contract test): answers `crictl info`\nexit 0\n";

let scratch: string;
let server: Listening;
let dockerKey: TestKey;
let kubernetesKey: TestKey;
let www: string;
let crictl: { url: string; sha256: string };

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error("the EL contract test runs as root: it mounts an overlay root in a mount namespace");
  scratch = mkdtempSync(join(tmpdir(), "bake-el-"));
  const repos = buildRepos(scratch);
  dockerKey = repos.dockerKey;
  kubernetesKey = repos.kubernetesKey;
  www = repos.www;
  writeFileSync(join(scratch, "crictl"), CRICTL_STANDIN, { mode: 0o755 });
  execFileSync("tar", ["-czf", join(repos.www, "crictl.tar.gz"), "-C", scratch, "crictl"]);
  return serveDirectory(repos.www).then((s) => {
    server = s;
    crictl = { url: `${s.origin}/crictl.tar.gz`, sha256: sha(readFileSync(join(repos.www, "crictl.tar.gz"))) };
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** bake's default docker repo for a distro, as the rendered script writes it. */
function defaultRepo(distro: string): { baseurl: string; gpgkey: string } {
  const r = runCli(["packer", "-q", "--set", `distro=${distro}`]);
  const repo = embeddedFiles(r.stdout).get("/etc/yum.repos.d/docker-ce.repo")!.content;
  // gpgkey= names bake's local copy; the URL it is fetched from is bake_rpm_key's
  return {
    baseurl: /^baseurl=(.*)$/m.exec(repo)![1]!,
    gpgkey: (/^bake_rpm_key \S+ (\S+) /m.exec(r.stdout) ?? /^gpgkey=(.*)$/m.exec(repo))![1]!,
  };
}
const local = (url: string) => url.replace("https://download.docker.com", server.origin);

/** bake packer (or cloud-init, with its arguments) with the repo at the local server, crictl from it, and `sets`. */
function render(
  distro: string,
  repo: { baseurl: string; gpgkey: string },
  sets: string[] = [],
  command: string[] = ["packer"],
): string {
  const args = [
    ...command,
    "-q",
    "--set",
    `distro=${distro}`,
    "--set",
    `packages.repo.baseurl=${repo.baseurl}`,
    "--set",
    `packages.repo.gpgkey=${repo.gpgkey}`,
  ];
  // The stand-in repos are signed by the test's own keys: bake pins theirs, as it pins docker's real one by default.
  args.push("--set", `packages.repo.gpgkeyFingerprint=${dockerKey.fingerprint}`);
  args.push("--set", `crictl.url=${crictl.url}`, "--set", `crictl.sha256=${crictl.sha256}`);
  for (const s of sets) args.push("--set", s);
  const r = runCli(args);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/**
 * The OS an EL case runs on: Rocky of a major, or an EL8 rebuild with its own os-release,
 * $releasever, release tag and (stand-in) OS repo path, as repo.ts serves them.
 */
interface ElSystem {
  system?: Distro;
  releasever: 3 | 8 | 9 | 10;
  /** The OS repo's path on the local server, $releasever and $basearch as dnf expands them. */
  osRepoPath: string;
  /** The OS packages' release tag: el8, al8, an8. */
  dist: string;
}
const rocky = (major: 8 | 9 | 10): ElSystem => ({
  releasever: major,
  osRepoPath: "rocky/$releasever/AppStream/$basearch/os",
  dist: `el${major}`,
});
// Alibaba Cloud Linux 3: dnf's $releasever is 3 (alinux-release), which is why bake writes docker's rhel/8 literally.
const ALINUX3: ElSystem = {
  system: "alinux3",
  releasever: 3,
  osRepoPath: "alinux/$releasever/os/$basearch",
  dist: "al8",
};
const ANOLIS8: ElSystem = {
  system: "anolis8",
  releasever: 8,
  osRepoPath: "anolis/$releasever/AppStream/$basearch/os",
  dist: "an8",
};

/** A Rocky-like root with runc (user-installed), podman and buildah from the OS repo, as on an image that ran containers. */
async function rockyRoot(
  name: string,
  releasever: 8 | 9 | 10 | ElSystem,
  options: { withoutTar?: boolean; cgroupV1?: boolean } = {},
): Promise<ElRoot> {
  const os = typeof releasever === "number" ? rocky(releasever) : releasever;
  const root = makeRoot(name, {
    ...options,
    releasever: os.releasever,
    ...(os.system && { system: os.system }),
    osRepo: {
      baseurl: `${server.origin}/${os.osRepoPath}`,
      gpgkey: `${server.origin}/rocky/RPM-GPG-KEY-Rocky`,
    },
  });
  const seed = await root.run("dnf -y -q install runc podman buildah");
  expect(seed.code, seed.output).toBe(0);
  return root;
}

// Files a second run may touch without changing the node: logs, dnf's cache and databases, the script itself.
const bookkeeping = (path: string) =>
  /^\/(stub|tmp|var\/log|var\/cache\/dnf|var\/lib\/dnf|var\/lib\/rpm)\//.test(path) || path === "/bake-provision.sh";

/** A distro's case: bake's own default repo for it, served by the local server. */
const onDefaultRepo = (
  distro: string,
  releasever: 8 | 9 | 10,
  installs: string,
  sets: string[] = [],
  os: ElSystem = rocky(releasever),
) => ({
  distro,
  releasever,
  os,
  repo: () => {
    const d = defaultRepo(distro);
    return { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) };
  },
  sets,
  installs,
  // EL10 images lack br_netfilter's package: bake installs the running kernel's (root.ts's uname stub).
  modulesExtra:
    releasever === 10 ? `kernel-modules-extra-${EL10_KERNEL}.x86_64` : "package kernel-modules-extra is not installed",
});

const CASES = [
  // bake's EL8 default (docker's rhel/8 repo); the stand-in centos/8 is frozen at 1.6.
  onDefaultRepo("rocky8", 8, "containerd.io-1.7.29-1.el8.x86_64", ["containerd.version=1.7"]),
  onDefaultRepo("rocky9", 9, "containerd.io-2.3.0-1.el9.x86_64"),
  onDefaultRepo("rocky10", 10, "containerd.io-2.3.0-1.el10.x86_64"),
  // EL8 rebuilds on their own (stand-in) OS repos: docker's rhel/8 tree with bake's literal 8 resolves
  // containerd.io and its container-selinux there; alinux's $releasever is 3.
  onDefaultRepo("alinux3", 8, "containerd.io-2.3.0-1.el8.x86_64", [], ALINUX3),
  onDefaultRepo("anolis8", 8, "containerd.io-2.3.0-1.el8.x86_64", [], ANOLIS8),
];

describe.each(CASES)(
  "$distro provisioner with real dnf and rpm",
  ({ distro, releasever, os, repo, sets, installs, modulesExtra }) => {
    let root: ElRoot;
    let script: string;
    let first: { code: number; output: string };

    beforeAll(async () => {
      const r = repo();
      expect(r.baseurl, "the repo URL keeps dnf's $basearch").toContain("$basearch");
      expect(r.baseurl.startsWith(server.origin), `bake's default ${r.baseurl} is not docker's host`).toBe(true);
      script = render(distro, r, sets);
      root = await rockyRoot(distro, os);
      expect(await root.rpmQuery("runc", "podman", "buildah")).toEqual([
        `runc-1.1.12-4.${os.dist}.x86_64`,
        `podman-4.9.4-1.${os.dist}.x86_64`,
        `buildah-1.33.7-1.${os.dist}.x86_64`,
      ]);
      first = await root.provision(script);
    }, 120_000);
    afterAll(() => root?.remove());

    it("runs every step, its verify step included", () => {
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain("bake: all steps passed");
    });

    it("installs the matching containerd.io and no other version, after checking its signature", async () => {
      expect(await root.rpmQuery("containerd.io")).toEqual([installs]);
      expect((await root.run("rpm -qa 'containerd*'")).output.trim()).toBe(installs);
      // dnf imported docker's (stand-in) key from the repo's gpgkey URL to check the package.
      const keys = (await root.run("rpm -q --qf '%{VERSION}\\n' gpg-pubkey")).output;
      expect(keys.split("\n")).toContain(dockerKey.id.slice(-8).toLowerCase());
    });

    it("installs kernel-modules-extra for the running kernel, not the newest, only where br_netfilter is missing (EL10)", async () => {
      expect(await root.rpmQuery("kernel-modules-extra")).toEqual([modulesExtra]);
      if (releasever === 10)
        expect(first.output).toMatch(/\] kernel-modules: install kernel-modules-extra for the running kernel/);
    });

    it("replaces runc (obsoleted by containerd.io) and removes podman and buildah", async () => {
      expect(await root.rpmQuery("runc", "podman", "buildah")).toEqual([
        "package runc is not installed",
        "package podman is not installed",
        "package buildah is not installed",
      ]);
      expect((await root.run("rpm -q --whatprovides runc")).output.trim()).toBe(installs);
    });

    it("keeps bake's config.toml; the package's copy lands in config.toml.rpmnew", () => {
      const bakes = embeddedFiles(script).get("/etc/containerd/config.toml")!.content;
      expect(readFileSync(join(root.upper, "etc/containerd/config.toml"), "utf8")).toBe(bakes);
      expect(readFileSync(join(root.upper, "etc/containerd/config.toml.rpmnew"), "utf8")).toBe(PACKAGE_CONFIG_TOML);
    });

    it("changes nothing on a second run: no package transaction, no file rewritten", async () => {
      const packages = (await root.run("rpm -qa --qf '%{NEVRA} %{INSTALLTID}\\n' | sort")).output;
      const history = (await root.run("dnf -q history list")).output;
      const before = filesIn(root.upper);
      const second = await root.provision(script);
      expect(second.code, second.output).toBe(0);
      expect(second.output).not.toContain("bake: wrote ");
      expect((await root.run("rpm -qa --qf '%{NEVRA} %{INSTALLTID}\\n' | sort")).output).toBe(packages);
      expect((await root.run("dnf -q history list")).output).toBe(history);
      const after = filesIn(root.upper);
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((path) => {
        if (bookkeeping(path)) return false;
        const [b, a] = [before.get(path), after.get(path)];
        // bake's status file is rewritten on each run by design; only its content must match.
        return b?.sha !== a?.sha || (path !== "/var/lib/bake/status" && b?.mtime !== a?.mtime);
      });
      expect(changed).toEqual([]);
    });

    it("holds containerd.io: a later dnf upgrade does not move it, though the repo has newer versions", async () => {
      expect(`containerd.io-${await upgradeAndGetContainerd(root)}.x86_64`).toBe(installs);
    });
  },
);

describe("rocky9 provisioner against repos that must fail", () => {
  it("a repo without a matching version fails in step install-containerd, naming the package", async () => {
    const script = render("rocky9", {
      baseurl: `${server.origin}/without-2.x/el9/$basearch`,
      gpgkey: `${server.origin}/linux/centos/gpg`,
    });
    const root = await rockyRoot("nomatch", 9);
    try {
      const r = await root.provision(script);
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain("bake: FAILED in step 'install-containerd' (exit 1)");
      expect(r.output).toContain("Unable to find a match: containerd.io-2.*");
      // No match is permanent: one try, no retry back-off.
      expect(root.sleeps()).toEqual([]);
      expect(r.output).toContain("bake: not retrying");
      expect(await root.rpmQuery("containerd.io")).toEqual(["package containerd.io is not installed"]);
    } finally {
      root.remove();
    }
  });

  it("an EL10 image whose kernel has no kernel-modules-extra in the repo fails in step kernel-modules, saying what to do", async () => {
    const d = defaultRepo("rocky10");
    const script = render("rocky10", { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) });
    const root = await rockyRoot("stale-kernel", 10);
    try {
      // An older image: the repo has moved on from its kernel (root.ts's uname stub reads this file).
      mkdirSync(join(root.upper, "stub"), { recursive: true });
      writeFileSync(join(root.upper, "stub/kernel"), "6.12.0-10.el10.x86_64\n");
      const r = await root.provision(script);
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain("bake: FAILED in step 'kernel-modules' (exit 1)");
      expect(r.output).toContain(
        "bake: module br_netfilter is in kernel-modules-extra, and no kernel-modules-extra-6.12.0-10.el10 for the running kernel installed; update the kernel (dnf -y update kernel), reboot, and run bake again",
      );
      expect(await root.rpmQuery("kernel-modules-extra")).toEqual(["package kernel-modules-extra is not installed"]);
    } finally {
      root.remove();
    }
  });

  it("a key URL serving another key than the pinned fingerprint: refused in step docker-repo-key, naming both; rpm gets no key", async () => {
    const d = defaultRepo("rocky9");
    const script = render("rocky9", { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) }, [
      `packages.repo.gpgkeyFingerprint=${kubernetesKey.fingerprint}`,
    ]);
    const root = await rockyRoot("pinned", 9);
    try {
      const r = await root.provision(script);
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain("bake: FAILED in step 'docker-repo-key'");
      expect(r.output).toContain(`has ${dockerKey.fingerprint}-, not ${kubernetesKey.fingerprint}- (e: expired)`);
      expect((await root.run("rpm -q --qf '%{VERSION}\\n' gpg-pubkey")).output).not.toContain(
        dockerKey.id.slice(-8).toLowerCase(),
      );
      expect(existsSync(join(root.upper, "etc/pki/rpm-gpg/docker-ce.asc"))).toBe(false);
      expect(await root.rpmQuery("containerd.io")).toEqual(["package containerd.io is not installed"]);
    } finally {
      root.remove();
    }
  });

  it("gpgcheck is enforced: containerd.io signed with a key the repo does not name is refused", async () => {
    const script = render("rocky9", {
      baseurl: `${server.origin}/wrong-key/el9/$basearch`,
      gpgkey: `${server.origin}/linux/centos/gpg`,
    });
    const root = await rockyRoot("wrongkey", 9);
    try {
      const r = await root.provision(script);
      expect(r.code, r.output).not.toBe(0);
      expect(r.output).toContain("bake: FAILED in step 'install-containerd'");
      expect(r.output).toContain("Failing package is: containerd.io-2.3.0-1.el9.x86_64");
      expect(r.output).toContain("Error: GPG check FAILED");
      expect(await root.rpmQuery("containerd.io")).toEqual(["package containerd.io is not installed"]);
    } finally {
      root.remove();
    }
  });
});

describe("rocky9 re-run after docker's key expired and its publisher extended it (same fingerprint, as pkgs.k8s.io's in November 2024)", () => {
  it("the earlier run's expired copy, the file and rpm's, is replaced by the extended one, checked against the pin; containerd.io installs", async () => {
    const expired = testKeyCopy(dockerKey, "expired");
    const extended = testKeyCopy(dockerKey, "extended");
    writeFileSync(join(www, "linux/rhel/gpg-extended"), extended);
    const d = defaultRepo("rocky9");
    const script = render("rocky9", { baseurl: local(d.baseurl), gpgkey: `${server.origin}/linux/rhel/gpg-extended` });
    const root = await rockyRoot("expired-key", 9);
    const rpmCopies = `rpm -q --qf '%{DESCRIPTION}\\n' gpg-pubkey-${dockerKey.id.slice(-8).toLowerCase()}`;
    const validity = async () =>
      (
        await root.run(
          `${rpmCopies} > /tmp/copies && gpg --homedir "$(mktemp -d)" --with-colons --show-keys /tmp/copies 2>/dev/null | grep ^pub: | cut -d: -f2`,
        )
      ).output.trim();
    try {
      // What the earlier run left: the key file, and rpm's copy imported from it.
      mkdirSync(join(root.upper, "etc/pki/rpm-gpg"), { recursive: true });
      writeFileSync(join(root.upper, "etc/pki/rpm-gpg/docker-ce.asc"), expired);
      expect((await root.run("rpm --import /etc/pki/rpm-gpg/docker-ce.asc")).code).toBe(0);
      expect(await validity(), "rpm's copy before the re-run").toBe("e");
      const r = await root.provision(script);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain("bake: imported /etc/pki/rpm-gpg/docker-ce.asc");
      expect(readFileSync(join(root.upper, "etc/pki/rpm-gpg/docker-ce.asc"), "utf8")).toBe(extended);
      // one copy in rpm's database, the extended one (gpg's validity: - valid, e expired)
      expect(await validity()).toBe("-");
      expect(await root.rpmQuery("containerd.io")).toEqual(["containerd.io-2.3.0-1.el9.x86_64"]);
    } finally {
      root.remove();
    }
  });
});

// bake's first step reads the root's /etc/os-release (Rocky's, root.ts) and uname -m (a stub).
describe("rocky9 provisioner on another system: it stops in its first step, before dnf runs or a file is written", () => {
  /** rocky9's script on a Rocky `releasever` root whose uname -m says `machine`. */
  async function runOn(releasever: 8 | 9, machine?: string) {
    const d = defaultRepo("rocky9");
    const script = render("rocky9", { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) });
    const root = makeRoot(`other-system-${releasever}-${machine ?? "x86_64"}`, {
      releasever,
      osRepo: {
        baseurl: `${server.origin}/rocky/$releasever/AppStream/$basearch/os`,
        gpgkey: `${server.origin}/rocky/RPM-GPG-KEY-Rocky`,
      },
      ...(machine && { machine }),
    });
    try {
      const r = await root.provision(script);
      const written = [...filesIn(root.upper).keys()].filter((f) => !bookkeeping(f) && !f.startsWith("/var/lib/bake/"));
      return { ...r, written, containerd: await root.rpmQuery("containerd.io") };
    } finally {
      root.remove();
    }
  }

  it("on Rocky 8: names rocky9's system and Rocky 8's", async () => {
    const r = await runOn(8);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/^bake: \[1\/\d+\] system: rocky9\/amd64$/m);
    expect(r.output).toContain("bake: for rhel 9 x86_64, not Rocky Linux 8.10 x86_64; BAKE_ANY_SYSTEM=1 goes on");
    expect(r.output).toContain("bake: FAILED in step 'system' (exit 1)");
    expect(r.output).not.toContain("[2/");
    expect(r.written).toEqual(["/run/bake.lock"]); // only the run lock, empty
    expect(r.containerd).toEqual(["package containerd.io is not installed"]);
  });

  it("on an aarch64 machine: names the spec's x86_64 and the machine's aarch64", async () => {
    const r = await runOn(9, "aarch64");
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain("bake: for rhel 9 x86_64, not Rocky Linux 9.6 aarch64; BAKE_ANY_SYSTEM=1 goes on");
    expect(r.output).toContain("bake: FAILED in step 'system' (exit 1)");
    expect(r.written).toEqual(["/run/bake.lock"]); // only the run lock, empty
  });
});

// The ID_LIKE rule: a rocky8 script runs where os-release says rhel-like and 8. Alibaba Cloud Linux 3 is
// EL8-compatible and rhel-like, but its VERSION_ID is 3: the script stops, pointing the user to alinux3,
// whose output differs from rocky8's only in this check. (Anolis 8, VERSION_ID 8.10, passes: system-check.test.)
describe("rocky8 provisioner on Alibaba Cloud Linux 3: stopped in its first step", () => {
  it("names rocky8's system and Alibaba Cloud Linux 3's; no file written, dnf never run", async () => {
    const d = defaultRepo("rocky8");
    const script = render("rocky8", { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) });
    const root = makeRoot("rocky8-on-alinux3", {
      releasever: 3,
      system: "alinux3",
      osRepo: { baseurl: `${server.origin}/${ALINUX3.osRepoPath}`, gpgkey: `${server.origin}/rocky/RPM-GPG-KEY-Rocky` },
    });
    try {
      const r = await root.provision(script);
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain(
        "bake: for rhel 8 x86_64, not Alibaba Cloud Linux 3.2104 U13.1 (OpenAnolis Edition) x86_64; BAKE_ANY_SYSTEM=1 goes on",
      );
      expect(r.output).toContain("bake: FAILED in step 'system' (exit 1)");
      const written = [...filesIn(root.upper).keys()].filter((f) => !bookkeeping(f) && !f.startsWith("/var/lib/bake/"));
      expect(written).toEqual(["/run/bake.lock"]); // only the run lock, empty
      expect(await root.rpmQuery("containerd.io")).toEqual(["package containerd.io is not installed"]);
    } finally {
      root.remove();
    }
  });
});

describe("rocky9 provisioner on a proxied network and a minimal image", () => {
  it("dnf reaches docker's repo through containerd.proxy: the repo host resolves only through the proxy", async () => {
    const proxy = await startLoggingProxy();
    // repo.bake.test has no address; only the proxy knows where it goes (127.0.0.1).
    const port = new URL(server.origin).port;
    const via = (url: string) => url.replace(server.origin, `http://repo.bake.test:${port}`);
    const d = defaultRepo("rocky9");
    const script = render("rocky9", { baseurl: via(local(d.baseurl)), gpgkey: via(local(d.gpgkey)) }, [
      `containerd.proxy.http=${proxy.origin}`,
    ]);
    const root = await rockyRoot("proxy", 9);
    try {
      const r = await root.provision(script);
      expect(r.code, r.output).toBe(0);
      expect(await root.rpmQuery("containerd.io")).toEqual(["containerd.io-2.3.0-1.el9.x86_64"]);
      expect(
        proxy.requests.some((line) =>
          line.startsWith(`GET http://repo.bake.test:${port}/linux/rhel/9/x86_64/stable/repodata/repomd.xml`),
        ),
      ).toBe(true);
      expect(
        proxy.requests.some((line) =>
          /^GET http:\/\/repo\.bake\.test:\d+\/.*containerd\.io-2\.3\.0-1\.el9\.x86_64\.rpm$/.test(line),
        ),
      ).toBe(true);
    } finally {
      root.remove();
      await proxy.close();
    }
  });

  it("a root without tar (as Rocky minimal images are) gets tar from the OS repo before crictl needs it", async () => {
    const d = defaultRepo("rocky9");
    const script = render("rocky9", { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) });
    const root = await rockyRoot("minimal", 9, { withoutTar: true });
    try {
      expect((await root.run("command -v tar")).code, "the root hides the host's tar").not.toBe(0);
      const r = await root.provision(script);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/bake: \[\d+\/\d+\] host-tools: /);
      expect(await root.rpmQuery("tar")).toEqual([expect.stringMatching(/^tar-.*\.el9\.x86_64$/)]);
      expect((await root.run("test -x /usr/local/bin/crictl")).code).toBe(0);
    } finally {
      root.remove();
    }
  });
});

/** A kubeadm-ready worker on bake's default docker repo, against the stand-in pkgs.k8s.io, with `sets`. */
function renderKubeadmReady(distro: string, sets: string[] = [], command?: string[]): string {
  const d = defaultRepo(distro);
  // swap is the VM boots' to prove (this root shares the host's /proc/swaps); no image pulls without containerd
  return render(
    distro,
    { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) },
    [
      ...sets,
      "kubernetes.enabled=true",
      "kubernetes.version=1.37.1",
      `kubernetes.repo.baseurl=${server.origin}/core:/stable:/v1.37/rpm/`,
      `kubernetes.repo.gpgkeyFingerprint=${kubernetesKey.fingerprint}`,
      "kubernetes.disableSwap=false",
      "kubernetes.images.prePull=false",
      "crictl.install=package",
    ],
    command,
  );
}

describe("rocky9 kubeadm-ready provisioner: kubernetes.repo against a stand-in of pkgs.k8s.io's rpm repo", () => {
  const kube = ["kubelet", "kubeadm", "kubectl"];
  let root: ElRoot;
  let first: { code: number; output: string };
  let script: string;

  beforeAll(async () => {
    script = renderKubeadmReady("rocky9");
    root = await rockyRoot("kubeadm", 9);
    first = await root.provision(script);
  }, 120_000);
  afterAll(() => root?.remove());

  it("runs every step, verify and the (stand-in) kubeadm preflight included", () => {
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("bake: all steps passed");
    expect(first.output).toContain("bake: ok   - kubeadm join preflight passes");
  });

  it("installs the pinned patch, not the repo's newest, with cri-tools, after checking the repo key's signature", async () => {
    expect(await root.rpmQuery(...kube, "cri-tools")).toEqual([
      ...kube.map((n) => `${n}-1.37.1-150500.1.1.x86_64`),
      "cri-tools-1.37.0-150500.1.1.x86_64",
    ]);
    const keys = (await root.run("rpm -q --qf '%{VERSION}\\n' gpg-pubkey")).output;
    expect(keys.split("\n")).toContain(kubernetesKey.id.slice(-8).toLowerCase());
    expect(server.requests).toContain("GET /core:/stable:/v1.37/rpm/repodata/repomd.xml.key");
  });

  it("installs the host tools kubeadm checks for from the OS repo", async () => {
    expect(
      (await root.rpmQuery("conntrack-tools", "socat", "iptables-nft", "iproute-tc", "ethtool")).every((l) =>
        /\.el9\.x86_64$/.test(l),
      ),
    ).toBe(true);
  });

  it("changes nothing on a second run: no package transaction", async () => {
    const history = (await root.run("dnf -q history list")).output;
    const second = await root.provision(script);
    expect(second.code, second.output).toBe(0);
    expect((await root.run("dnf -q history list")).output).toBe(history);
  });

  it("holds them: dnf upgrade leaves 1.37.1 though the repo has 1.37.2; lifting the exclude line moves them", async () => {
    const up = await root.run("dnf -y -q upgrade");
    expect(up.code, up.output).toBe(0);
    expect(await root.rpmQuery(...kube)).toEqual(kube.map((n) => `${n}-1.37.1-150500.1.1.x86_64`));
    // the same upgrade without the hold: the check above would fail on a node without bake's exclude= line
    const lifted = await root.run(`dnf -y -q upgrade --disableexcludes=kubernetes ${kube.join(" ")}`);
    expect(lifted.code, lifted.output).toBe(0);
    expect(await root.rpmQuery(...kube)).toEqual(kube.map((n) => `${n}-1.37.2-150500.1.1.x86_64`));
  });
});

// Alibaba Cloud Linux 3 boots cgroup v1 as EL8 does (guide.md): the same reboot, and pkgs.k8s.io's
// rpm repo (no $releasever in its URL) with EL8's host tools from alinux's own (stand-in) repo.
describe.each([
  { distro: "rocky8", os: rocky(8) },
  { distro: "alinux3", os: ALINUX3 },
])(
  "$distro kubeadm-ready on a node booted with cgroup v1: the reboot to cgroup v2, then kubeadm's preflight",
  ({ distro, os }) => {
    const status = () => readFileSync(join(root.upper, "var/lib/bake/status"), "utf8");
    let root: ElRoot;
    let script: string;
    let first: { code: number; output: string };

    beforeAll(async () => {
      script = renderKubeadmReady(distro);
      root = await rockyRoot(`kubeadm-${distro}`, os, { cgroupV1: true });
      first = await root.provision(script);
    }, 120_000);
    afterAll(() => root?.remove());

    it("installs the pinned kubelet, kubeadm and kubectl from pkgs.k8s.io's (stand-in) repo, and EL8's host tools from the OS repo", async () => {
      expect(await root.rpmQuery("kubelet", "kubeadm", "kubectl")).toEqual(
        ["kubelet", "kubeadm", "kubectl"].map((n) => `${n}-1.37.1-150500.1.1.x86_64`),
      );
      const tools = await root.rpmQuery(
        "conntrack-tools",
        "socat",
        "iptables",
        "iproute-tc",
        "ethtool",
        "iptables-ebtables",
      );
      expect(
        tools.every((l) => l.endsWith(`.${os.dist}.x86_64`)),
        tools.join("\n"),
      ).toBe(true);
    });

    it("the stand-in kubeadm 1.37 fails its preflight on this cgroup v1 node, as the real one does", async () => {
      const r = await root.run("kubeadm join phase preflight --config /dev/null");
      expect(r.code).toBe(1);
      expect(r.output).toContain("[ERROR SystemVerification]: cgroups v1");
    });

    it("the first run sets the kernel argument and exits 75 with the reboot pending, not 1: the preflight waits for the reboot", () => {
      expect(first.code, first.output).toBe(75);
      expect(status()).toBe("reboot-pending\n");
      expect(readFileSync(join(root.upper, "stub/grubby"), "utf8")).toBe(
        "--update-kernel=ALL --args=systemd.unified_cgroup_hierarchy=1\n",
      );
      expect(first.output).toContain("bake: skip - kubeadm join preflight passes: not before the reboot for cgroup v2");
      expect(first.output).not.toContain("[ERROR SystemVerification]");
      // the checks that can pass before the reboot still run
      expect(first.output).toContain("bake: ok   - cgroup v2 is mounted, or set for the next boot");
      expect(first.output).toContain("bake: ok   - kubelet is enabled");
      expect(first.output).toMatch(/reboot for cgroup v2, then run this script again/);
    });

    it("after the reboot (cgroup2 mounted), the run passes verify, kubeadm's preflight included, and writes ok", async () => {
      const reboot = await root.run(
        "mkdir -p /sys/fs/cgroup && echo 'cpuset cpu io memory hugetlb pids rdma misc' > /sys/fs/cgroup/cgroup.controllers",
      );
      expect(reboot.code, reboot.output).toBe(0);
      const second = await root.provision(script);
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("bake: cgroup v2 is mounted");
      expect(second.output).toContain("bake: ok   - kubeadm join preflight passes");
      expect(second.output).not.toContain("bake: skip - ");
      expect(status()).toBe("ok\n");
    });
  },
);

// The user's own cloud-config merged after bake's (a `kubeadm join` in real life): it records
// what bake's status said each time it ran.
const USER_RUNCMD = `#cloud-config
runcmd:
  - [sh, -c, 'echo "$(cat /var/lib/bake/status)" >> /var/tmp/user-runcmd']
`;

describe("cloud-init's runcmd resumes at the next boot until bake's run ends ok (a STAND-IN of cloud-init, cloud-init.ts)", () => {
  const status = (root: ElRoot) => readFileSync(join(root.upper, "var/lib/bake/status"), "utf8");
  const userRuns = (root: ElRoot) =>
    existsSync(join(root.upper, "var/tmp/user-runcmd"))
      ? readFileSync(join(root.upper, "var/tmp/user-runcmd"), "utf8")
      : "";
  const dropIn = (root: ElRoot) => existsSync(join(root.upper, RESUME_DROP_IN.slice(1)));
  let userFile: string;
  beforeAll(() => {
    userFile = join(scratch, "user.yaml");
    writeFileSync(userFile, USER_RUNCMD);
  });

  it("rocky8 kubeadm-ready on cgroup v1: the first boot stops at the pending reboot (the user's runcmd waits); after it, runcmd runs again, verify passes, then the user's runcmd runs", async () => {
    const userData = renderKubeadmReady("rocky8", [], ["cloud-init", "--merge", userFile]);
    const root = await rockyRoot("resume-el8", 8, { cgroupV1: true });
    try {
      const cloudInit = cloudInitStandIn(root, userData);
      const first = await cloudInit.boot();
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain(
        "bake: all steps passed; cloud-init reboots for cgroup v2, then runs this script again",
      );
      expect(status(root)).toBe("reboot-pending\n");
      expect(userRuns(root), "the user's runcmd ran on a node still booted with cgroup v1").toBe("");
      expect(dropIn(root)).toBe(true);

      // power_state's reboot: the kernel now mounts cgroup v2
      const reboot = await root.run(
        "mkdir -p /sys/fs/cgroup && echo 'cpuset cpu io memory hugetlb pids rdma misc' > /sys/fs/cgroup/cgroup.controllers",
      );
      expect(reboot.code, reboot.output).toBe(0);
      const second = await cloudInit.boot();
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("bake: ok   - kubeadm join preflight passes");
      expect(second.output).toContain("bake: all steps passed in");
      expect(status(root)).toBe("ok\n");
      expect(userRuns(root)).toBe("ok\n");
      expect(dropIn(root), "the run that ended ok removed the drop-in").toBe(false);

      const third = await cloudInit.boot();
      expect(third.output).toContain("scripts_user already ran for this instance");
      expect(userRuns(root)).toBe("ok\n");
    } finally {
      root.remove();
    }
  });

  it("rocky9: power cut in the middle of the first run; the next boot runs it again to the end, then the user's runcmd", async () => {
    const d = defaultRepo("rocky9");
    const userData = render(
      "rocky9",
      { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) },
      [],
      ["cloud-init", "--merge", userFile],
    );
    const root = await rockyRoot("resume-cut", 9);
    try {
      const cloudInit = cloudInitStandIn(root, userData);
      const cut = await cloudInit.bootAndCutPowerDuring("sysctl");
      expect(cut.output).toContain("stand-in: power cut during sysctl");
      expect(cut.output).toMatch(/\] sysctl: apply the settings\n/);
      expect(cut.output).not.toContain("bake: all steps passed");
      expect(status(root)).toBe("running\n");
      expect(await root.rpmQuery("containerd.io")).toEqual(["containerd.io-2.3.0-1.el9.x86_64"]);
      expect(userRuns(root)).toBe("");

      const second = await cloudInit.boot();
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("bake: all steps passed in");
      expect(status(root)).toBe("ok\n");
      expect(userRuns(root)).toBe("ok\n");
      expect(dropIn(root)).toBe(false);
    } finally {
      root.remove();
    }
  });

  it("a run that fails ends runcmd there (the user's runcmd does not run) and runs again at the next boot", async () => {
    const userData = render(
      "rocky9",
      { baseurl: `${server.origin}/without-2.x/el9/$basearch`, gpgkey: `${server.origin}/linux/centos/gpg` },
      [],
      ["cloud-init", "--merge", userFile],
    );
    const root = await rockyRoot("resume-failed", 9);
    try {
      const cloudInit = cloudInitStandIn(root, userData);
      const first = await cloudInit.boot();
      expect(first.code, "runcmd's script ends with bake's exit code: cloud-init reports an error").toBe(1);
      expect(status(root)).toBe("failed install-containerd\n");
      expect(userRuns(root)).toBe("");
      const second = await cloudInit.boot();
      expect(second.output).toContain("bake: FAILED in step 'install-containerd'");
      expect(userRuns(root)).toBe("");
      expect(dropIn(root)).toBe(true);
    } finally {
      root.remove();
    }
  });

  it("a Packer (or hand) run started while the resumed run holds the lock waits for it, then runs", async () => {
    const d = defaultRepo("rocky9");
    const repo = { baseurl: local(d.baseurl), gpgkey: local(d.gpgkey) };
    const root = await rockyRoot("resume-lock", 9);
    try {
      cloudInitStandIn(root, render("rocky9", repo, [], ["cloud-init"]));
      writeFileSync(join(root.upper, "packer.sh"), render("rocky9", repo));
      // the boot's run, and a Packer run as soon as the boot's reaches its package install
      const both = await root.run(`/bin/sh /var/lib/cloud/instance/scripts/runcmd > /tmp/boot.out 2>&1 &
until grep -qF '] install-containerd: ' /var/log/bake-provision.log 2>/dev/null; do /usr/bin/sleep 0.05; done
/bin/bash /packer.sh > /tmp/packer.out 2>&1; echo "packer exit $?"; wait`);
      expect(both.output).toContain("packer exit 0");
      const packer = readFileSync(join(root.upper, "tmp/packer.out"), "utf8");
      expect(packer).toContain("bake: waiting for another run");
      // in the shared log, the Packer run's first step comes after the boot's run ended
      const log = readFileSync(join(root.upper, "var/log/bake-provision.log"), "utf8");
      const bootEnd = log.indexOf("bake: all steps passed");
      expect(bootEnd).toBeGreaterThan(-1);
      expect(log.indexOf("] write-files: ")).toBeGreaterThan(bootEnd);
    } finally {
      root.remove();
    }
  });
});
