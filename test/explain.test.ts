// bake explain and the docs/reference.md key reference generated from it.
import { describe, expect, it } from "vitest";
import { explain } from "../src/commands/explain.js";
import { DISTROS } from "../src/capabilities/distro/names.js";
import { keyEffects } from "../src/commands/key-effects.js";
import { specKeys } from "../src/schema/keys.js";
import { generatedDocs } from "../scripts/gen-reference.js";
import { runCliAsync } from "./helpers.js";
import { sizesZlib, withoutGzipFigures } from "../scripts/user-data-sizes.js";

const bake = (...args: string[]) => runCliAsync(args);

describe("bake explain", () => {
  it("explains a key: meaning, type, default and the files and steps it changes", async () => {
    const r = await bake("explain", "containerd.sandboxImage");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("Pause image for pod sandboxes");
    expect(r.stdout).toMatch(/default: +registry\.k8s\.io\/pause:3\.10\.1$/m);
    expect(r.stdout).toMatch(/files: +\/etc\/containerd\/config\.toml/);
    expect(r.stdout).toMatch(/steps: +.*check-containerd/);
  });

  it("gives the default for --distro and names the distros that differ", () => {
    const rocky = explain("containerd.version", "rocky9")[0]!;
    expect(rocky.default).toBe("2");
    expect(rocky.otherDefaults.debian13).toBe("1.7");
    expect(explain("containerd.source", "debian13")[0]!.default).toBe("distro");
    expect(explain("distro", "debian13")[0]!.default).toBe("rocky9");
  });

  it("bake explain distro names the systems each distro's script runs on, which its first step checks", async () => {
    const r = await bake("explain", "distro");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}runs on: .*\/etc\/os-release/m);
    expect(r.stdout).toMatch(/^ {4}rocky9 +rhel 9 +Rocky Linux, AlmaLinux, RHEL 9 \(rhel in ID_LIKE\)$/m);
    expect(r.stdout).toMatch(/^ {4}debian14 +debian forky +Debian 14 \(forky;/m);
    expect(r.stdout).toMatch(/^ {4}ubuntu2604 +ubuntu 26\.04 +Ubuntu 26\.04 LTS \(resolute; cgroup v2 only\)$/m);
    expect(r.stdout).toMatch(/^ {4}alinux3 +alinux 3 +Alibaba Cloud Linux 3 \(EL8-compatible\)$/m);
    expect(r.stdout).toMatch(/^ {4}anolis8 +anolis 8 +Anolis OS 8 \(EL8 rebuild\)$/m);
    expect(r.stdout).toMatch(/^ {2}not supported:\n {4}openEuler 24\.03 LTS: not an EL rebuild/m);
    expect(Object.keys(explain("distro", "rocky9")[0]!.systems!)).toEqual([...DISTROS]);
  });

  it("takes a concrete registry host or list index for <host> and []", () => {
    expect(explain("containerd.registries.docker.io.mirrors", "rocky9")[0]!.path).toBe(
      "containerd.registries.<host>.mirrors",
    );
    const url = explain("containerd.registries.registry.local:5000.mirrors[0].url", "rocky9")[0]!;
    expect(url.path).toBe("containerd.registries.<host>.mirrors[].url");
    expect(url.files).toEqual(["/etc/containerd/certs.d/<host>/hosts.toml"]);
  });

  it("a section lists itself and its keys", () => {
    const paths = explain("crictl", "rocky9").map((e) => e.path);
    expect(paths[0]).toBe("crictl");
    expect(paths).toContain("crictl.timeout");
    expect(paths.every((p) => p.startsWith("crictl"))).toBe(true);
  });

  it("an unknown key fails with a did-you-mean", async () => {
    const r = await bake("explain", "containerd.sandboxImag");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('did you mean "containerd.sandboxImage"?');
    expect((await bake("explain", "sandboximage")).stderr).toContain('did you mean "containerd.sandboxImage"?');
  });

  it("--json prints the data", async () => {
    const items = JSON.parse((await bake("explain", "kernel.modules", "--json")).stdout) as {
      path: string;
      files: string[];
      steps: string[];
    }[];
    expect(items[0]).toMatchObject({ path: "kernel.modules", files: ["/etc/modules-load.d/containerd.conf"] });
    expect(items[0]!.steps).toContain("kernel-modules");
  });

  it("every key that is not a section reaches at least one file or step (the probes find its effect)", () => {
    for (const distro of ["rocky9", "debian13"] as const) {
      const effects = keyEffects(distro);
      const silent = specKeys().filter(
        (k) => !k.section && effects.get(k.path)!.files.length + effects.get(k.path)!.steps.length === 0,
      );
      expect(
        silent.map((k) => k.path),
        distro,
      ).toEqual([]);
    }
  });

  it("every file whose content a key changes names that key in its from: list (explain, diff and --merge read those lists)", () => {
    for (const distro of DISTROS) {
      const undeclared = [...keyEffects(distro)]
        .filter(([, effects]) => effects.undeclared.length > 0)
        .map(([key, effects]) => `${key}: ${effects.undeclared.join(", ")}`);
      expect(undeclared, distro).toEqual([]);
    }
  });

  it("the generated sections of docs/ (key reference, distro matrix, sizes) are what npm run docs writes (run it if not)", () => {
    // The gzip columns of the size table hold for the zlib they were made with; on another, the rest must.
    const docs = generatedDocs();
    const sizes = docs.find(({ file }) => file.endsWith("performance.md"))!;
    const sameZlib = sizesZlib(sizes.current) === process.versions.zlib;
    const comparable = (doc: string) => (sameZlib ? doc : withoutGzipFigures(doc));
    for (const { file, current, wanted } of docs)
      expect(comparable(current), `${file} is stale: run npm run docs`).toBe(comparable(wanted));
  });
});
