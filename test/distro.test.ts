// What each distro gets by default, and the repo/version combinations bake can
// tell at validate time will never install.
import { describe, expect, it } from "vitest";
import { SpecError, validateSpec } from "../src/index.js";
import { DISTROS } from "../src/spec/schema.js";
import { planFor } from "./helpers.js";

const EL = DISTROS.filter((d) => /^(rocky|alma|rhel)/.test(d));
const repoFile = (distro: (typeof DISTROS)[number]) => planFor({ distro }).files.find((f) => f.path === "/etc/yum.repos.d/docker-ce.repo")!.content;

describe("EL repositories", () => {
  it.each(EL)("%s: docker's rhel/<major> repo, the major written literally (a release lock puts 9.4 in $releasever)", (distro) => {
    const major = distro.slice(-1);
    const file = repoFile(distro);
    expect(file).toContain(`baseurl=https://download.docker.com/linux/rhel/${major}/$basearch/stable\n`);
    expect(file).toContain("gpgkey=https://download.docker.com/linux/rhel/gpg\n");
    expect(file).not.toContain("$releasever");
    expect(file).not.toContain("/centos/");
  });

  const refusal = (input: Parameters<typeof validateSpec>[0]) => {
    try {
      validateSpec(input);
    } catch (error) {
      if (error instanceof SpecError) return error.diagnostics.map((d) => `${d.path}: ${d.message}`);
      throw error;
    }
    return [];
  };

  it("refuses docker's centos/8 layout (or a mirror of it) on EL8 with containerd 1.7 or 2: that repo ends at 1.6.x", () => {
    for (const baseurl of [
      "https://download.docker.com/linux/centos/8/x86_64/stable",
      "https://download.docker.com/linux/centos/$releasever/$basearch/stable",
      "https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable",
    ]) {
      for (const version of ["2", "1.7", "2.1.4"]) {
        const errors = refusal({ distro: "rhel8", packages: { repo: { baseurl } }, containerd: { version } });
        expect(errors, `${baseurl} ${version}`).toEqual([expect.stringMatching(/^packages\.repo\.baseurl: docker's centos\/8 repository ends at containerd\.io 1\.6\.x/)]);
      }
    }
  });

  it("accepts what can match: centos/8 with 1.6, centos/$releasever on EL9, other layouts", () => {
    expect(refusal({ distro: "rocky8", packages: { repo: { baseurl: "https://download.docker.com/linux/centos/8/x86_64/stable" } }, containerd: { version: "1.6" } })).toEqual([]);
    expect(refusal({ distro: "rocky9", packages: { repo: { baseurl: "https://download.docker.com/linux/centos/$releasever/$basearch/stable" } } })).toEqual([]);
    expect(refusal({ distro: "rocky8", packages: { repo: { baseurl: "https://repo.example.com/containerd/el8" } } })).toEqual([]);
    expect(refusal({ distro: "rocky8", packages: { repo: { baseurl: "https://download.docker.com/linux/centos/80/x86_64/stable" } } })).toEqual([]);
  });
});

describe("pause image", () => {
  it("defaults to pause:3.10.1, kubeadm 1.35's PauseVersion (the default crictl is v1.35)", () => {
    const { spec } = validateSpec({});
    expect(spec.containerd.sandboxImage).toBe("registry.k8s.io/pause:3.10.1");
    expect(spec.crictl.version).toMatch(/^v1\.35\./);
  });

  it("warns about an old pause image without claiming containerd 2.x expects 3.10", () => {
    const { warnings } = validateSpec({ containerd: { sandboxImage: "registry.k8s.io/pause:3.9" } });
    const message = warnings.find((w) => w.path === "containerd.sandboxImage")?.message;
    expect(message).toBe("pause:3.9 is older than pause:3.10, which kubeadm has expected since 1.31 (kubeadm 1.35: 3.10.1); kubeadm will warn about the mismatch");
  });
});
