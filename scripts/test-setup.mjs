#!/usr/bin/env node
// Installs the tools a test suite needs, before any of its tests run, so no test
// installs packages itself and none skips for want of a tool.
//
//   node scripts/test-setup.mjs SUITE [SUITE ...]     (npm test runs it for "fast")
//
// As root with apt-get: prints what it installs and installs it. Otherwise, when
// something is missing, it stops at once with the command that installs it.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { fetchDebianContainerds } from "./debian-containerd.mjs";
import { SUITE_TOOLS } from "./suite-tools.mjs";

const suites = process.argv.slice(2);
if (suites.length === 0 || suites.some((s) => !(s in SUITE_TOOLS))) {
  console.error(`usage: test-setup.mjs ${Object.keys(SUITE_TOOLS).join("|")} [...]`);
  process.exit(2);
}

const onPath = (cmd) => {
  if (cmd.startsWith("/")) return existsSync(cmd);
  for (const dir of (process.env.PATH ?? "").split(":")) {
    try {
      accessSync(`${dir}/${cmd}`, constants.X_OK);
      return true;
    } catch {}
  }
  return false;
};

if (suites.includes("fast") && process.getuid?.() !== 0) {
  console.error(
    "test-setup: not root: the sandbox tests (test/sandbox.test.ts) need root for mount namespaces and will be reported as skipped",
  );
}

const wanted = Object.assign({}, ...suites.map((s) => SUITE_TOOLS[s]));
const missing = Object.entries(wanted).filter(([cmd]) => !onPath(cmd));
if (missing.length === 0) debianContainerds();

const packages = [...new Set(missing.map(([, pkg]) => pkg))].sort();
const what = missing.map(([cmd, pkg]) => `${cmd} (${pkg})`).join(", ");
const installCommand = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(" ")}`;
if (process.getuid?.() !== 0 || !onPath("apt-get")) {
  console.error(`test-setup: the ${suites.join(" + ")} tests need ${what}, which are missing.`);
  console.error(`test-setup: install them as root, then run the tests again:\n  ${installCommand}`);
  process.exit(1);
}

console.error(`test-setup: installing ${packages.join(" ")} for the ${suites.join(" + ")} tests (missing: ${what})`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
const apt = (args) => spawnSync("apt-get", args, { env, stdio: ["ignore", "inherit", "inherit"] }).status === 0;
// A fresh machine has no package lists yet; update only when the install cannot find a package.
const quietInstall = ["install", "-y", "-q", "--no-install-recommends", ...packages];
if (!apt(quietInstall) && !(apt(["update", "-q"]) && apt(quietInstall))) {
  console.error(`test-setup: apt-get could not install ${packages.join(" ")}`);
  process.exit(1);
}
const still = missing.filter(([cmd]) => !onPath(cmd));
if (still.length > 0) {
  console.error(`test-setup: still missing after the install: ${still.map(([cmd]) => cmd).join(", ")}`);
  process.exit(1);
}
debianContainerds();

// trixie's and forky's containerd for test/tools.test.ts (fast suite), and forky's .deb for the
// VM suite's stand-in of docker's containerd.io, fetched once into the cache.
function debianContainerds() {
  const wanted = suites.includes("fast") ? ["trixie", "forky"] : suites.includes("vm") ? ["forky"] : [];
  if (wanted.length > 0) {
    try {
      const fetched = fetchDebianContainerds(wanted);
      if (fetched.length > 0) console.error(`test-setup: fetched the containerd of Debian ${fetched.join(", ")}`);
    } catch (e) {
      console.error(
        `test-setup: could not fetch Debian's containerd binaries (set BAKE_TOOLS_CACHE to a writable dir?): ${e.message}`,
      );
      process.exit(1);
    }
  }
  process.exit(0);
}
