// The first step of every script: it runs on the systems its distro's output is for and
// stops on any other, naming both. Each distro's rendered check (the function and the
// step's call, as the Packer script carries them) is run by bash against each os-release
// of test/support/os-release.ts and a few that no distro of bake's is. Only the file's
// path is changed, to a temporary copy; uname is a shell function saying the machine.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { distroInfo } from "../src/capabilities/distro/identity.js";
import { DISTROS, type Distro } from "../src/schema/node-spec.js";
import { renderBoth, tempDir } from "./helpers.js";
import { MACHINE, OS_RELEASE } from "./support/os-release.js";

// Systems no distro of bake's is (stand-ins of their os-release's shape, see systems.ts):
// Fedora has no "rhel" in ID_LIKE; Ubuntu 24.10 is not 24.04; Debian 12 is neither 13 nor forky.
const OTHERS: Record<string, string> = {
  fedora42: 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=42\nPRETTY_NAME="Fedora Linux 42"\n',
  ubuntu2410: 'PRETTY_NAME="Ubuntu 24.10"\nVERSION_ID="24.10"\nVERSION_CODENAME=oracular\nID=ubuntu\nID_LIKE=debian\n',
  debian12: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
};

/** The check as distro's script carries it: the function, then the first step's call. */
function renderedCheck(distro: Distro, arch: "amd64" | "arm64" = "amd64"): string {
  const { script } = renderBoth({ distro, arch });
  const fn = script.split("\n").find((l) => l.startsWith("bake_system_is() "));
  const call = /^bake_step 1\/\d+ system \S+\n(bake_system_is .*)$/m.exec(script)?.[1];
  expect(fn, "the function").toBeDefined();
  expect(call, "step 1 is the check").toBeDefined();
  return `${fn}\n${call}`;
}

/** Runs `check` on each system: its os-release text and what its uname -m says. One bash for them all. */
function runOn(check: string, systems: [osRelease: string, machine: string][]) {
  const dir = tempDir();
  const [fn, call] = check.replaceAll("/etc/os-release", '"$OS_RELEASE"').split("\n") as [string, string];
  const each = systems.map(([osRelease, machine], i) => {
    writeFileSync(join(dir, `${i}`), osRelease);
    const file = join(dir, `${i}`);
    return `(uname() { echo ${machine}; }; OS_RELEASE=${file}; ${call}) 2>${file}.err && echo pass || echo stop`;
  });
  const r = spawnSync("bash", ["--norc", "-c", ["set -euo pipefail", fn, ...each].join("\n")], { encoding: "utf8" });
  return r.stdout
    .trim()
    .split("\n")
    .map((line, i) => ({ passed: line === "pass", stderr: readFileSync(join(dir, `${i}.err`), "utf8") }));
}

// EL8 rebuilds matched on their own ID: their scripts run only on themselves.
const OWN_ID: Distro[] = ["alinux3", "anolis8"];

/**
 * Whether `distro`'s output is for the system `system` (a key of OS_RELEASE): one EL major, or
 * the very release. A rocky8 script also runs on Anolis 8 (rhel in ID_LIKE, VERSION_ID 8.10),
 * not on Alibaba Cloud Linux 3, whose VERSION_ID is 3 though it is EL8-compatible.
 */
const isFor = (distro: Distro, system: Distro) => {
  const [want, have] = [distroInfo(distro), distroInfo(system)];
  if (OWN_ID.includes(distro)) return system === distro;
  if (want.family !== "el") return system === distro;
  return have.family === "el" && have.major === want.major && system !== "alinux3";
};

describe("the first step checks the system", () => {
  it.each(DISTROS)("%s's script runs on its own system (EL: any of the major's) and stops on every other", (distro) => {
    const systems = [...DISTROS, ...Object.keys(OTHERS)];
    const osReleases = { ...OS_RELEASE, ...OTHERS } as Record<string, string>;
    const results = runOn(
      renderedCheck(distro),
      systems.map((s) => [osReleases[s]!, "x86_64"]),
    );
    expect(systems.filter((_, i) => results[i]!.passed)).toEqual(DISTROS.filter((s) => isFor(distro, s)));
  });

  it("the China EL8 rebuilds: alinux3 on older Alibaba Cloud Linux 3 images too; rocky8 stops on alinux, not on Anolis 8", () => {
    // Older images lack "anolis" in ID_LIKE (bake's search index, file 25171044546, read 2026-12-06).
    const olderAlinux = OS_RELEASE.alinux3
      .replace(' anolis"', '"')
      .replace(/PRETTY_NAME=.*/, 'PRETTY_NAME="Alibaba Cloud Linux 3 (Soaring Falcon)"');
    const anolis23 = 'NAME="Anolis OS"\nID="anolis"\nVERSION_ID="23"\nPRETTY_NAME="Anolis OS 23"\n';
    expect(runOn(renderedCheck("alinux3"), [[olderAlinux, "x86_64"]]).map((r) => r.passed)).toEqual([true]);
    const [onAnolis23] = runOn(renderedCheck("anolis8"), [[anolis23, "x86_64"]]);
    expect(onAnolis23!.stderr).toBe("bake: for anolis 8 x86_64, not Anolis OS 23 x86_64; BAKE_ANY_SYSTEM=1 goes on\n");
    const [onAlinux, onAnolis] = runOn(renderedCheck("rocky8"), [
      [OS_RELEASE.alinux3, "x86_64"],
      [OS_RELEASE.anolis8, "x86_64"],
    ]);
    expect(onAlinux!.stderr).toBe(
      "bake: for rhel 8 x86_64, not Alibaba Cloud Linux 3.2104 U13.1 (OpenAnolis Edition) x86_64; BAKE_ANY_SYSTEM=1 goes on\n",
    );
    expect(onAnolis!.passed).toBe(true);
  });

  it("the failure names the spec's system and the running one, and how to go on", () => {
    const [r] = runOn(renderedCheck("debian14"), [[OS_RELEASE.ubuntu2404, "x86_64"]]);
    expect(r!.stderr).toBe("bake: for debian forky x86_64, not Ubuntu 24.04.1 LTS x86_64; BAKE_ANY_SYSTEM=1 goes on\n");
  });

  it("stops where uname -m is not the spec's arch, on both arches", () => {
    for (const arch of ["amd64", "arm64"] as const) {
      const other = arch === "amd64" ? MACHINE.arm64 : MACHINE.amd64;
      const [right, wrong] = runOn(renderedCheck("ubuntu2204", arch), [
        [OS_RELEASE.ubuntu2204, MACHINE[arch]],
        [OS_RELEASE.ubuntu2204, other],
      ]);
      expect(right!.passed).toBe(true);
      expect(wrong!.passed).toBe(false);
      expect(wrong!.stderr).toContain(`for ubuntu 22.04 ${MACHINE[arch]}, not Ubuntu 22.04.2 LTS ${other};`);
    }
  });
});
