// What each distro gets by default, and the repo/version combinations bake can
// tell at validate time will never install.
import { describe, expect, it } from "vitest";
import { SpecError, validateSpec } from "../src/index.js";
import { DISTROS } from "../src/schema/node-spec.js";
import { defaultContainerd } from "../src/capabilities/containerd/facts.js";
import { distroInfo } from "../src/capabilities/distro/identity.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planFor, ROOT, runCliAsync } from "./helpers.js";

const EL = DISTROS.filter((d) => /^(rocky|alma|rhel)/.test(d));
const repoFile = (distro: (typeof DISTROS)[number]) =>
  planFor({ distro }).files.find((f) => f.path === "/etc/yum.repos.d/docker-ce.repo")!.content;

describe("EL repositories", () => {
  it.each(EL)(
    "%s: docker's rhel/<major> repo, the major written literally (a release lock puts 9.4 in $releasever)",
    (distro) => {
      const major = /\d+$/.exec(distro)![0];
      const file = repoFile(distro);
      expect(file).toContain(`baseurl=https://download.docker.com/linux/rhel/${major}/$basearch/stable\n`);
      // dnf reads the key bake fetched from docker's URL and checked against its fingerprint
      expect(file).toContain("gpgkey=file:///etc/pki/rpm-gpg/docker-ce.asc\n");
      expect(planFor({ distro }).steps.find((s) => s.id === "docker-repo-key")?.run.text).toBe(
        "bake_rpm_key docker-ce https://download.docker.com/linux/rhel/gpg - 060A61C51B558A7F742B77AAC52FEB6B621E9F35",
      );
      expect(file).not.toContain("$releasever");
      expect(file).not.toContain("/centos/");
    },
  );

  const refusal = (input: Parameters<typeof validateSpec>[0]) => {
    try {
      validateSpec(input);
    } catch (error) {
      if (error instanceof SpecError) return error.diagnostics.map((d) => `${d.path}: ${d.message}`);
      throw error;
    }
    return [];
  };

  it("refuses docker's centos/8 layout (or a mirror of it) on EL8 with containerd 1.7 or 2: that repo ends at 1.6.x", async () => {
    for (const baseurl of [
      "https://download.docker.com/linux/centos/8/x86_64/stable",
      "https://download.docker.com/linux/centos/$releasever/$basearch/stable",
      "https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable",
    ]) {
      for (const version of ["2", "1.7", "2.1.4"]) {
        const errors = refusal({ distro: "rhel8", packages: { repo: { baseurl } }, containerd: { version } });
        expect(errors, `${baseurl} ${version}`).toEqual([
          expect.stringMatching(
            /^packages\.repo\.baseurl: docker's centos\/8 repository ends at containerd\.io 1\.6\.x/,
          ),
        ]);
      }
    }
  });

  it("accepts what can match: centos/8 with 1.6, centos/$releasever on EL9, other layouts", () => {
    expect(
      refusal({
        distro: "rocky8",
        packages: { repo: { baseurl: "https://download.docker.com/linux/centos/8/x86_64/stable" } },
        containerd: { version: "1.6" },
      }),
    ).toEqual([]);
    expect(
      refusal({
        distro: "rocky9",
        packages: { repo: { baseurl: "https://download.docker.com/linux/centos/$releasever/$basearch/stable" } },
      }),
    ).toEqual([]);
    expect(
      refusal({ distro: "rocky8", packages: { repo: { baseurl: "https://repo.example.com/containerd/el8" } } }),
    ).toEqual([]);
    expect(
      refusal({
        distro: "rocky8",
        packages: { repo: { baseurl: "https://download.docker.com/linux/centos/80/x86_64/stable" } },
      }),
    ).toEqual([]);
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
    expect(message).toBe(
      "pause:3.9 is older than pause:3.10, which kubeadm has expected since 1.31 (kubeadm 1.35: 3.10.1); kubeadm will warn about the mismatch",
    );
  });
});

describe("the EL8 rebuilds common in China: alinux3 and anolis8", () => {
  const withoutSystem = (distro: (typeof DISTROS)[number]) => {
    const p = planFor({ distro, kubernetes: { enabled: true } });
    return { files: p.files, steps: p.steps.filter((s) => s.id !== "system").map((s) => s.run.text) };
  };

  it.each(["alinux3", "anolis8"] as const)(
    "%s gets rocky8's node (docker's rhel/8 with a literal 8, the cgroup v2 switch, EL8's host tools); only the system its first step checks differs",
    (distro) => {
      expect(withoutSystem(distro)).toEqual(withoutSystem("rocky8"));
      expect(repoFile(distro)).toContain("baseurl=https://download.docker.com/linux/rhel/8/$basearch/stable\n");
      const steps = planFor({ distro }).steps;
      expect(steps.map((s) => s.id)).toContain("cgroup-v2");
      expect(steps.find((s) => s.id === "system")!.run.text).toBe(
        distro === "alinux3" ? "bake_system_is alinux 3 x86_64" : "bake_system_is anolis 8 x86_64",
      );
    },
  );

  it("alinux3 with the repo of Alibaba's own Docker recipe (centos/$releasever, 8 through its dnf plugin) is refused, naming rhel/8", async () => {
    const baseurl = "http://mirrors.cloud.aliyuncs.com/docker-ce/linux/centos/$releasever/$basearch/stable";
    const r = await runCliAsync([
      "cloud-init",
      "-q",
      "--set",
      "distro=alinux3",
      "--set",
      `packages.repo.baseurl=${baseurl}`,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "docker's centos/8 repository ends at containerd.io 1.6.x, so containerd 2 cannot install on alinux3; use its rhel/8 repository",
    );
  });

  it("alinux3's explain row says why the 8 is written by bake: its $releasever is 3", () => {
    expect(defaultContainerd(distroInfo("alinux3")).why).toMatch(/\$releasever is 3 on Alibaba Cloud Linux 3/);
  });

  it.each(["openeuler2403", "openEuler"])(
    "distro %s is refused, saying openEuler is not supported and why",
    async (value) => {
      const r = await runCliAsync(["cloud-init", "-q", "--set", `distro=${value}`]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        "error: distro: openEuler 24.03 LTS is not supported: not an EL rebuild (no ID_LIKE); docker has no openEuler repo",
      );
      expect(r.stderr).toContain("Use an alinux3, anolis8 or rocky9 image");
    },
  );
});

describe("Debian and Ubuntu containerd versions", () => {
  it.each([
    ["debian13", "containerd=1.7.*"],
    ["debian14", "containerd=2.*"],
    // The updates pockets carry 2.2.x; a 1.7 glob matched only the release pocket (jammy: nothing, noble: 1.7.12).
    ["ubuntu2204", "containerd=2.*"],
    ["ubuntu2404", "containerd=2.*"],
    // The real package of src:containerd-app, not containerd-stable, which only provides the name.
    ["ubuntu2604", "containerd=2.*"],
  ] as const)("%s installs %s from the distro's archive on defaults", (distro, wanted) => {
    const install = planFor({ distro }).steps.find((s) => s.id === "install-containerd")!.run.text;
    expect(install).toContain(`'${wanted}'`);
  });

  // Issue 30: one listing showed jammy's arm64 containerd at 1.5.9. That is the release pocket;
  // jammy-updates and noble-updates carry 2.2.1 for arm64 as for amd64 (sources in
  // containerd/facts.ts), so arm64 nodes get Ubuntu's 2.x too, not docker's repo nor an error.
  it.each(["ubuntu2204", "ubuntu2404"] as const)(
    "%s on arm64 installs Ubuntu's containerd 2.x from the updates pocket, as on amd64",
    (distro) => {
      const arm = planFor({ distro, arch: "arm64" });
      expect(arm.steps.find((s) => s.id === "install-containerd")!.run.text).toContain("'containerd=2.*'");
      expect(arm.configVersion).toBe(3);
      expect(arm.files.map((f) => f.path)).not.toContain("/etc/apt/sources.list.d/docker.sources");
      expect(defaultContainerd(distroInfo(distro)).why).toMatch(
        /-updates carries containerd 2\.2\.x \(amd64 and arm64\)/,
      );
    },
  );

  it("bake explain containerd.version says what each distro gets by default, and why", async () => {
    const r = await runCliAsync(["explain", "containerd.version", "--distro", "ubuntu2204"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}default: {2}"2" /m);
    expect(r.stdout).toMatch(/^ {2}why: +jammy-updates carries containerd 2\.2\.x/m);
    expect(r.stdout).toMatch(
      /^ {4}rocky8 +containerd\.io-2\.\* +docker's rhel\/8 repo carries containerd\.io 2\.x; its centos\/8 repo ended at 1\.6\.x/m,
    );
    expect(r.stdout).toMatch(/^ {4}rocky10 +containerd\.io-2\.\* +docker's rhel\/10 repo \(since Docker 28\.5/m);
    expect(r.stdout).toMatch(/^ {4}debian13 +containerd=1\.7\.\* +trixie ships containerd 1\.7\.24/m);
    expect(r.stdout).toMatch(/^ {4}ubuntu2404 +containerd=2\.\* +noble-updates carries containerd 2\.2\.x/m);
    expect(r.stdout).toMatch(
      /^ {4}ubuntu2604 +containerd=2\.\* +resolute ships containerd 2\.2\.2 \(package containerd/m,
    );
    const json = JSON.parse((await runCliAsync(["explain", "containerd.source", "--json"])).stdout) as {
      byDistro: Record<string, { package: string }>;
    }[];
    expect(Object.keys(json[0]!.byDistro)).toEqual([...DISTROS]);
  });
});

describe("containerd.hold (default true): what bake pins stays pinned", () => {
  it("EL: exclude=containerd.io in docker-ce.repo, lifted for bake's own install only; verify checks it", () => {
    for (const distro of EL) {
      const p = planFor({ distro });
      expect(p.files.find((f) => f.path === "/etc/yum.repos.d/docker-ce.repo")!.content).toMatch(
        /\nexclude=containerd\.io\n$/,
      );
      const install = p.steps.find((s) => s.id === "install-containerd")!.run.text;
      expect(install).toContain("bake_pkg_install --disableexcludes=docker-ce-stable 'containerd.io-2.*'");
      expect(p.steps.at(-1)!.run.text).toContain(
        "bake_check 'containerd.io is held' grep -qxF exclude=containerd.io /etc/yum.repos.d/docker-ce.repo",
      );
    }
  });

  // Debian's containerd depends on the distro's runc, held with it; docker's containerd.io bundles runc.
  it.each([
    [
      { distro: "debian13" },
      "containerd",
      "containerd runc",
      "bake_check_each '{} is held' bake_apt_held containerd runc",
    ],
    [
      { distro: "ubuntu2204", containerd: { source: "docker" } },
      "containerd.io",
      "containerd.io",
      "bake_check_each '{} is held' bake_apt_held containerd.io\n",
    ],
  ] as const)(
    "apt: %j installs able to change a held version, then holds %s (apt-mark only to change it); verify checks it",
    (input, name, held, check) => {
      const p = planFor(input);
      const install = p.steps.find((s) => s.id === "install-containerd")!.run.text;
      expect(install).toMatch(
        new RegExp(
          `^bake_pkg_install --allow-change-held-packages '${name.replace(".", "\\.")}=[^\n]*\nbake_apt_mark hold ${held.replace(".", "\\.")}$`,
          "m",
        ),
      );
      expect(p.steps.at(-1)!.run.text).toContain(check);
    },
  );

  it("bake explain containerd.hold names the repo file and the steps it changes", async () => {
    const r = await runCliAsync(["explain", "containerd.hold"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}default: {2}true$/m);
    expect(r.stdout).toMatch(/^ {2}files: +\/etc\/yum\.repos\.d\/docker-ce\.repo$/m);
    expect(r.stdout).toMatch(/^ {2}steps: +verify$/m); // the EL install always lifts the exclude for itself
    expect((await runCliAsync(["explain", "containerd.hold", "--distro", "debian13"])).stdout).toMatch(
      /^ {2}steps: +install-containerd, verify$/m,
    );
  });
});

describe("the distro matrix in docs/guide.md", () => {
  it("has one row per distro, with the repo and package the distro's default plan installs", () => {
    const guide = readFileSync(join(ROOT, "docs/guide.md"), "utf8");
    const matrix = guide.slice(guide.indexOf("<!-- distros:start -->"), guide.indexOf("<!-- distros:end -->"));
    const rows = matrix.split("\n").filter((l) => /^\| [a-z]+\d+ \|/.test(l));
    expect(rows.map((r) => r.split(" | ")[0]!.slice(2))).toEqual([...DISTROS]);
    for (const row of rows) {
      const distro = row.slice(2, row.indexOf(" |")) as (typeof DISTROS)[number];
      const p = planFor({ distro });
      const install = p.steps.find((s) => s.id === "install-containerd")!.run.text;
      const wanted = /'(containerd[^']*)'/.exec(install)![1]!;
      expect(row, distro).toContain(`\`${wanted}\``);
      expect(row, distro).toContain(`| ${p.configVersion} (containerd`);
      if (p.distro.family === "el") expect(row, distro).toContain(`\`${p.spec.packages.repo.baseurl}\``);
    }
  });
});
