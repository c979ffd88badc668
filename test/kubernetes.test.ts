// The kubernetes section: what a kubeadm-ready node gets on each distro family,
// what follows from the minor, and the validate-time rules.
import { describe, expect, it } from "vitest";
import { renderPackerScript, SpecError, validateSpec, type SpecInput } from "../src/index.js";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { parse } from "yaml";
import { KUBERNETES_STEPS_LAST, planFor, runCliAsync, tempDir } from "./helpers.js";
import { DISTROS } from "../src/schema/node-spec.js";

const on = (input: SpecInput = {}): SpecInput => ({ ...input, kubernetes: { enabled: true, ...input.kubernetes } });
const stepIds = (input: SpecInput) => planFor(input).steps.map((s) => s.id);
const stepRun = (input: SpecInput, id: string) => planFor(input).steps.find((s) => s.id === id)?.run.text;
const verify = (input: SpecInput) => stepRun(input, "verify")!;
const scriptOf = (input: SpecInput) => renderPackerScript(planFor(input));
const warnings = (input: SpecInput) => validateSpec(input).warnings.map((w) => `${w.path}: ${w.message}`);
function errors(input: SpecInput): string[] {
  try {
    validateSpec(input);
    return [];
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.path}: ${d.message}`);
  }
}
const debianOn = (kubernetes: SpecInput["kubernetes"] = {}) => on({ distro: "debian13", kubernetes });

describe("kubernetes off (the default)", () => {
  it("adds nothing: no repo, no kubelet, crictl and pause stay at the runtime defaults", () => {
    const p = planFor({});
    expect(
      p.files.map((f) => f.path).filter((f) => f.endsWith("/kubernetes.repo") || f.endsWith("/kubernetes.sources")),
    ).toEqual([]);
    expect(p.steps.map((s) => s.id)).not.toContain("install-kubernetes");
    expect(p.spec.crictl.version).toBe("v1.35.0");
  });
});

describe("kubernetes on EL", () => {
  it("writes pkgs.k8s.io's rpm repo for the minor, with the exclude line that holds the packages", () => {
    const repo = planFor(on({ kubernetes: { version: "1.34" } })).files.find(
      (f) => f.path === "/etc/yum.repos.d/kubernetes.repo",
    )!;
    expect(repo.content).toContain("baseurl=https://pkgs.k8s.io/core:/stable:/v1.34/rpm/\n");
    expect(repo.content).toContain("gpgkey=file:///etc/pki/rpm-gpg/kubernetes.asc\n");
    // the same OBS key as the deb repos, fetched from the minor's repo and checked against its fingerprint
    expect(stepRun(on({ kubernetes: { version: "1.34" } }), "kubernetes-repo-key")).toBe(
      "bake_rpm_key kubernetes https://pkgs.k8s.io/core:/stable:/v1.34/rpm/repodata/repomd.xml.key - DE15B14486CD377B9E876E1A234654DA9A296436",
    );
    expect(repo.content).toContain("gpgcheck=1\n");
    expect(repo.content).toContain("exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni\n");
  });

  it("takes a mirror of pkgs.k8s.io, and its key from the mirror; pinned only when the spec names the fingerprint", () => {
    const baseurl = "https://mirrors.aliyun.com/kubernetes-new/core/stable/v1.37/rpm/";
    const mirror = on({ kubernetes: { repo: { baseurl } } });
    const repo = planFor(mirror).files.find((f) => f.path.endsWith("kubernetes.repo"))!;
    expect(repo.content).toContain(`baseurl=${baseurl}\n`);
    // a repo of the user's with no fingerprint: dnf imports what its gpgkey serves, as before EL keys were pinned
    expect(repo.content).toContain(`gpgkey=${baseurl}repodata/repomd.xml.key\n`);
    expect(stepRun(mirror, "kubernetes-repo-key")).toBeUndefined();
    const pinned = on({
      kubernetes: { repo: { baseurl, gpgkeyFingerprint: "DE15B14486CD377B9E876E1A234654DA9A296436" } },
    });
    expect(stepRun(pinned, "kubernetes-repo-key")).toBe(
      `bake_rpm_key kubernetes ${baseurl}repodata/repomd.xml.key - DE15B14486CD377B9E876E1A234654DA9A296436`,
    );
  });

  it("an EL repo with no fingerprint: dnf imports whatever its gpgkey URL serves, as before bake pinned it", () => {
    const unpinned = on({ kubernetes: { repo: { gpgkeyFingerprint: "" } } });
    const repo = planFor(unpinned).files.find((f) => f.path.endsWith("kubernetes.repo"))!;
    expect(repo.content).toContain("gpgkey=https://pkgs.k8s.io/core:/stable:/v1.37/rpm/repodata/repomd.xml.key\n");
    expect(stepRun(unpinned, "kubernetes-repo-key")).toBeUndefined();
  });

  it("installs the three packages pinned to the minor or the exact patch, lifting the exclude for that install only", () => {
    expect(stepRun(on(), "install-kubernetes")).toBe(
      "bake_pkg_install --disableexcludes=kubernetes 'kubelet-1.37.*' 'kubeadm-1.37.*' 'kubectl-1.37.*' 'cri-tools-1.37.*'",
    );
    expect(stepRun(on({ kubernetes: { version: "1.35.2" } }), "install-kubernetes")).toContain("'kubelet-1.35.2-*'");
  });

  it("installs EL9's and EL10's, and EL8's names of the host tools", () => {
    for (const distro of ["rocky9", "alma10"] as const)
      expect(stepRun(on({ distro }), "kubeadm-tools")).toBe(
        "bake_pkg_install conntrack-tools socat iptables-nft iproute-tc ethtool",
      );
    expect(stepRun(on({ distro: "rocky8" }), "kubeadm-tools")).toBe(
      "bake_pkg_install conntrack-tools socat iptables iproute-tc ethtool iptables-ebtables",
    );
  });

  it("runs its steps after containerd and crictl, and pulls images last", () => {
    const ids = stepIds(on());
    const after = ids.slice(ids.indexOf("start-containerd") + 1);
    expect(after).toEqual(KUBERNETES_STEPS_LAST);
  });

  it("sets SELinux permissive by default, enforcing on request", () => {
    expect(stepRun(on(), "selinux-mode")).toBe("bake_selinux_mode permissive");
    expect(stepRun(on({ kubernetes: { selinux: "enforcing" } }), "selinux-mode")).toBe("bake_selinux_mode enforcing");
  });
});

describe("kubernetes on Debian and Ubuntu", () => {
  it("stages a deb822 flat-repo source signed by pkgs.k8s.io's key, installs it once its key verifies, and holds the packages", () => {
    const p = planFor(debianOn());
    expect(p.files.some((f) => f.path.startsWith("/etc/apt/"))).toBe(false);
    const sources = p.files.find((f) => f.path === "/var/lib/bake/kubernetes.sources")!;
    expect(sources.content).toContain(
      "URIs: https://pkgs.k8s.io/core:/stable:/v1.37/deb/\nSuites: /\nSigned-By: /etc/apt/keyrings/kubernetes-apt-keyring.asc DE15B14486CD377B9E876E1A234654DA9A296436\n",
    );
    expect(stepRun(debianOn(), "kubernetes-repo-key")).toBe(
      "bake_apt_source https://pkgs.k8s.io/core:/stable:/v1.37/deb/Release.key /etc/apt/keyrings/kubernetes-apt-keyring.asc - /var/lib/bake/kubernetes.sources /etc/apt/sources.list.d/kubernetes.sources",
    );
    // A sha256, when given, is a stricter pin checked on top.
    expect(stepRun(debianOn({ repo: { gpgkeySha256: "b".repeat(64) } }), "kubernetes-repo-key")).toContain(
      `kubernetes-apt-keyring.asc ${"b".repeat(64)} /var/lib/bake/kubernetes.sources`,
    );
    expect(stepRun(debianOn(), "install-kubernetes")).toBe(
      "bake_pkg_install --allow-change-held-packages 'kubelet=1.37.*' 'kubeadm=1.37.*' 'kubectl=1.37.*' 'cri-tools=1.37.*'\nbake_apt_mark hold kubelet kubeadm kubectl kubernetes-cni cri-tools",
    );
    // kubernetes-cni comes with kubelet, runc with Debian's containerd: an apt upgrade must not move them either.
    expect(verify(on({ ...debianOn(), distro: "debian14" }))).toContain(
      "bake_check_each '{} is held' bake_apt_held containerd runc\n",
    );
    expect(verify(debianOn())).toContain(
      "bake_check_each '{} is held' bake_apt_held kubelet kubeadm kubectl kubernetes-cni cri-tools\n",
    );
    expect(stepRun(debianOn(), "kubeadm-tools")).toBe(
      "bake_pkg_install conntrack socat iptables iproute2 ethtool ebtables",
    );
  });

  it("fetches the repo's key before any step runs apt-get update: apt refuses a source whose Signed-By keyring is missing", () => {
    // seen on Debian: with kubernetes.sources written and no keyring, apt-get update exits 100 (NO_PUBKEY)
    const steps = planFor(debianOn()).steps;
    const key = steps.findIndex((s) => s.id === "kubernetes-repo-key");
    const firstInstall = steps.findIndex((s) => /bake_pkg_install|bake_pkg_remove/.test(s.run.text));
    expect(key).toBeGreaterThanOrEqual(0);
    expect(key).toBeLessThan(firstInstall);
  });

  it("checks an apt repo's key by pkgs.k8s.io's fingerprint, written into Signed-By, with nothing to fill in", () => {
    expect(errors(on({ distro: "ubuntu2404" }))).toEqual([]);
    const source = planFor(on({ distro: "ubuntu2404" })).files.find((f) => f.path.endsWith("kubernetes.sources"))!;
    expect(source.content).toContain(
      "Signed-By: /etc/apt/keyrings/kubernetes-apt-keyring.asc DE15B14486CD377B9E876E1A234654DA9A296436\n",
    );
  });

  it("refuses an apt repo whose key is pinned by neither a fingerprint nor a sha256", () => {
    expect(errors(on({ distro: "ubuntu2404", kubernetes: { repo: { gpgkeyFingerprint: "" } } }))).toEqual([
      expect.stringMatching(/^kubernetes\.repo\.gpgkeyFingerprint: is empty, and so is gpgkeySha256/),
    ]);
    expect(errors(on({ distro: "ubuntu2404", kubernetes: { repo: { gpgkeyFingerprint: "de15b144" } } }))).toEqual([
      expect.stringMatching(/^kubernetes\.repo\.gpgkeyFingerprint: .*40 \(or 64\) upper-case hex digits/),
    ]);
  });
});

describe("what follows from the minor", () => {
  it("crictl's version and the pause image follow the minor when not written", () => {
    expect(planFor(on({ kubernetes: { version: "1.33" } })).spec.crictl.version).toBe("v1.33.0");
    expect(planFor(on({ kubernetes: { version: "1.33" } })).spec.containerd.sandboxImage).toBe(
      "registry.k8s.io/pause:3.10",
    );
    expect(planFor(on({ kubernetes: { version: "1.35.1" } })).spec.containerd.sandboxImage).toBe(
      "registry.k8s.io/pause:3.10.1",
    );
  });

  it("the pause image comes from kubeadm's image repository when one is set", () => {
    const spec = planFor(on({ kubernetes: { images: { repository: "registry.local:5000/k8s" } } })).spec;
    expect(spec.containerd.sandboxImage).toBe("registry.local:5000/k8s/pause:3.10.2");
  });

  it("a pin that disagrees is kept, with a warning; --strict makes it an error", () => {
    const input = on({
      kubernetes: { version: "1.35" },
      crictl: { install: "release", version: "v1.34.0" },
      containerd: { sandboxImage: "registry.k8s.io/pause:3.9" },
    });
    expect(planFor(input).spec.crictl.version).toBe("v1.34.0");
    expect(warnings(input)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^crictl\.version: crictl v1\.34\.0 does not follow Kubernetes 1\.35/),
        expect.stringMatching(/^containerd\.sandboxImage: kubeadm 1\.35 expects pause:3\.10\.1, not pause:3\.9/),
      ]),
    );
    expect(() => validateSpec(input, { strict: true })).toThrow(
      /crictl v1\.34\.0 does not follow.*an error under --strict/,
    );
  });

  it("an unknown minor warns that the pause image must be set by hand", () => {
    expect(warnings(on({ kubernetes: { version: "1.38" }, crictl: { sha256: "c".repeat(64) } }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes\.version: bake does not know which pause image kubeadm 1\.38 expects/),
      ]),
    );
  });
});

describe("the repo's URL against the version and the distro", () => {
  const repo = (baseurl: string, gpgkey?: string) => ({
    repo: { baseurl, ...(gpgkey ? { gpgkey } : {}), gpgkeySha256: "b".repeat(64) },
  });

  it("refuses a v1.XX segment other than the version's minor, in every mirror's path shape, naming the URL to use", () => {
    expect(
      errors(on({ kubernetes: { version: "1.34.2", ...repo("https://pkgs.k8s.io/core:/stable:/v1.35/rpm/") } })),
    ).toEqual([
      'kubernetes.repo.baseurl: is the v1.35 repo, but kubernetes.version is 1.34.2: it has no kubelet 1.34.*, so the install fails; use https://pkgs.k8s.io/core:/stable:/v1.34/rpm/ (or set kubernetes.version: "1.35")',
    ]);
    for (const url of [
      "https://mirrors.aliyun.com/kubernetes-new/core/stable/v1.33/rpm/",
      "https://mirrors.tuna.tsinghua.edu.cn/kubernetes/core%3A/stable%3A/v1.33/rpm",
    ])
      expect(errors(on({ kubernetes: repo(url) }))).toEqual([
        expect.stringContaining(`use ${url.replace("v1.33", "v1.37")} `),
      ]);
    expect(
      errors(debianOn({ version: "1.34", ...repo("https://mirrors.ustc.edu.cn/kubernetes/core:/stable:/v1.35/deb/") })),
    ).toEqual([expect.stringContaining("use https://mirrors.ustc.edu.cn/kubernetes/core:/stable:/v1.34/deb/ ")]);
  });

  it("refuses an rpm repo on an apt distro and a deb repo on EL, and a key URL of the other format", () => {
    expect(errors(debianOn(repo("https://pkgs.k8s.io/core:/stable:/v1.37/rpm/")))).toEqual([
      "kubernetes.repo.baseurl: holds rpm packages, which apt on debian13 cannot install; use https://pkgs.k8s.io/core:/stable:/v1.37/deb/",
    ]);
    expect(errors(on({ distro: "rocky10", kubernetes: repo("https://pkgs.k8s.io/core:/stable:/v1.37/deb/") }))).toEqual(
      [
        "kubernetes.repo.baseurl: holds deb packages, which dnf on rocky10 cannot install; use https://pkgs.k8s.io/core:/stable:/v1.37/rpm/",
      ],
    );
    expect(
      errors(
        on({
          kubernetes: repo(
            "https://pkgs.k8s.io/core:/stable:/v1.37/rpm/",
            "https://pkgs.k8s.io/core:/stable:/v1.37/deb/Release.key",
          ),
        }),
      ),
    ).toEqual([
      "kubernetes.repo.gpgkey: names the deb repo's key, not the rpm repo rocky9 reads; use https://pkgs.k8s.io/core:/stable:/v1.37/rpm/repodata/repomd.xml.key",
    ]);
  });

  it("lets pass a private mirror whose path names neither minor nor format, and a key URL of another minor (one key signs every minor)", () => {
    expect(
      errors(on({ kubernetes: { version: "1.34", ...repo("https://nexus.corp.example/repository/k8s-el/") } })),
    ).toEqual([]);
    expect(
      errors(
        on({
          kubernetes: repo(
            "https://mirrors.ustc.edu.cn/kubernetes/core:/stable:/v1.37/rpm/",
            "https://pkgs.k8s.io/core:/stable:/v1.28/rpm/repodata/repomd.xml.key",
          ),
        }),
      ),
    ).toEqual([]);
    expect(errors(on({ kubernetes: { version: "1.34" } }))).toEqual([]);
  });
});

describe("firewalld", () => {
  it("opens the role's ports and trusts the pod network (flannel's 10.244.0.0/16 by default)", () => {
    expect(stepRun(on(), "firewalld")).toBe("bake_firewalld_open 10.244.0.0/16 10250/tcp 10256/tcp 30000-32767/tcp");
    expect(stepRun(on({ kubernetes: { role: "control-plane", podSubnet: "192.168.0.0/16" } }), "firewalld")).toBe(
      "bake_firewalld_open 192.168.0.0/16 6443/tcp 2379-2380/tcp 10250/tcp 10257/tcp 10259/tcp",
    );
    expect(stepRun(on({ kubernetes: { firewalld: { action: "disable" } } }), "firewalld")).toBe(
      "bake_firewalld_disable",
    );
  });

  it("carries only the picked action's functions in the script", () => {
    const open = scriptOf(on());
    expect(open).toContain("bake_firewalld_open() {");
    expect(open).not.toContain("bake_firewalld_disable() {");
    const off = scriptOf(on({ kubernetes: { firewalld: { action: "disable" } } }));
    expect(off).toContain("bake_firewalld_disable() {");
    expect(off).not.toContain("bake_firewalld_open() {");
  });

  it("refuses a role without ports, and warns about a list that leaves out one the role needs", () => {
    expect(errors(on({ kubernetes: { firewalld: { ports: [] } } }))).toEqual([
      expect.stringMatching(/^kubernetes\.firewalld\.ports: a worker without ports/),
    ]);
    expect(
      warnings(on({ kubernetes: { role: "control-plane", firewalld: { ports: ["6443/tcp", "8472/udp"] } } })),
    ).toEqual([
      expect.stringMatching(
        /leaves out what a control-plane needs: 2379-2380\/tcp \(etcd\), 10250\/tcp \(the kubelet API\)/,
      ),
    ]);
    expect(errors(on({ kubernetes: { firewalld: { action: "disable", ports: [] } } }))).toEqual([]);
  });

  it("verify checks the pod network in the trusted zone beside the ports", () => {
    expect(verify(on({ kubernetes: { podSubnet: "fd00:10:244::/56" } }))).toContain(
      "bake_check 'firewalld, if active, has 10250/tcp 10256/tcp 30000-32767/tcp open and fd00:10:244::/56 trusted' bake_firewalld_has_open fd00:10:244::/56 10250/tcp 10256/tcp 30000-32767/tcp",
    );
  });

  it("refuses a pod network that is not a CIDR, or has host bits set, naming the network", () => {
    for (const podSubnet of [
      "10.244.0.0",
      "10.244.0.0/33",
      "10.256.0.0/16",
      "0.0.0.0/0",
      "fd00::1::/64",
      "10.244.0.0/16 ",
    ])
      expect(errors(on({ kubernetes: { podSubnet } })), podSubnet).toEqual([
        expect.stringMatching(/^kubernetes\.podSubnet: ".*" is not a network in CIDR notation/),
      ]);
    expect(errors(on({ kubernetes: { podSubnet: "10.244.1.0/16" } }))).toEqual([
      "kubernetes.podSubnet: 10.244.1.0/16 has host bits set; the network it names is 10.244.0.0/16: use that",
    ]);
    expect(errors(on({ kubernetes: { podSubnet: "fd00:10:244::1/56" } }))).toEqual([
      "kubernetes.podSubnet: fd00:10:244::1/56 has host bits set; the network it names is fd00:10:244:0:0:0:0:0/56: use that",
    ]);
    for (const podSubnet of ["10.244.0.0/16", "192.168.0.0/16", "10.0.0.0/8", "fd00:10:244::/56", "::/1"])
      expect(errors(on({ kubernetes: { podSubnet } })), podSubnet).toEqual([]);
  });

  it("warns that the pod network is unused when firewalld is disabled", () => {
    expect(warnings(on({ kubernetes: { podSubnet: "10.244.0.0/16", firewalld: { action: "disable" } } }))).toEqual([
      "kubernetes.podSubnet: is unused with firewalld.action: disable",
    ]);
  });

  it("refuses a port without its protocol", () => {
    expect(errors(on({ kubernetes: { firewalld: { ports: ["6443"] } } }))).toEqual([
      expect.stringMatching(/^kubernetes\.firewalld\.ports\[0\]: "6443" is not a port or range with its protocol/),
    ]);
  });
});

describe("images and preflight", () => {
  it("pre-pulls kubeadm's list for the exact version and repository, plus extra images", () => {
    const input = on({
      kubernetes: {
        version: "1.35.2",
        images: { repository: "mirror.local/k8s", extra: ["docker.io/flannel/flannel:v0.26.7"] },
      },
    });
    expect(stepRun(input, "pull-images")).toBe(
      "bake_pull_images 1.35.2 mirror.local/k8s worker docker.io/flannel/flannel:v0.26.7",
    );
    // the role picks the list: a worker runs no control-plane static pod
    expect(stepRun(on({ kubernetes: { role: "control-plane" } }), "pull-images")).toBe(
      "bake_pull_images '' '' control-plane",
    );
    expect(stepIds(on({ kubernetes: { images: { prePull: false } } }))).not.toContain("pull-images");
  });

  it("verifies with the role's kubeadm preflight, letting pass only ImagePull when a control plane's images are not pre-pulled", () => {
    const checks = (input: SpecInput) =>
      verify(input)
        .split("\n")
        .filter((l) => l.startsWith("bake_check ") && l.includes("_preflight"));
    expect(checks(on()).at(-1)).toBe("bake_check 'kubeadm join preflight passes' bake_kubeadm_join_preflight");
    expect(checks(on({ kubernetes: { role: "control-plane" } })).at(-1)).toBe(
      "bake_check 'kubeadm init preflight passes' bake_kubeadm_init_preflight '' ''",
    );
    expect(checks(on({ kubernetes: { preflightIgnore: ["NumCPU"] } })).at(-1)).toBe(
      "bake_check 'kubeadm join preflight passes' bake_kubeadm_join_preflight NumCPU",
    );
    // only the role's preflight function is in the script
    expect(scriptOf(on())).not.toContain("bake_kubeadm_init_preflight() {");
    expect(scriptOf(on({ kubernetes: { role: "control-plane" } }))).not.toContain("bake_kubeadm_join_preflight() {");
    expect(
      checks(on({ kubernetes: { role: "control-plane", images: { prePull: false }, preflightIgnore: ["NumCPU"] } })).at(
        -1,
      ),
    ).toBe("bake_check 'kubeadm init preflight passes' bake_kubeadm_init_preflight '' '' ImagePull NumCPU");
  });

  it("on EL8, while the reboot to cgroup v2 is pending, leaves the preflight of 1.35 and later for the run after it", async () => {
    const preflight = (input: SpecInput) =>
      verify(input)
        .split("\n")
        .find((l) => l.includes("_preflight"));
    expect(preflight(on({ distro: "rocky8" }))).toBe(
      "bake_check_after_reboot /var/lib/bake/reboot-required 'kubeadm join preflight passes' bake_kubeadm_join_preflight",
    );
    // 1.34's kubeadm only warns on cgroup v1; EL9 boots v2 and has no reboot to wait for
    expect(preflight(on({ distro: "rocky8", kubernetes: { version: "1.34" } }))).toMatch(/^bake_check 'kubeadm join/);
    expect(preflight(on({ distro: "rocky9" }))).toMatch(/^bake_check 'kubeadm join/);
  });

  it("refuses kernel.cgroup: any on EL8 (cgroup v1) from Kubernetes 1.35, naming the fix; 1.34 and EL9 pass", () => {
    const el8Any = (version?: string) =>
      on({ distro: "rocky8", kernel: { cgroup: "any" }, kubernetes: version ? { version } : {} });
    for (const version of [undefined, "1.35.2", "1.36", "1.37"])
      expect(errors(el8Any(version))).toEqual([
        expect.stringMatching(
          /^kernel\.cgroup: any keeps rocky8 on cgroup v1, which Kubernetes 1\.3[567] refuses .*set kernel\.cgroup: v2 .*or kubernetes\.version: "1\.34"/,
        ),
      ]);
    expect(errors(el8Any("1.34"))).toEqual([]);
    expect(errors(on({ distro: "rocky9", kernel: { cgroup: "any" } }))).toEqual([]);
    expect(errors({ distro: "rocky8", kernel: { cgroup: "any" } })).toEqual([]);
  });

  it("refuses a kernel.sysctl without net.ipv4.ip_forward = 1, which kubeadm's preflight requires", () => {
    expect(errors(on({ kernel: { sysctl: { "net.ipv4.ip_forward": 0 } } }))).toEqual([
      expect.stringMatching(/^kernel\.sysctl: must set net\.ipv4\.ip_forward: 1 for a kubeadm node/),
    ]);
    expect(errors({ kernel: { sysctl: { "net.ipv4.ip_forward": 0 } } })).toEqual([]);
  });

  it("refuses to let every preflight check pass", () => {
    expect(errors(on({ kubernetes: { preflightIgnore: ["All"] } }))).toEqual([
      expect.stringMatching(/^kubernetes\.preflightIgnore: all would turn every kubeadm preflight error/),
    ]);
  });

  it("verify checks swap, the tools, kubelet and kubeadm's version", () => {
    const text = verify(on());
    for (const check of [
      "bake_swap_is_off",
      "bake_fstab_has_no_swap",
      "bake_check_each '{} is on PATH' bake_on_path crictl conntrack ip iptables mount nsenter",
      "systemctl is-enabled --quiet kubelet",
      "bake_kubeadm_version_is 1.37",
    ]) {
      expect(text).toContain(check);
    }
    expect(verify(on({ kubernetes: { disableSwap: false } }))).not.toContain("bake_swap_is_off");
  });

  it("warns about kubernetes keys set while the section is off", () => {
    expect(warnings({ kubernetes: { role: "control-plane" } })).toEqual([
      "kubernetes.role: is unused while kubernetes.enabled is false",
    ]);
  });
});

describe("bake init --kubernetes", () => {
  it("starts a spec with the section filled in for the role, which validates and plans a kubeadm-ready node", async () => {
    const r = await runCliAsync(["init", "--kubernetes", "control-plane", "-o", "-"]);
    expect(r.status).toBe(0);
    const doc = parse(r.stdout) as SpecInput;
    expect(doc.kubernetes).toEqual({ enabled: true, version: "1.37", role: "control-plane" });
    expect(stepIds(doc)).toContain("install-kubernetes");
    const worker = parse((await runCliAsync(["init", "--kubernetes", "-o", "-"])).stdout) as SpecInput;
    expect(worker.kubernetes?.role).toBe("worker");
  });

  // Before, every apt distro's spec failed validate until the user computed the key file's sha256 by hand.
  for (const distro of DISTROS) {
    it(`${distro}: the spec it writes passes validate --strict as written`, async () => {
      const dir = tempDir();
      const file = join(dir, "bake.yaml");
      writeFileSync(file, (await runCliAsync(["init", "--kubernetes", "--distro", distro, "-o", "-"])).stdout);
      const r = await runCliAsync(["validate", "--strict", "-c", file]);
      expect(r.stderr).not.toContain("error");
      expect(r.stderr).toContain(`bake.yaml is valid (${distro}/`);
      expect(r.status).toBe(0);
    });
  }
});

describe("crictl with kubernetes on", () => {
  it("comes from pkgs.k8s.io's cri-tools, installed and held with kubeadm (which needs it), not the release tarball whose /usr/bin/crictl link would clash", () => {
    expect(validateSpec(on()).spec.crictl.install).toBe("package");
    expect(stepIds(on())).not.toContain("install-crictl");
    expect(stepRun(on(), "install-kubernetes")).toContain("'cri-tools-1.37.*'");
    expect(stepRun(on({ kubernetes: { version: "1.35.2" } }), "install-kubernetes")).toContain("'cri-tools-1.35.*'");
    expect(stepRun(debianOn(), "install-kubernetes")).toContain(
      "bake_apt_mark hold kubelet kubeadm kubectl kubernetes-cni cri-tools",
    );
  });

  it("a crictl.install the user wrote is kept", () => {
    // bake has no built-in sha256 of crictl v1.37.0's tarball, so the spec gives one.
    const input = on({ crictl: { install: "release", sha256: "c".repeat(64) } });
    expect(validateSpec(input).spec.crictl.install).toBe("release");
    expect(stepIds(input)).toContain("install-crictl");
    expect(stepRun(input, "install-kubernetes")).not.toContain("cri-tools");
  });
});
