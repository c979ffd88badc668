// What the plan does about the details that differ between real images:
// SELinux labels, minimal images, proxies, cgroup v1 and sudo's secure_path.
// The sandbox test runs the same steps against stubbed commands.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderCloudInit, renderPackerScript } from "../src/index.js";
import type { SpecInput } from "../src/schema/node-spec.js";
import { sysctlPath } from "../src/capabilities/kernel/plan.js";
import { planFor } from "./helpers.js";

const stepOf = (input: SpecInput, id: string) => planFor(input).steps.find((s) => s.id === id);
const stepIds = (input: SpecInput) => planFor(input).steps.map((s) => s.id);

describe("SELinux labels on EL", () => {
  it("writes an equivalence rule only for a directory that moved", () => {
    const run = String(stepOf({ containerd: { state: "/data/containerd/state" } }, "selinux-labels")!.run);
    expect(run).toContain("bake_selinux_equivalent /run/containerd /data/containerd/state");
    expect(run).not.toContain("/var/lib/containerd");
    const both = String(
      stepOf({ containerd: { root: "/data/c/root", state: "/data/c/state" } }, "selinux-labels")!.run,
    );
    expect(both).toContain("bake_selinux_equivalent /var/lib/containerd /data/c/root");
    expect(both).toContain("bake_selinux_equivalent /run/containerd /data/c/state");
  });

  it("restores the labels of /etc/containerd after the package install, also with no moved directory", () => {
    const ids = stepIds({ distro: "rocky8" });
    expect(ids.indexOf("selinux-labels")).toBeGreaterThan(ids.indexOf("install-containerd"));
    expect(String(stepOf({ distro: "rocky8" }, "selinux-labels")!.run)).toBe("bake_selinux_restore /etc/containerd");
    expect(stepIds({ distro: "debian13" })).not.toContain("selinux-labels");
  });
});

describe("kernel modules on EL10", () => {
  it("installs kernel-modules-extra for the running kernel before loading them; EL9 and Debian images have the modules", () => {
    const el10 = String(stepOf({ distro: "alma10" }, "kernel-modules")!.run);
    expect(el10).toBe(
      "bake_modules_package kernel-modules-extra overlay br_netfilter\nbake_background bake_load_modules overlay br_netfilter",
    );
    for (const distro of ["rocky9", "debian13"] as const)
      expect(String(stepOf({ distro }, "kernel-modules")!.run)).toBe(
        "bake_background bake_load_modules overlay br_netfilter",
      );
    expect(String(stepOf({ distro: "rhel10" }, "host-tools")!.run)).toContain("modinfo=kmod");
    // the crictl download, in the background, overlaps that install
    const ids = stepIds({ distro: "rocky10" });
    expect(ids.indexOf("fetch-crictl")).toBeLessThan(ids.indexOf("kernel-modules"));
  });
});

describe("sudo crictl", () => {
  it("links the release binary into /usr/bin on every distro: sudo's secure_path lacks /usr/local/bin on EL and Debian 14", () => {
    expect(String(stepOf({ distro: "rocky9" }, "install-crictl")!.run)).toContain(
      "bake_link_into_usr_bin /usr/local/bin/crictl",
    );
    expect(String(stepOf({ distro: "debian14" }, "install-crictl")!.run)).toContain(
      "bake_link_into_usr_bin /usr/local/bin/crictl",
    );
    expect(String(stepOf({ distro: "rocky9", crictl: { install: "package" } }, "install-crictl")!.run)).not.toContain(
      "bake_link_into_usr_bin",
    );
  });

  it("is a verify check wherever crictl is installed", () => {
    for (const distro of ["rocky8", "debian13"] as const)
      expect(String(stepOf({ distro }, "verify")!.run)).toContain("bake_sudo_finds crictl");
    expect(String(stepOf({ crictl: { install: "none" } }, "verify")!.run)).not.toContain("sudo");
  });
});

describe("host-tools: what a minimal image may lack", () => {
  it("comes first after the system check and names only the packages of commands the plan runs, by family", () => {
    expect(stepIds({}).slice(0, 2)).toEqual(["system", "host-tools"]);
    // gpg: bake_rpm_key checks docker's repo key's fingerprint with it
    expect(String(stepOf({ distro: "rocky8" }, "host-tools")!.run)).toBe(
      "bake_install_missing_tools modprobe=kmod curl tar gpg=gnupg2 sysctl=procps-ng",
    );
    // Debian downloads with apt-helper when curl is absent.
    expect(String(stepOf({ distro: "debian13" }, "host-tools")!.run)).toBe(
      "bake_install_missing_tools modprobe=kmod tar sysctl=procps",
    );
  });

  it("drops tools no step runs: no tar without the crictl tarball, no kmod without modules", () => {
    const unpinned = { packages: { repo: { gpgkeyFingerprint: "" } } };
    const run = String(
      stepOf({ kernel: { modules: [] }, crictl: { install: "package" }, ...unpinned }, "host-tools")!.run,
    );
    expect(run).toBe("bake_install_missing_tools sysctl=procps-ng");
  });
});

describe("proxy for bake's own installs and downloads", () => {
  const proxy = {
    http: "http://user:secret@proxy.local:3128",
    https: "http://proxy.local:3129",
    noProxy: ["localhost", ".internal", "10.0.0.0/8"],
  };

  it("exports containerd.proxy, lower-case, before the first package install", () => {
    const ids = stepIds({ containerd: { proxy } });
    expect(ids.slice(0, 3)).toEqual(["system", "proxy", "host-tools"]);
    expect(String(stepOf({ containerd: { proxy } }, "proxy")!.run)).toBe(
      "export http_proxy=http://user:secret@proxy.local:3128 https_proxy=http://proxy.local:3129 no_proxy=localhost,.internal,10.0.0.0/8",
    );
    expect(String(stepOf({ containerd: { proxy: { https: "http://p:1" } } }, "proxy")!.run)).toBe(
      "export https_proxy=http://p:1",
    );
  });

  it("is absent without a proxy, and its title never shows the URL", () => {
    expect(stepIds({})).not.toContain("proxy");
    expect(stepOf({ containerd: { proxy } }, "proxy")!.title).not.toContain("secret");
  });
});

describe("cgroup v2", () => {
  it("on EL8, switches the kernel argument and carries the reboot as plan data", () => {
    for (const distro of ["rocky8", "alma8", "rhel8"] as const) {
      const p = planFor({ distro });
      expect(p.steps.map((s) => s.id)).toContain("cgroup-v2");
      expect(p.reboot).toEqual({ marker: "/var/lib/bake/reboot-required", reason: "cgroup v2" });
      expect(String(p.steps.find((s) => s.id === "verify")!.run)).toContain(
        "bake_cgroup_v2_or_pending /var/lib/bake/reboot-required",
      );
    }
  });

  it("elsewhere only checks it, and kernel.cgroup: any accepts v1", () => {
    const p = planFor({ distro: "rocky9" });
    expect(p.steps.map((s) => s.id)).not.toContain("cgroup-v2");
    expect(p.reboot).toBeUndefined();
    expect(planFor({ distro: "rhel10" }).reboot).toBeUndefined();
    expect(String(p.steps.find((s) => s.id === "verify")!.run)).toContain(
      "bake_check 'cgroup v2 is mounted' bake_cgroup_is_v2",
    );
    const any = planFor({ distro: "rocky8", kernel: { cgroup: "any" } });
    expect(any.reboot).toBeUndefined();
    expect(String(any.steps.find((s) => s.id === "verify")!.run)).not.toContain("cgroup");
  });

  it("cloud-init reboots only when the marker exists; the Packer script exits 75 instead", () => {
    const doc = parse(renderCloudInit(planFor({ distro: "rocky8" })), { version: "1.1" }) as { power_state?: unknown };
    expect(doc.power_state).toEqual({
      mode: "reboot",
      message: "bake: rebooting for cgroup v2",
      condition: ["test", "-f", "/var/lib/bake/reboot-required"],
    });
    expect(renderPackerScript(planFor({ distro: "rocky8" }))).toContain("\n  exit 75\n");
    expect(parse(renderCloudInit(planFor({ distro: "rocky9" })), { version: "1.1" })).not.toHaveProperty("power_state");
  });
});

describe("sysctl checks read /proc/sys", () => {
  it.each([
    ["net.ipv4.ip_forward", "net/ipv4/ip_forward"],
    // sysctl's rule: a dot first, so dots and slashes swap (a VLAN interface's name has a dot)
    ["net.ipv4.conf.eth0/1.rp_filter", "net/ipv4/conf/eth0.1/rp_filter"],
    // a slash first: the path already
    ["net/ipv4/conf/eth0.1/rp_filter", "net/ipv4/conf/eth0.1/rp_filter"],
    ["kernel/pid_max", "kernel/pid_max"],
  ])("%s is the file %s", (key, path) => {
    expect(sysctlPath(key)).toBe(path);
    const verify = String(stepOf({ kernel: { sysctl: { [key]: 1 } } }, "verify")!.run);
    expect(verify).toMatch(
      new RegExp(`^bake_check_each 'sysctl \\{\\}' bake_sysctl_is .*\\b${path.replace(/[./]/g, "\\$&")}=1\\b`, "m"),
    );
  });
});
