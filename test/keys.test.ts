// Each key of the spec changes what the node gets, in the place the docs say.
import { describe, expect, it } from "vitest";
import type { SpecInput } from "../src/schema/node-spec.js";
import { renderBoth } from "./helpers.js";

const fileOf = (input: SpecInput, path: string) =>
  renderBoth(input).plan.files.find((f) => f.path === path)?.content ?? "";
const scriptOf = (input: SpecInput) => renderBoth(input).script;
const CONFIG = "/etc/containerd/config.toml";
const DROPIN = "/etc/systemd/system/containerd.service.d/10-bake.conf";

const table: [key: string, input: SpecInput, check: (input: SpecInput) => void][] = [
  [
    "distro (EL: dnf + docker repo)",
    { distro: "rocky8" },
    (i) => expect(scriptOf(i)).toContain("dnf -y -q install --allowerasing"),
  ],
  [
    "distro (Debian: apt, confold)",
    { distro: "debian13" },
    (i) => {
      expect(scriptOf(i)).toContain("--no-install-recommends -o Dpkg::Options::=--force-confdef,confold install");
      // waits for dpkg's lock (unattended-upgrades on a first boot) instead of failing at once
      expect(scriptOf(i)).toContain("apt-get -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends");
    },
  ],
  [
    "arch",
    { arch: "arm64" },
    (i) =>
      expect(scriptOf(i)).toContain(
        "crictl-v1.35.0-linux-arm64.tar.gz 519071de89b64c43e2a1661bb5489c6c3fd5e9e5fcef75e50e542b0c891f1118",
      ),
  ],
  [
    "kernel.modules",
    { kernel: { modules: ["overlay", "br_netfilter", "ip_vs"] } },
    (i) => {
      expect(fileOf(i, "/etc/modules-load.d/containerd.conf")).toContain("\nip_vs\n");
      expect(scriptOf(i)).toContain("bake_load_modules overlay br_netfilter ip_vs");
    },
  ],
  [
    "kernel.sysctl",
    { kernel: { sysctl: { "vm.max_map_count": 262144 } } },
    (i) => {
      const f = fileOf(i, "/etc/sysctl.d/99-kubernetes-cri.conf");
      expect(f).toContain("vm.max_map_count = 262144");
      expect(f).toContain("net.ipv4.ip_forward = 1"); // maps merge with the defaults
      expect(scriptOf(i)).toMatch(/^bake_check_each .sysctl {}. bake_sysctl_is .* vm\/max_map_count=262144/m);
    },
  ],
  [
    "packages.remove",
    { packages: { remove: ["podman", "buildah", "runc"] } },
    (i) => expect(scriptOf(i)).toContain("bake_pkg_remove podman buildah runc"),
  ],
  [
    "packages.install",
    { packages: { install: ["iptables", "conntrack-tools"] } },
    (i) =>
      expect(scriptOf(i)).toContain(
        "bake_pkg_install --disableexcludes=docker-ce-stable 'containerd.io-2.*' iptables conntrack-tools",
      ),
  ],
  [
    "packages.repo",
    {
      packages: {
        repo: {
          baseurl: "https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable",
          gpgkey: "https://mirrors.aliyun.com/docker-ce/linux/centos/gpg",
        },
      },
    },
    (i) => {
      const f = fileOf(i, "/etc/yum.repos.d/docker-ce.repo");
      expect(f).toContain("baseurl=https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable\n");
      expect(f).toContain("gpgcheck=1\n");
      // a repo of the user's with no fingerprint: dnf imports what its gpgkey serves, as before EL keys were pinned
      expect(f).toContain("gpgkey=https://mirrors.aliyun.com/docker-ce/linux/centos/gpg\n");
      expect(scriptOf(i)).not.toContain("bake_rpm_key");
    },
  ],
  [
    "containerd.source (Debian docker repo)",
    { distro: "debian13", containerd: { source: "docker", version: "2" } },
    (i) => {
      expect(fileOf(i, "/var/lib/bake/docker.sources")).toContain(
        "Suites: trixie\nComponents: stable\nArchitectures: amd64\nSigned-By: /etc/apt/keyrings/docker.asc 9DC858229FC7DD38854AE2D88D81803C0EBFCD88\n",
      );
      expect(scriptOf(i)).toContain(
        "bake_apt_source https://download.docker.com/linux/debian/gpg /etc/apt/keyrings/docker.asc - /var/lib/bake/docker.sources /etc/apt/sources.list.d/docker.sources",
      );
      expect(scriptOf(i)).toContain("'containerd.io=2.*'");
    },
  ],
  [
    "containerd.version",
    { containerd: { version: "1.7.27" } },
    (i) => {
      expect(scriptOf(i)).toContain("'containerd.io-1.7.27-*'");
      expect(scriptOf(i)).toContain("bake_containerd_major_is 1 2 containerd.io");
      expect(fileOf(i, CONFIG)).toContain("version = 2\n");
    },
  ],
  [
    "containerd.root / state (and SELinux labels on EL)",
    { containerd: { root: "/data/containerd/data", state: "/data/containerd/state" } },
    (i) => {
      expect(fileOf(i, CONFIG)).toContain('root = "/data/containerd/data"\nstate = "/data/containerd/state"\n');
      expect(scriptOf(i)).toContain("bake_selinux_equivalent /var/lib/containerd /data/containerd/data");
      expect(scriptOf(i)).toContain("bake_selinux_equivalent /run/containerd /data/containerd/state");
    },
  ],
  [
    "containerd.oomScore",
    { containerd: { oomScore: -999 } },
    (i) => {
      expect(fileOf(i, CONFIG)).toContain("oom_score = -999\n");
      expect(scriptOf(i)).toContain("bake_containerd_up -999");
    },
  ],
  [
    "containerd.sandboxImage",
    { containerd: { sandboxImage: "registry.aliyuncs.com/k8sxio/pause:3.6" } },
    (i) => {
      expect(fileOf(i, CONFIG)).toContain('sandbox = "registry.aliyuncs.com/k8sxio/pause:3.6"');
      expect(scriptOf(i)).toMatch(
        /^bake_check_each .containerd runs with {}. bake_config_dump_has .* sandbox=registry\.aliyuncs\.com\/k8sxio\/pause:3\.6 /m,
      );
    },
  ],
  [
    "containerd.systemdCgroup",
    { containerd: { systemdCgroup: false } },
    (i) => expect(fileOf(i, CONFIG)).toContain("SystemdCgroup = false"),
  ],
  [
    "containerd.configPath",
    {
      containerd: {
        configPath: "/etc/containerd/registries",
        registries: { "docker.io": { mirrors: ["https://m.example.com"] } },
      },
    },
    (i) => {
      expect(fileOf(i, CONFIG)).toContain('config_path = "/etc/containerd/registries"');
      expect(fileOf(i, "/etc/containerd/registries/docker.io/hosts.toml")).toContain('[host."https://m.example.com"]');
    },
  ],
  [
    "containerd.registries.<host>.server",
    { containerd: { registries: { "quay.io": { server: "https://quay.io", mirrors: ["https://q.example.com"] } } } },
    (i) => expect(fileOf(i, "/etc/containerd/certs.d/quay.io/hosts.toml")).toContain('server = "https://quay.io"'),
  ],
  [
    "containerd.registries mirror options",
    {
      containerd: {
        registries: {
          "docker.io": {
            mirrors: [
              {
                url: "https://proxy.example.com/v2/dockerhub",
                capabilities: ["pull"],
                skipVerify: true,
                overridePath: true,
              },
            ],
          },
        },
      },
    },
    (i) => {
      const f = fileOf(i, "/etc/containerd/certs.d/docker.io/hosts.toml");
      expect(f).toContain('capabilities = ["pull"]\n  skip_verify = true\n  override_path = true\n');
    },
  ],
  [
    "containerd.hold (EL: exclude= in the repo file)",
    { containerd: { hold: false } },
    (i) => {
      expect(fileOf(i, "/etc/yum.repos.d/docker-ce.repo")).not.toContain("exclude=");
      expect(scriptOf(i)).not.toContain("is held");
    },
  ],
  [
    "containerd.hold (apt-mark)",
    { distro: "debian13", containerd: { hold: false } },
    (i) => {
      expect(scriptOf(i)).toContain("bake_apt_mark unhold containerd runc\n");
      expect(scriptOf(i)).not.toContain("bake_apt_mark hold");
    },
  ],
  [
    "containerd.verifyPull",
    { containerd: { verifyPull: "always" } },
    (i) => expect(scriptOf(i)).toContain("bake_retry crictl pull registry.k8s.io/pause:3.10.1"),
  ],
  [
    "containerd.proxy",
    {
      containerd: { proxy: { http: "http://proxy:3128", https: "http://proxy:3129", noProxy: ["localhost", ".svc"] } },
    },
    (i) => {
      const f = fileOf(i, "/etc/systemd/system/containerd.service.d/20-proxy.conf");
      expect(f).toContain(
        'Environment="HTTP_PROXY=http://proxy:3128"\nEnvironment="HTTPS_PROXY=http://proxy:3129"\nEnvironment="NO_PROXY=localhost,.svc"\n',
      );
      expect(renderBoth(i).plan.files.find((x) => x.path.endsWith("20-proxy.conf"))!.mode).toBe("0600");
    },
  ],
  [
    "containerd.service",
    { containerd: { service: { limitNOFILE: "infinity", oomScoreAdjust: -500, tasksMax: 8192 } } },
    (i) => {
      const f = fileOf(i, DROPIN);
      expect(f).toContain("LimitNOFILE=infinity\nTasksMax=8192\nOOMScoreAdjust=-500\n");
      expect(scriptOf(i)).toContain("bake_containerd_up -500");
    },
  ],
  [
    "crictl.install package",
    { crictl: { install: "package" } },
    (i) => expect(scriptOf(i)).toContain("bake_pkg_install cri-tools"),
  ],
  [
    "crictl.install none",
    { crictl: { install: "none" } },
    (i) => {
      expect(scriptOf(i)).not.toContain("crictl");
      expect(fileOf(i, "/etc/crictl.yaml")).toBe("");
    },
  ],
  [
    "crictl.version + sha256 + url",
    { crictl: { version: "v1.99.0", url: "http://10.0.2.2:8080/crictl.tar.gz", sha256: "a".repeat(64) } },
    (i) => {
      expect(scriptOf(i)).toContain(
        `bake_fetch_in_background http://10.0.2.2:8080/crictl.tar.gz ${"a".repeat(64)} /usr/local/bin/crictl`,
      );
      expect(scriptOf(i)).toContain("bake_install_tarball_binary fetch-crictl /usr/local/bin/crictl");
    },
  ],
  [
    "crictl endpoints, timeout, debug",
    {
      crictl: {
        runtimeEndpoint: "unix:///var/run/cri.sock",
        imageEndpoint: "unix:///var/run/img.sock",
        timeout: 30,
        debug: true,
      },
    },
    (i) => {
      expect(fileOf(i, "/etc/crictl.yaml")).toContain(
        'runtime-endpoint: "unix:///var/run/cri.sock"\nimage-endpoint: "unix:///var/run/img.sock"\ntimeout: 30\ndebug: true\n',
      );
    },
  ],
];

describe("every key changes the output as documented", () => {
  it.each(table)("%s", (_, input, check) => check(input));
});

describe("defaults describe a current, sane node", () => {
  it("rocky9, containerd 2 (schema 3), pause 3.10.1 (kubeadm 1.35), systemd cgroups, crictl with a pinned checksum", () => {
    const { plan, script } = renderBoth({});
    expect(plan.spec.distro).toBe("rocky9");
    expect(plan.configVersion).toBe(3);
    expect(plan.spec.containerd.sandboxImage).toBe("registry.k8s.io/pause:3.10.1");
    expect(plan.spec.containerd.systemdCgroup).toBe(true);
    expect(script).toContain(
      "crictl-v1.35.0-linux-amd64.tar.gz 2e141e5b22cb189c40365a11807d69b76b9b3caced89fac2f4ec879408ce2177",
    );
    expect(script).not.toContain("registry.mirrors");
  });

  it("Debian 13 gets its own containerd 1.7 (schema 2); Debian 14 gets 2.x (schema 3)", () => {
    expect(renderBoth({ distro: "debian13" }).plan.configVersion).toBe(2);
    expect(renderBoth({ distro: "debian13" }).script).toContain("'containerd=1.7.*'");
    expect(renderBoth({ distro: "debian14" }).plan.configVersion).toBe(3);
  });
});
