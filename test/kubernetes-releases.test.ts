// The Kubernetes release table: the default minor, a minor past its end of life
// against a date the tests set, the containerd major a minor supports, and the
// host tools kubeadm's preflight looks for at the minor.
import { describe, expect, it } from "vitest";
import { SpecError, validateSpec, type SpecInput } from "../src/index.js";
import { planFor, runCliWith } from "./helpers.js";

const on = (input: SpecInput = {}): SpecInput => ({ ...input, kubernetes: { enabled: true, ...input.kubernetes } });
const debian13 = (input: SpecInput = {}): SpecInput =>
  on({ distro: "debian13", ...input, kubernetes: { repo: { gpgkeySha256: "b".repeat(64) }, ...input.kubernetes } });
const findings = (input: SpecInput, today = "2026-12-06") => {
  try {
    return validateSpec(input, { today }).warnings.map((d) => `${d.severity} ${d.path}: ${d.message}`);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.diagnostics.map((d) => `${d.severity} ${d.path}: ${d.message}`);
  }
};
const stepRun = (input: SpecInput, id: string) => planFor(input).steps.find((s) => s.id === id)?.run.text;

describe("the default minor", () => {
  it("is 1.37, with its repo, cri-tools and kubeadm 1.37's pause image", () => {
    const p = planFor(on());
    expect(p.spec.kubernetes.version).toBe("1.37");
    expect(p.spec.kubernetes.repo.baseurl).toBe("https://pkgs.k8s.io/core:/stable:/v1.37/rpm/");
    expect(p.spec.containerd.sandboxImage).toBe("registry.k8s.io/pause:3.10.2");
    expect(stepRun(on(), "install-kubernetes")).toContain("'kubeadm-1.37.*' 'kubectl-1.37.*' 'cri-tools-1.37.*'");
    expect(findings(on())).toEqual([]);
  });
});

describe("a minor past its end of life", () => {
  it("warns with the date from kubernetes.io/releases, read against the date given", () => {
    const eol34 =
      'warning kubernetes.version: Kubernetes 1.34 reached its end of life on 2026-10-27 (kubernetes.io/releases): it gets no more patches; use "1.37"';
    expect(findings(on({ kubernetes: { version: "1.34.2" } }))).toContain(eol34);
    expect(findings(on({ kubernetes: { version: "1.34" } }), "2026-10-27")).not.toContain(eol34);
    // 1.35 is in support until 2027-02-28, and past it on the day after.
    expect(findings(on({ kubernetes: { version: "1.35" } }))).toEqual([]);
    expect(findings(on({ kubernetes: { version: "1.35" } }), "2027-03-01")).toEqual([
      expect.stringContaining("Kubernetes 1.35 reached its end of life on 2027-02-28"),
    ]);
  });

  it("a minor older than the table ended no later than its oldest entry", () => {
    expect(findings(on({ kubernetes: { version: "1.30" } }))).toContain(
      'warning kubernetes.version: Kubernetes 1.30 reached its end of life by 2026-06-28 (kubernetes.io/releases): it gets no more patches; use "1.37"',
    );
  });

  it("reads BAKE_TODAY in the CLI; --strict makes the warning an error; a date not YYYY-MM-DD is refused", () => {
    const spec = "kubernetes:\n  enabled: true\n  version: '1.35'\n";
    const at = (today: string, ...args: string[]) =>
      runCliWith(["validate", "-", ...args], { input: spec, env: { BAKE_TODAY: today } });
    expect(at("2026-12-06").status).toBe(0);
    const later = at("2027-03-01");
    expect(later.status).toBe(0);
    expect(later.stderr).toContain("Kubernetes 1.35 reached its end of life on 2027-02-28");
    const strict = at("2027-03-01", "--strict");
    expect(strict.status).not.toBe(0);
    expect(strict.stderr).toMatch(/reached its end of life on 2027-02-28 .*an error under --strict/);
    const bad = at("1 March 2027");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('BAKE_TODAY must be a date as YYYY-MM-DD, not "1 March 2027"');
  });
});

describe("the containerd major a minor supports", () => {
  it("debian13 with kubernetes gets docker's containerd.io 2.x: trixie's own is 1.7", () => {
    const p = planFor(debian13());
    expect(p.spec.containerd).toMatchObject({ source: "docker", version: "2" });
    expect(p.configVersion).toBe(3);
    expect(stepRun(debian13(), "install-containerd")).toContain("'containerd.io=2.*'");
    expect(p.files.map((f) => f.path)).toContain("/var/lib/bake/docker.sources");
    expect(findings(debian13())).toEqual([]);
    // 1.35 still lists containerd 1.7.28+: trixie's own stays.
    expect(planFor(debian13({ kubernetes: { version: "1.35" } })).spec.containerd).toMatchObject({
      source: "distro",
      version: "1.7",
    });
  });

  it("containerd.source: docker without a version installs docker's 2.x, as explain says, kubernetes or not", () => {
    expect(stepRun({ distro: "debian13", containerd: { source: "docker" } }, "install-containerd")).toContain(
      "'containerd.io=2.*'",
    );
    expect(planFor({ distro: "debian13", containerd: { source: "distro" } }).spec.containerd.version).toBe("1.7");
  });

  it("refuses containerd 1.x with 1.36 and later, at the key that chose it, naming the fix", () => {
    const tail =
      "which Kubernetes 1.37 does not support: containerd's support table lists 1.x up to Kubernetes 1.35, 1.7 reached its end of life in September 2026, and kubelet 1.38 drops the fallback it needs;";
    expect(findings(debian13({ containerd: { source: "distro" } }))).toEqual([
      `error containerd.source: gives containerd 1.7, ${tail} set containerd.source: docker (containerd.io 2.x from docker's repository), or kubernetes.version: "1.35"`,
    ]);
    expect(findings(on({ containerd: { version: "1.7.28" } }))).toEqual([
      `error containerd.version: gives containerd 1.7.28, ${tail} set containerd.version: "2", or kubernetes.version: "1.35"`,
    ]);
    expect(findings(on({ containerd: { version: "1.7" }, kubernetes: { version: "1.36" } }))).toEqual([
      expect.stringMatching(/^error containerd\.version: gives containerd 1\.7, which Kubernetes 1\.36 does not/),
    ]);
    expect(findings(on({ containerd: { version: "1.7" }, kubernetes: { version: "1.35" } }))).toEqual([]);
    expect(findings({ distro: "debian13", containerd: { source: "distro" } })).toEqual([]);
  });
});

describe("the host tools kubeadm's preflight looks for at the minor", () => {
  it("verify finds each on PATH: ip, iptables, mount, nsenter (errors) and ebtables, ethtool, socat, tc, touch (warnings)", () => {
    const verify = stepRun(debian13(), "verify")!;
    expect(verify).toContain(
      "bake_check_each '{} is on PATH' bake_on_path crictl conntrack ip iptables mount nsenter ebtables ethtool socat tc touch\n",
    );
    // RHEL 9 dropped ebtables: kubeadm only warns, and bake does not look for it there.
    expect(stepRun(on(), "verify")).toContain(
      "bake_on_path crictl conntrack ip iptables mount nsenter ethtool socat tc touch\n",
    );
  });
});
