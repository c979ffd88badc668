// Debian's own containerd binaries, so the fast suite loads bake's config.toml with the
// parser of each containerd a Debian node gets: trixie's 1.7 and forky's 2.1 (the host's
// bookworm package is 1.6). Fetched once with apt from deb.debian.org, which checks the
// suites' signed Release files and each .deb's sha256, then unpacked into a cache dir.
// No Debian suite carries containerd 2.0, so no 2.0 parser is here (docs/testing.md).
// withDebianPackages is the same fetch for any package and architecture (the VM suite's arm64 busybox).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The suites whose containerd the tests run, and the containerd minor each ships (forky: or later). */
export const DEBIAN_CONTAINERDS = { trixie: "1.7", forky: "2.1" };

const cacheDir = () => process.env.BAKE_TOOLS_CACHE ?? "/var/cache/bake-tools";

/** Path of the containerd binary of `suite` in the cache (present after fetchDebianContainerds). */
export function debianContainerd(suite) {
  return join(cacheDir(), `containerd-${suite}`, "usr/bin/containerd");
}

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
};

/** `containerd --version` says the major of `minimum` and at least its minor. */
function atLeast(said, minimum) {
  const [major, minor] = minimum.split(".").map(Number);
  const got = said.match(/ (\d+)\.(\d+)\./);
  return got !== null && Number(got[1]) === major && Number(got[2]) >= minor;
}

/**
 * The .deb itself, kept beside the binary: the VM suite repackages forky's as a stand-in of
 * docker's containerd.io (test/vm/lib/docker-repo.ts).
 */
export function debianContainerdDeb(suite) {
  return join(cacheDir(), `containerd-${suite}.deb`);
}

/** Fetches the binaries and .debs of `suites` missing from the cache, unpacks the binaries; returns what it fetched. */
export function fetchDebianContainerds(suites = Object.keys(DEBIAN_CONTAINERDS)) {
  const missing = suites.filter(
    (suite) => !existsSync(debianContainerd(suite)) || !existsSync(debianContainerdDeb(suite)),
  );
  if (missing.length === 0) return [];
  withDebianPackages("containerd", missing, "amd64", (unpacked, work, debs) => {
    for (const suite of missing) {
      const dest = join(work, suite);
      mkdirSync(join(dest, "usr/bin"), { recursive: true });
      renameSync(join(unpacked.get(suite), "usr/bin/containerd"), join(dest, "usr/bin/containerd"));
      const said = run(join(dest, "usr/bin/containerd"), ["--version"]);
      if (!atLeast(said, DEBIAN_CONTAINERDS[suite]))
        throw new Error(`${suite}'s containerd is not ${DEBIAN_CONTAINERDS[suite]} or a later minor of it: ${said}`);
      // Each lands with one rename, so a run reading the cache meanwhile sees it whole or not at all.
      if (!existsSync(debianContainerd(suite))) renameSync(dest, join(cacheDir(), `containerd-${suite}`));
      renameSync(debs.get(suite), debianContainerdDeb(suite));
    }
  });
  return missing;
}

/**
 * Downloads package `pkg` of each suite for `arch` from deb.debian.org and unpacks each .deb;
 * `use` gets suite -> unpacked dir, a work dir in the cache (removed afterwards) to move files from,
 * and suite -> .deb.
 */
export function withDebianPackages(pkg, suites, arch, use) {
  mkdirSync(cacheDir(), { recursive: true });
  const work = mkdtempSync(join(cacheDir(), "apt-"));
  try {
    // A private apt state: the host's sources, lists and package database stay untouched.
    writeFileSync(
      join(work, "sources.list"),
      suites.map((suite) => `deb http://deb.debian.org/debian ${suite} main\n`).join(""),
    );
    for (const dir of ["lists/partial", "cache/archives/partial", "debs"])
      mkdirSync(join(work, dir), { recursive: true });
    const apt = [
      `-oDir::Etc::SourceList=${join(work, "sources.list")}`,
      "-oDir::Etc::SourceParts=/dev/null",
      `-oDir::State::Lists=${join(work, "lists")}`,
      `-oDir::Cache=${join(work, "cache")}`,
      "-oDir::State::Status=/dev/null",
      `-oAPT::Architecture=${arch}`,
      `-oAPT::Architectures=${arch}`,
      // The mirror reachable here may serve Release files past Valid-Until (field notes).
      "-oAcquire::Check-Valid-Until=false",
      "-oAPT::Sandbox::User=root",
      "-q",
    ];
    run("apt-get", [...apt, "update"]);
    run("apt-get", [...apt, "download", ...suites.map((suite) => `${pkg}/${suite}`)], { cwd: join(work, "debs") });
    const unpacked = new Map();
    const debs = new Map();
    for (const suite of suites) {
      const version = run("apt-cache", [...apt, "show", `${pkg}/${suite}`]).match(/^Version: (.+)$/m)?.[1];
      // apt-get download keeps an epoch in the file name as %3a
      const deb = readdirSync(join(work, "debs")).find(
        (f) => f === `${pkg}_${version?.replace(":", "%3a")}_${arch}.deb`,
      );
      if (!deb) throw new Error(`apt-get download left no ${pkg} ${version} of ${suite} for ${arch}`);
      unpacked.set(suite, join(work, `${suite}-deb`));
      debs.set(suite, join(work, "debs", deb));
      run("dpkg-deb", ["-x", join(work, "debs", deb), unpacked.get(suite)]);
    }
    return use(unpacked, work, debs);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
