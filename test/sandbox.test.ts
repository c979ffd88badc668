// The strongest proof that no spec value runs as code: execute the generated
// Packer script, as root, in a throwaway root. The root is an overlay of the
// host's / (read-only lower layer, with stub commands on top) and an empty
// upper directory, so every file the script writes lands in the upper
// directory and nowhere else. Stubs stand in for dnf, apt-get, rpm,
// dpkg-query, systemctl, modprobe, sysctl, containerd, ctr, crictl, curl,
// semanage, restorecon, selinuxenabled, grubby
// and sudo (which applies the distro's default secure_path, as real sudo
// does): they log their argv and behave like
// a healthy node (modprobe makes /sys/module/<name>, sysctl -p sets the root's
// own /proc/sys, a tmpfs, `containerd config dump` prints the config.toml on disk, curl serves
// a crictl tarball whose sha256 the spec names), so the script runs to its
// verify step and passes it.
//
// For each spec whose hostile values validation ACCEPTS:
// - the marker file every payload would create (/tmp/PWNED) never appears;
// - the files written are exactly the plan's files, with the plan's bytes and
//   modes, plus bake's own status and log, the crictl binary and the apt key;
// - the stubs received each value as one intact argument;
// - a second run changes no file.
// BAKE_SANDBOX_CASES=<n> runs more random specs (default 30).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { plan, renderPackerScript, SpecError, validateSpec, type Plan, type SpecInput } from "../src/index.js";
import { renderProvisionScript } from "../src/emit/provision-script.js";
import { MARKER, specWithField, specWithFields, FIELDS } from "./support/hostile.js";
import { BOXES, cgroupV2, overlayRootAvailable, runInOverlayRoot } from "./support/overlay-root.js";
import { MACHINE, OS_RELEASE, unameSaying } from "./support/os-release.js";
import {
  GPG_SHOW_KEYS,
  LOG,
  rpmQuery,
  SHOW_CONTAINERD,
  SYSCTL,
  SYSTEMCTL_SHOW,
  withPackageVersion,
} from "./support/stubs.js";

const CASES = Number(process.env.BAKE_SANDBOX_CASES ?? 30);

const available = overlayRootAvailable();

// The first call fails the way an unreachable mirror does; later calls succeed.
const FLAKY = `if [ ! -e /stub/flaky ]; then touch /stub/flaky; echo "Curl error (6): Couldn't resolve host name for https://mirror.example.com/repodata/repomd.xml" >&2; exit 1; fi`;

// What the package managers and curl would take as their proxy.
const PROXY_LOG = `printf '%s\\0%s\\0%s\\0%s\\0\\n' "\${0##*/}" "\${http_proxy-}" "\${https_proxy-}" "\${no_proxy-}" >> /stub/proxy-env`;
const NETWORK_COMMANDS = ["dnf", "apt-get", "curl"];

// sudo's default secure_path: EL's lacks /usr/local/bin (and so the stubs in /usr/local/sbin).
const SECURE_PATH = {
  el: "/sbin:/bin:/usr/sbin:/usr/bin",
  debian: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
};

function stubs(containerdMajor: number, family: "el" | "debian"): Record<string, string> {
  const ok = "exit 0";
  return {
    // sudo -l <command> prints the file sudo would run, or fails.
    sudo: `[ "$1" = -n ] && shift; if [ "$1" = -l ]; then PATH=${SECURE_PATH[family]} command -v "$2"; exit; fi; PATH=${SECURE_PATH[family]} exec "$@"`,
    grubby: ok,
    // Package managers answer as the real ones do for a version or package the
    // repositories lack (containerd 2.9.99, bake-missing-*), and fail once with a
    // network error for bake-flaky; everything else installs.
    dnf: `fail=0
for a in "$@"; do case "$a" in *-2.9.99-*|bake-missing*) echo "No match for argument: $a"; fail="$fail $a" ;; bake-flaky) ${FLAKY} ;; esac; done
if [ "$fail" != 0 ]; then echo "Error: Unable to find a match:\${fail#0}" >&2; exit 1; fi`,
    "apt-get": `for a in "$@"; do case "$a" in *=2.9.99*) echo "E: Version '\${a#*=}' for '\${a%%=*}' was not found" >&2; exit 100 ;; bake-missing*) echo "E: Unable to locate package $a" >&2; exit 100 ;; bake-flaky) ${FLAKY} ;; esac; done`,
    // Holds live in /stub/holds, as dpkg's selection states would; dpkg --set-selections reads "name state" lines.
    dpkg: `[ "$1" = --set-selections ] || exit 2
while read -r name state; do case "$state" in
  hold) grep -qxF "$name" /stub/holds 2>/dev/null || echo "$name" >> /stub/holds ;;
  install) [ -f /stub/holds ] && sed -i "/^$name$/d" /stub/holds ;;
esac; done`,
    semanage: ok,
    restorecon: ok,
    // crictl pull fails like a registry that cannot serve the image when the test leaves /stub-data/pull-fails.
    crictl: `if [ "$1" = pull ] && [ -e /stub-data/pull-fails ]; then echo "pulling image: $2: not found" >&2; exit 1; fi`,
    // Nothing is installed.
    rpm: rpmQuery(),
    gpg: GPG_SHOW_KEYS,
    // Nothing is installed; what dpkg --set-selections held reads back as held, as dpkg's selection state would.
    "dpkg-query": `if [[ $2 == *Status-Want* ]] && grep -qxF "\${!#}" /stub/holds 2>/dev/null; then printf 'hold installed'; exit 0; fi; exit 1`,
    selinuxenabled: "exit 1 # SELinux is off",
    modprobe: `for m in "$@"; do [ "$m" = -a ] || mkdir -p "/sys/module/$m"; done`,
    sysctl: SYSCTL,
    containerd: `case "$1" in
  --version) echo "containerd containerd.io ${containerdMajor}.0.99 0123abcd" ;;
  config) [ "$2" = dump ] && cat /etc/containerd/config.toml ;;
  *) exit 2 ;;
esac`,
    ctr: `if [ "$1" = plugins ]; then printf 'TYPE ID PLATFORMS STATUS\\nio.containerd.grpc.v1 cri linux/amd64 ok\\n'; fi`,
    systemctl: SYSTEMCTL_SHOW,
    curl: `out= url=
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2 ;; --connect-timeout) shift 2 ;; -*) shift ;; *) url=$1; shift ;; esac; done
case "$out" in *.tar.gz.bake-*) cp /stub-data/crictl.tar.gz "$out" ;; *) printf 'stub download\\n' > "$out" ;; esac`,
  };
}

const CRICTL_BINARY = "#!/bin/sh\nexit 0\n";
const STUB_DOWNLOAD_SHA = createHash("sha256").update("stub download\n").digest("hex");
// Made at load time: the random cases are drawn while the tests are collected, and they name its sha256.
const scratch = mkdtempSync(join(tmpdir(), "bake-sandbox-"));
mkdirSync(join(scratch, "tarball"));
writeFileSync(join(scratch, "tarball/crictl"), CRICTL_BINARY, { mode: 0o755 });
execFileSync("tar", ["-czf", join(scratch, "crictl.tar.gz"), "-C", join(scratch, "tarball"), "crictl"]);
const tarball = readFileSync(join(scratch, "crictl.tar.gz"));
const tarballSha = createHash("sha256").update(tarball).digest("hex");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Regular files under dir (relative paths with a leading /); anything else but directories is reported. */
function filesUnder(dir: string, prefix = ""): Map<string, { sha: string; mode: number; mtime: number }> {
  const out = new Map<string, { sha: string; mode: number; mtime: number }>();
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const rel = `${prefix}/${name}`;
    const st = lstatSync(full);
    if (st.isDirectory()) for (const [k, v] of filesUnder(full, rel)) out.set(k, v);
    else if (st.isFile())
      out.set(rel, {
        sha: createHash("sha256").update(readFileSync(full)).digest("hex"),
        mode: st.mode & 0o7777,
        mtime: st.mtimeMs,
      });
    else if (st.isSymbolicLink()) out.set(rel, { sha: `link to ${readlinkSync(full)}`, mode: 0, mtime: 0 });
    else
      out.set(rel, {
        sha: st.isCharacterDevice() ? "whiteout (a host file was deleted)" : "not a regular file",
        mode: st.mode,
        mtime: 0,
      });
  }
  return out;
}

/** The records of a stub log under /stub: NUL-separated fields, one record per "\0\n". */
function stubRecords(upper: string, name: string): string[][] {
  const log = join(upper, "stub", name);
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\0\n")
    .filter((r) => r !== "")
    .map((r) => r.split("\0"));
}

/** Argument lists each stub received, in order. */
const stubCalls = (upper: string) => stubRecords(upper, "log");

/** [command, http_proxy, https_proxy, no_proxy] as each network stub saw them. */
const proxyEnvSeen = (upper: string) => stubRecords(upper, "proxy-env").map((r) => r.slice(0, 4));

const sha = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** The system the root shows: its os-release and what uname -m says (by default the spec's own). */
interface System {
  osRelease?: string;
  machine?: string;
}

async function provision(name: string, p: Plan, overrides: Record<string, string> = {}, system: System = {}) {
  const dir = mkdtempSync(join(BOXES, `bake-sandbox-${name}-`));
  const layer = join(dir, "layer");
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  const mnt = join(dir, "mnt");
  for (const d of [layer, upper, work, mnt, join(layer, "usr/local/sbin"), join(layer, "stub-data")])
    mkdirSync(d, { recursive: true });
  for (const [command, body] of Object.entries({
    ...stubs(p.configVersion === 2 ? 1 : 2, p.distro.family),
    ...overrides,
  })) {
    const proxyLog = NETWORK_COMMANDS.includes(command) ? `${PROXY_LOG}\n` : "";
    writeFileSync(
      join(layer, "usr/local/sbin", command),
      `#!/bin/bash\nmkdir -p /stub\n${LOG}\n${proxyLog}${withPackageVersion(command, body)}\n`,
    );
    chmodSync(join(layer, "usr/local/sbin", command), 0o755);
  }
  // Not logged with the other stubs: uname is no command of the node's, only the check of its machine.
  writeFileSync(
    join(layer, "usr/local/sbin/uname"),
    `#!/bin/bash\n${unameSaying(system.machine ?? MACHINE[p.spec.arch])}\n`,
  );
  chmodSync(join(layer, "usr/local/sbin/uname"), 0o755);
  // EL's release package keeps the OS keys in /etc/pki/rpm-gpg; bake puts its repo keys beside them.
  mkdirSync(join(layer, "etc/pki/rpm-gpg"), { recursive: true });
  writeFileSync(join(layer, "etc/os-release"), system.osRelease ?? OS_RELEASE[p.spec.distro]);
  writeFileSync(join(layer, "stub-data/crictl.tar.gz"), tarball);
  // what the package manager reports of containerd's package once installed
  writeFileSync(join(layer, "stub-data/containerd-version"), p.configVersion === 2 ? "1.7.99" : "2.2.99");
  cgroupV2(layer, true);
  writeFileSync(join(layer, "bake-provision.sh"), renderPackerScript(p));
  const c = p.spec.containerd;
  const oomfile = join(dir, "oom_score_adj");
  writeFileSync(oomfile, `${c.oomScore !== 0 ? c.oomScore : c.service.oomScoreAdjust}\n`);
  return {
    upper,
    layer,
    again: () => runInOverlayRoot({ layer, upper, work, mnt, oomfile }, "/bin/bash /bake-provision.sh"),
    run: (command: string) => runInOverlayRoot({ layer, upper, work, mnt, oomfile }, command),
  };
}

const CONTAINERD_MEMOS = ["/var/lib/bake/containerd-config-dump.memo"];
/** A memo told apart from any other content: a key of the stamps (size, mtime, inode) of the binary and config.toml, then what containerd printed. */
function containerdMemo(upper: string, memo: string): string {
  const [key, ...output] = readFileSync(join(upper, memo), "utf8").split("\n");
  const config = readFileSync(join(upper, "etc/containerd/config.toml"));
  const keyOk = new RegExp(`^\\d+ \\d+ \\d+;${config.length} \\d+ \\d+;$`).test(key!);
  const printed = output.join("\n");
  return keyOk && printed === config.toString() ? "containerd's output, after its key" : `${key}\n${printed}`;
}

const CRICTL_RECORD = "/var/lib/bake/crictl.installed";
/** The record bake keeps of crictl's install, told apart from any other content: the tarball's sha256 and the binary's size, mtime and inode. */
function crictlRecord(upper: string): string {
  const record = readFileSync(join(upper, CRICTL_RECORD), "utf8");
  const size = Buffer.byteLength(CRICTL_BINARY);
  const m = new RegExp(`^([0-9a-f]{64}) ${size} \\d+ \\d+\n$`).exec(record);
  return m ? `${m[1]} and the stamp of /usr/local/bin/crictl` : record;
}

/** What the upper directory must hold after a successful run: the plan's files and bake's own few. */
function expectedFiles(p: Plan): Map<string, { sha: string; mode?: number }> {
  const out = new Map<string, { sha: string; mode?: number }>();
  for (const f of p.files) out.set(f.path, { sha: sha(f.content), mode: parseInt(f.mode, 8) });
  out.set("/var/lib/bake/status", { sha: sha("ok\n") });
  // What containerd was last (re)started with: config.toml and the unit drop-ins, in plan order.
  const startedWith = p.files.filter(
    (f) => f.path === "/etc/containerd/config.toml" || f.path.startsWith("/etc/systemd/system/containerd.service.d/"),
  );
  // sha256sum's lines for the files containerd was last started with.
  out.set("/var/lib/bake/containerd-config.sha256", {
    sha: sha(startedWith.map((f) => `${sha(f.content)}  ${f.path}\n`).join("")),
  });
  if (p.spec.crictl.install === "release") out.set("/usr/local/bin/crictl", { sha: sha(CRICTL_BINARY), mode: 0o755 });
  // The tarball's sha256 and the installed binary's stamp: a re-run downloads nothing while both match.
  if (p.spec.crictl.install === "release")
    out.set(CRICTL_RECORD, { sha: `${p.spec.crictl.sha256} and the stamp of /usr/local/bin/crictl` });
  if (p.spec.crictl.install === "release") out.set("/usr/bin/crictl", { sha: "link to /usr/local/bin/crictl" });
  // What `containerd config dump` printed, kept with the stamps of the binary and config.toml.
  for (const memo of CONTAINERD_MEMOS) out.set(memo, { sha: "containerd's output, after its key" });
  // Each memo's lock, empty: one process makes a memo, another waits for it.
  for (const memo of CONTAINERD_MEMOS) out.set(`${memo}.lock`, { sha: sha("") });
  // The lock every bake run takes first, empty (on a node /run is a tmpfs, emptied at boot).
  out.set("/run/bake.lock", { sha: sha("") });
  // docker's key, checked by its fingerprint (the gpg stub's), beside the OS keys.
  if (p.steps.some((step) => step.id === "docker-repo-key") && p.distro.family === "el")
    out.set("/etc/pki/rpm-gpg/docker-ce.asc", { sha: sha("stub download\n") });
  if (p.distro.family === "debian" && p.spec.containerd.source === "docker") {
    out.set("/etc/apt/keyrings/docker.asc", { sha: sha("stub download\n"), mode: 0o644 });
    // Staged by write_files; docker-repo-key puts a copy where apt reads it once the key is in.
    const staged = p.files.find((f) => f.path === "/var/lib/bake/docker.sources")!;
    out.set("/etc/apt/sources.list.d/docker.sources", { sha: sha(staged.content), mode: 0o644 });
  }
  return out;
}

// Bookkeeping that is not part of the node: the stubs' own state, the log, /sys/module dirs.
const ignored = (path: string) => path.startsWith("/stub/") || path === "/var/log/bake-provision.log";

/** Accepted specs with hostile values, made to install crictl from a "mirror" whose tarball the curl stub serves. */
function forSandbox(input: SpecInput): Plan | undefined {
  const spec = structuredClone(input);
  spec.crictl = {
    ...spec.crictl,
    install: "release",
    sha256: tarballSha,
    url: spec.crictl?.url || "https://mirror.example.com/crictl.tar.gz",
  };
  // Every download is sha256-checked: name the hash of what the curl stub serves as the apt key.
  spec.packages = { ...spec.packages, repo: { ...spec.packages?.repo, gpgkeySha256: STUB_DOWNLOAD_SHA } };
  try {
    return plan(validateSpec(spec).spec);
  } catch (error) {
    if (error instanceof SpecError) return undefined;
    throw error;
  }
}

// Values built to pass validation while holding shell syntax: each would create MARKER if it ever ran.
const HANDCRAFTED: SpecInput[] = [
  {
    distro: "rocky9",
    kernel: {
      modules: ["overlay", "br_netfilter"],
      sysctl: { "net.ipv4.ip_forward": "1 2", "kernel/pid_max": 4194304 },
    },
    packages: {
      install: ["a+b", "x.y-z_1"],
      repo: {
        baseurl: "https://m.example.com/$(touch$IFS/tmp/PWNED)/$basearch",
        gpgkey: "https://m.example.com/';touch$IFS/tmp/PWNED;'",
      },
    },
    containerd: {
      root: "/data/@+-._root",
      state: "/run/x-y",
      configPath: "/etc/containerd/certs@d",
      sandboxImage: "registry.local:5000/a__b/pause:3.10",
      registries: {
        "docker.io": {
          mirrors: [
            "https://m.example.com/';touch$IFS/tmp/PWNED;'",
            { url: "http://u:'p'@10.0.0.1:5000/&&touch$IFS/tmp/PWNED", capabilities: ["pull"], skipVerify: true },
          ],
        },
        _default: { mirrors: ["https://[fd00::1]:5000/$(touch$IFS/tmp/PWNED)"] },
        "registry.local:5000": { server: "https://registry.local:5000/!!%n%%$HOME" },
      },
      proxy: {
        http: "http://u:pa$$@proxy.local:3128/;touch$IFS/tmp/PWNED",
        https: "https://proxy.local/%n%h'",
        noProxy: ["*.local", "10.0.0.0/8", "[::1]"],
      },
    },
    crictl: {
      url: "https://m.example.com/$(touch$IFS/tmp/PWNED).tgz",
      runtimeEndpoint: "unix:///run/a@b+c.sock",
      imageEndpoint: "tcp://[::1]:1234",
    },
  },
  {
    distro: "debian13",
    packages: {
      repo: {
        baseurl: "http://[fd00::1]/debian/$(touch$IFS/tmp/PWNED)",
        gpgkey: "https://m.example.com/'touch$IFS/tmp/PWNED'",
      },
    },
    containerd: {
      source: "docker",
      version: "1.7",
      oomScore: -999,
      proxy: { https: "http://p.local:3128/'$(touch$IFS/tmp/PWNED)'" },
    },
  },
];

describe.skipIf(!available)("the Packer script in a sandbox never runs a spec value", () => {
  const random = (() => {
    const any = fc.oneof(
      specWithFields,
      fc.constantFrom(...Object.keys(FIELDS)).chain((f) => specWithField(f)),
    );
    const out: [string, Plan][] = [];
    for (const input of fc.sample(any, CASES * 20)) {
      const p = forSandbox(input);
      if (p) out.push([JSON.stringify(input), p]);
      if (out.length >= CASES) break;
    }
    return out;
  })();
  const cases: [string, Plan][] = [
    ...HANDCRAFTED.map((s): [string, Plan] => [JSON.stringify(s), forSandbox(s)!]),
    ...random,
  ];

  it("has the cases it promises", () => {
    expect(
      HANDCRAFTED.every((s) => forSandbox(s) !== undefined),
      "every handcrafted hostile spec must pass validation",
    ).toBe(true);
    expect(random.length).toBe(CASES);
  });

  it.concurrent.each(cases.map(([label, p], i) => [i, label, p] as const))("case %i: %s", async (i, label, p) => {
    const box = await provision(`case${i}`, p);
    const first = await box.again();
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("bake: all steps passed");
    expect(first.output).not.toContain("FAIL");
    // Inside the chroot every write lands in the upper layer, /tmp included.
    expect(existsSync(join(box.upper, MARKER)), "a payload ran inside the sandbox").toBe(false);

    const written = filesUnder(box.upper);
    const expected = expectedFiles(p);
    const actual = new Map(
      [...written]
        .filter(([path]) => !ignored(path))
        .map(([path, f]) => [
          path,
          expected.get(path)?.mode === undefined ? { sha: f.sha } : { sha: f.sha, mode: f.mode },
        ]),
    );
    if (actual.has(CRICTL_RECORD)) actual.set(CRICTL_RECORD, { sha: crictlRecord(box.upper) });
    for (const memo of CONTAINERD_MEMOS)
      if (actual.has(memo)) actual.set(memo, { sha: containerdMemo(box.upper, memo) });
    expect(Object.fromEntries(actual), `${label}\n${first.output}`).toEqual(Object.fromEntries(expected));

    // Each value reached its command as one intact argument.
    const calls = stubCalls(box.upper);
    const argsOf = (command: string) => calls.filter((c) => c[0] === command).map((c) => c.slice(1));
    const curlUrls = argsOf("curl").map((a) => a[a.length - 1]);
    expect(curlUrls).toContain(p.spec.crictl.url);
    if (p.distro.family === "debian" && p.spec.containerd.source === "docker")
      expect(curlUrls).toContain(p.spec.packages.repo.gpgkey);
    if (p.spec.kernel.modules.length > 0) expect(argsOf("modprobe")).toContainEqual(["-a", ...p.spec.kernel.modules]);
    const installs = argsOf(p.distro.family === "el" ? "dnf" : "apt-get").filter((a) => a.includes("install"));
    for (const name of p.spec.packages.install)
      expect(
        installs.some((a) => a.includes(name)),
        name,
      ).toBe(true);

    // dnf or apt-get, and curl, saw the proxy of containerd.proxy, each value intact.
    const proxy = p.spec.containerd.proxy;
    const viaProxy = proxy.http !== "" || proxy.https !== "";
    const seen = proxyEnvSeen(box.upper);
    expect(new Set(seen.map((r) => r[0]))).toEqual(new Set([p.distro.family === "el" ? "dnf" : "apt-get", "curl"]));
    for (const [, http, https, noProxy] of seen) {
      expect([http, https, noProxy]).toEqual(
        viaProxy ? [proxy.http, proxy.https, proxy.noProxy.join(",")] : ["", "", ""],
      );
    }

    // A proxy URL may hold a password: the provisioner's log never shows one.
    const log = readFileSync(join(box.upper, "var/log/bake-provision.log"), "utf8");
    for (const url of [proxy.http, proxy.https]) if (url.includes("@")) expect(log).not.toContain(url);

    // Run again: nothing changes, and bake rewrites none of its files.
    const second = await box.again();
    expect(second.code, second.output).toBe(0);
    const after = filesUnder(box.upper);
    for (const [path, f] of written) {
      if (ignored(path)) continue;
      expect(after.get(path)?.sha, `${path} changed on the second run`).toBe(f.sha);
      if (
        expected.get(path)?.mode !== undefined &&
        path !== "/usr/local/bin/crictl" &&
        path !== "/etc/apt/keyrings/docker.asc"
      ) {
        expect(after.get(path)?.mtime, `${path} was rewritten on the second run`).toBe(f.mtime);
      }
    }
    expect([...after.keys()].filter((k) => !ignored(k)).sort()).toEqual(
      [...written.keys()].filter((k) => !ignored(k)).sort(),
    );
    expect(existsSync(join(box.upper, MARKER))).toBe(false);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });
});

describe.skipIf(!available)("a package the repositories lack fails at once; a network error is retried", () => {
  const cases: [string, SpecInput, string][] = [
    [
      "dnf, containerd version",
      { distro: "rocky9", containerd: { version: "2.9.99" } },
      "No match for argument: containerd.io-2.9.99-*",
    ],
    [
      "dnf, extra package",
      { distro: "rocky8", packages: { install: ["bake-missing-tool"] } },
      "No match for argument: bake-missing-tool",
    ],
    [
      "apt, containerd version",
      { distro: "ubuntu2204", containerd: { version: "2.9.99" } },
      "Version '2.9.99*' for 'containerd' was not found",
    ],
    [
      "apt, extra package",
      { distro: "debian13", packages: { install: ["bake-missing-tool"] } },
      "Unable to locate package bake-missing-tool",
    ],
  ];

  it.concurrent.each(cases)(
    "%s: one try, and the message names the package and the repo",
    async (name, input, message) => {
      const p = forSandbox(input)!;
      const box = await provision(name.replace(/\W+/g, "-"), p);
      const result = await box.again();
      expect(result.code, result.output).not.toBe(0);
      const repos =
        p.distro.family === "el"
          ? "docker-ce-stable, /etc/yum.repos.d/docker-ce.repo, and the OS's"
          : `${p.spec.distro}'s own`;
      expect(result.output).toContain(`bake: not retrying: ${message} (repos: ${repos})\n`);
      expect(result.output).toContain("bake: FAILED in step 'install-containerd'");
      expect(result.output).not.toContain("retry 1/3");
      const manager = p.distro.family === "el" ? "dnf" : "apt-get";
      expect(stubCalls(box.upper).filter((c) => c[0] === manager && c.includes("install"))).toHaveLength(1);
      rmSync(join(box.upper, ".."), { recursive: true, force: true });
    },
  );

  it.concurrent.each([
    ["dnf", "rocky9"],
    ["apt", "debian13"],
  ] as const)("%s: a failed download is tried again, and the install then passes", async (name, distro) => {
    const p = forSandbox({ distro, packages: { install: ["bake-flaky"] } })!;
    const box = await provision(`flaky-${name}`, p);
    const result = await box.again();
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("Couldn't resolve host name");
    expect(result.output).toContain("bake: retry 1/3 in 5s:");
    const manager = p.distro.family === "el" ? "dnf" : "apt-get";
    expect(stubCalls(box.upper).filter((c) => c[0] === manager && c.includes("install"))).toHaveLength(2);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });
});

describe.skipIf(!available)("the containerd package bake installed is held", () => {
  // Debian's containerd depends on Debian's runc, held with it; containerd.io bundles runc.
  it.concurrent.each([
    ["debian13", "containerd", ["containerd", "runc"]],
    // resolute's containerd and runc are real packages (src:containerd-app, src:runc-app), held by name.
    ["ubuntu2604", "containerd", ["containerd", "runc"]],
    ["ubuntu2404 with docker's containerd.io", "containerd.io", ["containerd.io"]],
  ] as const)("%s: holds %s in dpkg, once however often bake runs", async (label, name, held) => {
    const input: SpecInput = label.includes("with docker")
      ? { distro: "ubuntu2404", containerd: { source: "docker" } }
      : { distro: label as "debian13" | "ubuntu2604" };
    const p = forSandbox(input)!;
    const box = await provision(`hold-${name}`, p);
    for (const run of [1, 2]) {
      const result = await box.again();
      expect(result.code, `run ${run}\n${result.output}`).toBe(0);
      for (const p of held) expect(result.output).toContain(`bake: ok   - ${p} is held`);
    }
    expect(readFileSync(join(box.upper, "stub/holds"), "utf8")).toBe(held.map((p) => `${p}\n`).join(""));
    expect(
      stubCalls(box.upper).filter((c) => c[0] === "dpkg"),
      "dpkg --set-selections runs only to change the hold",
    ).toEqual([["dpkg", "--set-selections"]]);
    expect(stubCalls(box.upper).filter((c) => c[0] === "apt-mark")).toEqual([]);
    const installs = stubCalls(box.upper).filter((c) => c[0] === "apt-get" && c.includes("install"));
    expect(
      installs.every((c) => c.includes("--allow-change-held-packages")),
      "bake's own install may move a held version",
    ).toBe(true);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("when crictl info gets no answer, verify fails and shows the CRI plugin's state from ctr", async () => {
    const p = forSandbox({ distro: "rocky9" })!;
    const box = await provision("cri-down", p, {
      crictl: `if [ "$1" = info ]; then echo "unknown service runtime.v1.RuntimeService" >&2; exit 1; fi`,
      ctr: `printf 'TYPE ID PLATFORMS STATUS\\nio.containerd.grpc.v1 cri linux/amd64 error\\n'`,
    });
    const result = await box.again();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("bake: FAIL - the CRI plugin answers crictl info");
    expect(result.output).toContain("io.containerd.grpc.v1 cri linux/amd64 error");
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it.each([
    ["rocky9", "containerd.io"],
    ["debian13", "containerd"],
  ] as const)(
    "%s: a containerd package of another major fails check-containerd, naming its version",
    async (distro, pkg) => {
      const p = forSandbox({ distro })!;
      const box = await provision(`new-containerd-${distro}`, p);
      expect((await box.again()).code).toBe(0);
      // The package manager now reports another major than config.toml's schema is for.
      const other = p.configVersion === 3 ? "1.7.99" : "2.2.99";
      writeFileSync(join(box.layer, "stub-data/containerd-version"), other);
      const second = await box.again();
      expect(second.code).not.toBe(0);
      expect(second.output).toContain(`bake: ${pkg} ${other} is installed`);
      expect(second.output).toContain(`needs containerd ${p.configVersion === 3 ? "2.[1-9]" : 1}.x, not ${other}`);
      expect(second.output).toContain("bake: FAILED in step 'check-containerd'");
      rmSync(join(box.upper, ".."), { recursive: true, force: true });
    },
  );

  it.each([
    [
      "2",
      "2.0.99",
      "config.toml schema version 3 (CNI bin_dirs) needs containerd 2.[1-9].x, not 2.0.99; check containerd.version",
    ],
    [
      "2.0",
      "2.2.99",
      "config.toml schema version 3 (CNI bin_dir) needs containerd 2.0.x, not 2.2.99; check containerd.version",
    ],
  ])(
    "containerd.version %s with containerd %s installed fails check-containerd: it would not read the CNI key",
    async (version, installed, message) => {
      const p = forSandbox({ distro: "rocky9", containerd: { version } })!;
      const box = await provision(`cni-key-${version}`, p);
      writeFileSync(join(box.layer, "stub-data/containerd-version"), installed);
      const result = await box.again();
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(`bake: ${message}`);
      expect(result.output).toContain("bake: FAILED in step 'check-containerd'");
      rmSync(join(box.upper, ".."), { recursive: true, force: true });
    },
  );

  it.each([
    // A package upgrade replaces the binary (a new inode); this one reads another root.
    ["rocky9", "root = .*", 'root = "/elsewhere"', "containerd runs with root = /var/lib/containerd"],
    // One that read a CNI list without /opt/cni/bin, as a dropped key would leave it.
    ["debian14", "  bin_dirs = .*", '  bin_dirs = ["/usr/lib/cni"]', "containerd runs with bin_dirs = /opt/cni/bin"],
  ] as const)(
    "%s: a new containerd binary makes config dump run again: verify sees what the new one reads",
    async (distro, line, readAs, failed) => {
      const p = forSandbox({ distro })!;
      const box = await provision(`new-containerd-binary-${distro}`, p);
      expect((await box.again()).code).toBe(0);
      const stub = join(box.layer, "usr/local/sbin/containerd");
      writeFileSync(
        `${stub}.new`,
        readFileSync(stub, "utf8").replace(
          "cat /etc/containerd/config.toml",
          `sed 's#^${line}#${readAs}#' /etc/containerd/config.toml`,
        ),
      );
      chmodSync(`${stub}.new`, 0o755);
      renameSync(`${stub}.new`, stub);
      const second = await box.again();
      expect(second.code).not.toBe(0);
      expect(second.output).toContain(`bake: FAIL - ${failed}`);
      rmSync(join(box.upper, ".."), { recursive: true, force: true });
    },
  );

  it("a containerd package the package manager does not report fails check-containerd", async () => {
    const p = forSandbox({ distro: "rocky9" })!;
    const box = await provision("no-containerd-package", p);
    rmSync(join(box.layer, "stub-data/containerd-version"));
    const result = await box.again();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("bake: containerd.io is not installed");
    expect(result.output).toContain("bake: FAILED in step 'check-containerd'");
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("verify fails when the hold did not take", async () => {
    const p = forSandbox({ distro: "debian13" })!;
    const box = await provision("hold-lost", p, { dpkg: "cat > /dev/null # holds nothing" });
    const result = await box.again();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("bake: FAIL - containerd is held");
    expect(result.output).toContain("bake: FAILED in step 'verify'");
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("verify asks systemd once for containerd's state and main PID, and fails on another oom_score_adj, naming it", async () => {
    const p = forSandbox({ distro: "rocky9" })!;
    const box = await provision("oom-score", p);
    const good = await box.again();
    expect(good.code, good.output).toBe(0);
    expect(good.output).toContain("bake: ok   - containerd is enabled, active, oom_score_adj -999");
    // dnf leaves containerd stopped: start-containerd restarts it without asking; verify asks once.
    const shows = stubCalls(box.upper).filter((c) => c[0] === "systemctl" && c[1] === "show");
    expect(shows).toEqual([
      ["systemctl", "show", "-p", "UnitFileState", "-p", "ActiveState", "-p", "MainPID", "containerd"],
    ]);
    // containerd's main process (PID 1 here) now has the kernel's default, as with no drop-in.
    writeFileSync(join(box.upper, "../oom_score_adj"), "0\n");
    const bad = await box.again();
    expect(bad.code).not.toBe(0);
    expect(bad.output).toContain(
      "bake: containerd: MainPID=1 ActiveState=active UnitFileState=enabled oom_score_adj=0",
    );
    expect(bad.output).toContain("bake: FAIL - containerd is enabled, active, oom_score_adj -999");
    expect(bad.output).toContain("bake: 1 check(s) failed");
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("verify runs its checks side by side and prints them in the plan's order", async () => {
    const p = forSandbox({ distro: "rocky9" })!;
    // Each of two checks waits (20 s at most) for the other to start: only side by side do both see it.
    const meet = (me: string, other: string) =>
      `touch /stub/${me}; for i in $(seq 200); do [ -e /stub/${other} ] && { echo "${me} met ${other}" >> /stub/met; break; }; sleep 0.1; done`;
    const stock = stubs(2, "el");
    const box = await provision("side-by-side", p, {
      crictl: `if [ "$1" = info ]; then ${meet("info", "sudo")}; fi\n${stock.crictl}`,
      sudo: `${meet("sudo", "info")}\n${stock.sudo}`,
    });
    const result = await box.again();
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(box.upper, "stub/met"), "utf8").split("\n").sort()).toEqual([
      "",
      "info met sudo",
      "sudo met info",
    ]);
    // One ok line per check, in the order of the plan's bake_check lines (a {} batch expands in place).
    const verify = p.steps.at(-1)!.run.text;
    const planned = [...verify.matchAll(/^bake_check(?:_each)? '([^']*)'/gm)].map(
      (m) =>
        new RegExp(
          `^${m[1]!
            .split("{}")
            .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
            .join(".+")}$`,
        ),
    );
    const printed = [...result.output.matchAll(/^bake: ok {3}- (.*)$/gm)].map((m) => m[1]!);
    const position = printed.map((line) => planned.findIndex((what) => what.test(line)));
    expect(position).not.toContain(-1);
    expect(position).toEqual([...position].sort((x, y) => x - y));
    expect(printed.length).toBe(Number(/\((\d+) checks\)/.exec(p.steps.at(-1)!.title)![1]));
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  // Debian's package starts containerd at install; bake's files were written before it.
  // containerd makes its socket at each start: its time is when containerd started.
  it.each([
    ["after", false, 1],
    ["before", true, -1],
  ] as const)("debian13: containerd started %s bake wrote its files: restarted: %s", async (when, restarted, hours) => {
    const p = forSandbox({ distro: "debian13" })!;
    // systemctl show -p ... prints Key=value lines, in the unit's own order.
    const systemctl = `case "$*" in
  *NeedDaemonReload*) printf 'ActiveState=active\\nNeedDaemonReload=no\\nUnitFileState=enabled\\n' ;;
  show*) ${SHOW_CONTAINERD} ;;
esac`;
    const box = await provision(`started-${when}`, p, { systemctl });
    const socket = join(box.layer, "run/containerd/containerd.sock");
    mkdirSync(join(socket, ".."), { recursive: true });
    writeFileSync(socket, "");
    const started = new Date(Date.now() + hours * 3600_000);
    utimesSync(socket, started, started);
    const result = await box.again();
    expect(result.code, result.output).toBe(0);
    const restarts = stubCalls(box.upper).filter((c) => c[0] === "systemctl" && c[1] === "restart");
    expect(restarts.length).toBe(restarted ? 1 : 0);
    expect(result.output.includes("bake: containerd started after bake wrote its files")).toBe(!restarted);
    // either way the record is written, so a second run restarts nothing
    const before = stubCalls(box.upper).length;
    const second = await box.again();
    expect(second.output).toContain("bake: containerd runs this config; not restarting it");
    expect(
      stubCalls(box.upper)
        .slice(before)
        .filter((c) => c[0] === "systemctl" && c[1] === "restart"),
    ).toEqual([]);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("containerd.hold: false releases the hold", async () => {
    const p = forSandbox({ distro: "debian13", containerd: { hold: false } })!;
    const box = await provision("hold-off", p);
    mkdirSync(join(box.upper, "stub"), { recursive: true });
    writeFileSync(join(box.upper, "stub/holds"), "containerd\n");
    const result = await box.again();
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain("is held");
    expect(readFileSync(join(box.upper, "stub/holds"), "utf8")).toBe("");
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });
});

describe.skipIf(!available)("a provisioner started on another system stops in its first step", () => {
  const rocky9 = () => forSandbox({ distro: "rocky9", arch: "amd64" })!;
  /** Runs rocky9/amd64's script on `system`; what it wrote besides bake's log and status. */
  async function runOn(name: string, system: System, env = "") {
    const box = await provision(name, rocky9(), {}, system);
    if (env !== "")
      writeFileSync(join(box.layer, "bake-provision.sh"), `export ${env}\n${renderPackerScript(rocky9())}`);
    const result = await box.again();
    const written = [...filesUnder(box.upper).keys()].filter((f) => !ignored(f) && !f.startsWith("/var/lib/bake/"));
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
    return { ...result, written };
  }

  it("rocky9's script on Ubuntu stops in step 1, naming both, before it writes a file or installs a package", async () => {
    const r = await runOn("on-ubuntu", { osRelease: OS_RELEASE.ubuntu2404 });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("bake: [1/14] system: rocky9/amd64");
    expect(r.output).toContain("bake: for rhel 9 x86_64, not Ubuntu 24.04.1 LTS x86_64; BAKE_ANY_SYSTEM=1 goes on");
    expect(r.output).toContain("bake: FAILED in step 'system'");
    // Only the lock every run takes first (empty, in /run, a tmpfs on a node).
    expect(r.written).toEqual(["/run/bake.lock"]);
  });

  it("an amd64 script where uname -m says aarch64 stops in step 1, naming both", async () => {
    const r = await runOn("on-aarch64", { machine: "aarch64" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("bake: for rhel 9 x86_64, not Rocky Linux 9.6 aarch64; BAKE_ANY_SYSTEM=1 goes on");
    expect(r.output).toContain("bake: FAILED in step 'system'");
  });

  it("rocky9's script runs on AlmaLinux 9 and on RHEL 9, whose output is the same", async () => {
    for (const osRelease of [OS_RELEASE.alma9, OS_RELEASE.rhel9]) {
      const r = await runOn("on-alma", { osRelease });
      expect(r.output).not.toContain("BAKE_ANY_SYSTEM");
      expect(r.code, r.output).toBe(0);
    }
  });

  it("a script for Rocky 9 stops on Rocky 8 and on Fedora", async () => {
    const fedora = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=42\nPRETTY_NAME="Fedora Linux 42"\n';
    for (const osRelease of [OS_RELEASE.rocky8, fedora]) {
      const r = await runOn("on-other-el", { osRelease });
      expect(r.code).not.toBe(0);
      expect(r.output).toContain("bake: FAILED in step 'system'");
    }
  });

  it("BAKE_ANY_SYSTEM=1 lets it run anyway, still naming both", async () => {
    const r = await runOn("any-system", { osRelease: OS_RELEASE.ubuntu2404, machine: "aarch64" }, "BAKE_ANY_SYSTEM=1");
    expect(r.output).toContain("bake: for rhel 9 x86_64, not Ubuntu 24.04.1 LTS aarch64; BAKE_ANY_SYSTEM=1 goes on");
    expect(r.code, r.output).toBe(0);
  });
});

// The verify check that pulls the sandbox image through the CRI (hosts.toml
// applies): the crictl stub stands in for a registry and its mirrors, which
// are unreachable here; a VM test exercises real pulls.
describe.skipIf(!available)("the Packer script's pull check in a sandbox", () => {
  const mirrored: SpecInput = {
    distro: "rocky9",
    containerd: {
      registries: {
        "registry.k8s.io": {
          mirrors: [{ url: "https://registry.aliyuncs.com/v2/google_containers", overridePath: true }],
        },
      },
    },
    crictl: { install: "release" },
  };
  const image = "registry.k8s.io/pause:3.10.1";
  // bake_retry waits 5, 10 and 15 s between tries; the stub makes the failing case quick.
  const noWait = { sleep: "exit 0" };

  it("pulls the sandbox image, as one argument, when its registry has mirrors", async () => {
    const p = forSandbox(mirrored)!;
    const box = await provision("pull-ok", p, noWait);
    const r = await box.again();
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`bake: ok   - ${image} pulls through the mirrors of registry.k8s.io (crictl pull)`);
    expect(stubCalls(box.upper).filter((c) => c[0] === "crictl" && c[1] === "pull")).toEqual([
      ["crictl", "pull", image],
    ]);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("a mirror that cannot serve the image fails the build at verify, naming the image and the registry", async () => {
    const p = forSandbox(mirrored)!;
    const box = await provision("pull-fails", p, noWait);
    writeFileSync(join(box.layer, "stub-data/pull-fails"), "");
    const r = await box.again();
    expect(r.code, r.output).not.toBe(0);
    expect(r.output).toContain(`bake: FAIL - ${image} pulls through the mirrors of registry.k8s.io (crictl pull)`);
    expect(r.output).toContain(`pulling image: ${image}: not found`);
    expect(r.output).toContain("bake: 1 check(s) failed");
    expect(r.output).not.toContain("bake: all steps passed");
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("containerd.verifyPull: never leaves the pull out (images pre-loaded on an air-gapped build)", async () => {
    const p = forSandbox({ ...mirrored, containerd: { ...mirrored.containerd, verifyPull: "never" } })!;
    const box = await provision("pull-never", p, noWait);
    writeFileSync(join(box.layer, "stub-data/pull-fails"), "");
    const r = await box.again();
    expect(r.code, r.output).toBe(0);
    expect(stubCalls(box.upper).some((c) => c[0] === "crictl" && c[1] === "pull")).toBe(false);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });
});

// Details of real images, each against a stub that behaves like that image.
describe.skipIf(!available)("the Packer script in a sandbox on real-image details", () => {
  it("a config dump still running when verify starts is waited for, not started a second time", async () => {
    const p = forSandbox({ distro: "rocky9" })!;
    // Slower than the steps between check-containerd and verify: verify asks while it runs.
    const box = await provision("slow-dump", p, {
      containerd: `case "$1" in
  --version) echo "containerd containerd.io 2.0.99 0123abcd" ;;
  config) sleep 3; cat /etc/containerd/config.toml ;;
esac`,
    });
    const result = await box.again();
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("bake: ok   - containerd runs with config_path = ");
    const dumps = stubCalls(box.upper).filter((c) => c[0] === "containerd" && c[1] === "config");
    expect(dumps, "containerd config dump calls").toHaveLength(1);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("a kernel module that does not load fails the run as kernel-modules, with modprobe's words, and containerd is not started", async () => {
    const p = forSandbox({ distro: "debian13" })!;
    const box = await provision("module-missing", p, {
      modprobe: `echo "modprobe: FATAL: Module br_netfilter not found in directory /lib/modules/6.12" >&2; exit 1`,
    });
    const result = await box.again();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("modprobe: FATAL: Module br_netfilter not found in directory /lib/modules/6.12");
    expect(result.output).toContain("bake: FAILED in step 'kernel-modules'");
    expect(readFileSync(join(box.upper, "var/lib/bake/status"), "utf8")).toBe("failed kernel-modules\n");
    expect(stubCalls(box.upper).filter((c) => c[0] === "systemctl" && c[1] === "restart")).toEqual([]);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  const planOf = (input: SpecInput) => forSandbox(input)!;
  const callsOf = (upper: string, command: string) =>
    stubCalls(upper)
      .filter((c) => c[0] === command)
      .map((c) => c.slice(1));

  it("with SELinux on, relabels /etc/containerd after the install and adds a rule only for the moved state", async () => {
    const box = await provision(
      "selinux",
      planOf({ distro: "rocky9", containerd: { state: "/data/containerd/state" } }),
      { selinuxenabled: "exit 0" },
    );
    const r = await box.again();
    expect(r.code, r.output).toBe(0);
    const calls = stubCalls(box.upper).map((c) => c.join(" "));
    const install = calls.findIndex((c) => c.startsWith("dnf ") && c.includes("containerd.io"));
    expect(calls.indexOf("restorecon -R /etc/containerd")).toBeGreaterThan(install);
    expect(calls.filter((c) => c.startsWith("semanage "))).toEqual([
      "semanage fcontext -a -e /run/containerd /data/containerd/state",
    ]);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("on a minimal image without tar, installs tar (and nothing else) before crictl needs it; a second run installs nothing", async () => {
    // Stand-in for a Rocky minimal image: a whiteout hides the host's tar; the dnf stub "installs" it back.
    const box = await provision("no-tar", planOf({ distro: "rocky9" }), {
      dnf: 'for a in "$@"; do if [ "$a" = tar ]; then install -m 0755 /stub-data/tar /usr/bin/tar; fi; done',
    });
    mkdirSync(join(box.layer, "usr/bin"), { recursive: true });
    execFileSync("mknod", [join(box.layer, "usr/bin/tar"), "c", "0", "0"]);
    execFileSync("install", ["-D", "-m", "0755", "/usr/bin/tar", join(box.layer, "stub-data/tar")]);
    const first = await box.again();
    expect(first.code, first.output).toBe(0);
    const toolInstalls = () =>
      callsOf(box.upper, "dnf").filter((a) => a.includes("install") && !a.some((x) => x.startsWith("containerd.io")));
    expect(toolInstalls()).toEqual([["-y", "-q", "install", "--allowerasing", "tar"]]);
    const second = await box.again();
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain("bake: all present");
    expect(toolInstalls()).toHaveLength(1);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  // Stand-ins for a node where the package manager's installs stick: dnf/apt-get record
  // what they installed, rpm/dpkg-query answer from that record (containerd at the
  // version the containerd stub reports), so a second run sees a provisioned node.
  // dpkg-query -W -f=<format> <name>...: a line or value per installed name (test
  // \`installed\`), held as /stub/holds says; exit 1 when any name is not installed.
  const dpkgQuery = (installed: string) => `installed() { ${installed}; }
rc=0
for name in "\${@:3}"; do
  if ! installed "$name"; then rc=1; continue; fi
  case "$2" in
    *Status-Want*) if grep -qxF "$name" /stub/holds 2>/dev/null; then printf 'hold installed'; else printf 'install installed'; fi ;;
    *Package*) printf 'installed %s=1.7.99-1\\n' "$name" ;;
    *) printf installed ;;
  esac
done
exit $rc`;
  const REMEMBERING = {
    el: {
      dnf: 'if [[ " $* " == *" install "* ]]; then for a in "$@"; do case "$a" in -*|install) ;; *) echo "${a%%-[0-9]*}" >> /stub/installed ;; esac; done; fi',
      rpm: rpmQuery('grep -qxF "$1" /stub/installed 2>/dev/null'),
    },
    debian: {
      "apt-get":
        'if [[ " $* " == *" install "* ]]; then for a in "$@"; do case "$a" in -*|install|Dpkg::*) ;; containerd=*) printf "containerd\\nrunc\\n" >> /stub/installed ;; *) echo "${a%%=*}" >> /stub/installed ;; esac; done; fi',
      // apt installs runc with containerd, which depends on it. Held, as bake holds containerd on Debian: dpkg's want state is then "hold", not "install"
      "dpkg-query": dpkgQuery('grep -qxF "$1" /stub/installed 2>/dev/null'),
    },
  };

  it.each([
    ["rocky9", "el", "dnf"],
    ["debian13", "debian", "apt-get"],
  ] as const)(
    "%s: a second run installs nothing, refreshes no package index, downloads nothing, and prints every step's time",
    async (distro, family, manager) => {
      const p = planOf({ distro });
      const box = await provision(`rerun-${distro}`, p, REMEMBERING[family]);
      const first = await box.again();
      expect(first.code, first.output).toBe(0);
      expect(callsOf(box.upper, manager).length).toBeGreaterThan(0);
      expect(callsOf(box.upper, "curl").length).toBeGreaterThan(0);
      // One Go program: config dump, beside the version check (the package database's), and verify reads what it printed.
      expect(callsOf(box.upper, "containerd").map((a) => a.join(" "))).toEqual(["config dump"]);
      const before = stubCalls(box.upper).length;
      const second = await box.again();
      expect(second.code, second.output).toBe(0);
      const network = stubCalls(box.upper)
        .slice(before)
        .filter((c) => ["dnf", "apt-get", "curl"].includes(c[0]!));
      expect(network, "package manager or download calls on the second run").toEqual([]);
      // Each is a process start (seconds under emulation) that a provisioned node does not need.
      const needless = stubCalls(box.upper)
        .slice(before)
        .filter((c) => ["modprobe", "apt-mark", "dpkg", "containerd", "ctr"].includes(c[0]!));
      expect(
        needless,
        "modprobe of loaded modules, a hold set again, a wait for a running containerd, containerd's version or config dump again",
      ).toEqual([]);
      expect(second.output).toContain("bake: already installed:");
      expect(second.output).toContain("bake: /usr/local/bin/crictl is from this tarball; not downloading");
      for (const step of ["write-files", ...p.steps.map((s) => s.id)])
        expect(second.output).toMatch(new RegExp(`^bake: ${step} took \\d+ ms$`, "m"));
      rmSync(join(box.upper, ".."), { recursive: true, force: true });
    },
  );

  it("debian13: an installed podman is removed in containerd's own apt transaction; a second run calls apt-get not at all", async () => {
    const p = forSandbox({ distro: "debian13" })!;
    const box = await provision("remove-with-install", p, {
      // podman is installed until an apt-get call removes it; buildah is not installed.
      "dpkg-query": dpkgQuery(
        'if [ "$1" = podman ]; then [ ! -e /stub/podman-removed ]; else grep -qxF "$1" /stub/installed 2>/dev/null; fi',
      ),
      "apt-get": `case " $* " in *" podman- "*) touch /stub/podman-removed ;; esac\n${REMEMBERING.debian["apt-get"]}`,
    });
    const first = await box.again();
    expect(first.code, first.output).toBe(0);
    expect(first.output).not.toMatch(/\] remove-packages:/);
    const aptCalls = () => stubCalls(box.upper).filter((c) => c[0] === "apt-get" && c[1] !== "-q");
    const [install, ...others] = aptCalls();
    expect(install).toContain("install");
    expect(install).toContain("containerd=1.7.*");
    expect(install).toContain("podman-");
    expect(install, "buildah is not installed: apt is not asked to remove it").not.toContain("buildah-");
    expect(others).toEqual([]);
    expect(first.output).toContain("bake: ok   - packages podman, buildah are not installed");

    const before = aptCalls().length;
    const second = await box.again();
    expect(second.code, second.output).toBe(0);
    expect(aptCalls().length).toBe(before);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it.each([
    ["rocky9", { rpm: rpmQuery('[ "$1" = podman ]') }, "podman-2.0.99-1.el9.x86_64"],
    // containerd and its runc too, held as the install step holds them.
    [
      "debian13",
      { "dpkg-query": dpkgQuery('[ "$1" = podman ] || [ "$1" = containerd ] || [ "$1" = runc ]') },
      "installed podman=",
    ],
  ] as const)(
    "%s: a removed package that is still installed fails verify, one query naming it",
    async (distro, overrides, named) => {
      const box = await provision(`still-installed-${distro}`, planOf({ distro }), overrides);
      const r = await box.again();
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(named);
      expect(r.output).toContain("bake: FAIL - packages podman, buildah are not installed");
      expect(r.output).toContain("bake: 1 check(s) failed");
      // verify's one query for both
      const query =
        distro === "rocky9"
          ? ["rpm", "-q", "podman", "buildah"]
          : ["dpkg-query", "-W", "-f=${db:Status-Status} ${Package}\\n", "podman", "buildah"];
      expect(stubCalls(box.upper).filter((c) => c.join(" ") === query.join(" "))).toHaveLength(1);
      rmSync(join(box.upper, ".."), { recursive: true, force: true });
    },
  );

  it("on cgroup v1 (EL8), sets the kernel argument, exits 75 naming the Packer settings, and passes after the reboot", async () => {
    const box = await provision("cgroup-v1", planOf({ distro: "rocky8" }));
    cgroupV2(box.layer, false);
    const first = await box.again();
    expect(first.code, first.output).toBe(75);
    expect(first.output).toContain("bake: ok   - cgroup v2 is mounted, or set for the next boot");
    expect(first.output).toContain("bake: reboot pending for cgroup v2");
    expect(first.output).toContain("valid_exit_codes = [0, 75]");
    expect(first.output).toContain("expect_disconnect = true");
    expect(callsOf(box.upper, "grubby")).toEqual([
      ["--update-kernel=ALL", "--args=systemd.unified_cgroup_hierarchy=1"],
    ]);
    expect(readFileSync(join(box.upper, "var/lib/bake/status"), "utf8")).toBe("reboot-pending\n");
    expect(existsSync(join(box.upper, "var/lib/bake/reboot-required"))).toBe(true);

    // The reboot: the kernel now mounts cgroup v2.
    cgroupV2(box.layer, true);
    const second = await box.again();
    expect(second.code, second.output).toBe(0);
    expect(callsOf(box.upper, "grubby")).toHaveLength(1);
    expect(readFileSync(join(box.upper, "var/lib/bake/status"), "utf8")).toBe("ok\n");
    expect(existsSync(join(box.upper, "var/lib/bake/reboot-required"))).toBe(false);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("on cgroup v1, the cloud-init provisioner ends 0 with the marker that power_state's condition tests", async () => {
    const p = planOf({ distro: "alma8" });
    const box = await provision("cgroup-v1-cloud-init", p);
    cgroupV2(box.layer, false);
    // What write_files would have placed, and the provisioner without embedded files.
    for (const f of p.files) {
      mkdirSync(join(box.layer, f.path, ".."), { recursive: true });
      writeFileSync(join(box.layer, f.path), f.content, { mode: parseInt(f.mode, 8) });
    }
    writeFileSync(join(box.layer, "bake-provision.sh"), renderProvisionScript(p, false));
    const r = await box.again();
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("cloud-init reboots for cgroup v2");
    expect(existsSync(join(box.upper, p.reboot!.marker))).toBe(true);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("a run started while another holds /run/bake.lock says it waits, waits for it, then runs", async () => {
    const box = await provision("lock", planOf({ distro: "rocky9" }));
    // another bake run (cloud-init's resumed one, say) that holds the lock for 2 s
    const r = await box.run(
      "flock /run/bake.lock sh -c 'echo held; /usr/bin/sleep 2; echo released' & /usr/bin/sleep 0.5; /bin/bash /bake-provision.sh; wait",
    );
    expect(r.code, r.output).toBe(0);
    const order = ["held", "bake: waiting for another run", "released", "bake: [1/"].map((l) => r.output.indexOf(l));
    expect(
      order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
      r.output,
    ).toBe(true);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("with kernel.cgroup: any, leaves a cgroup v1 node alone", async () => {
    const box = await provision("cgroup-any", planOf({ distro: "rocky8", kernel: { cgroup: "any" } }));
    cgroupV2(box.layer, false);
    const r = await box.again();
    expect(r.code, r.output).toBe(0);
    expect(callsOf(box.upper, "grubby")).toEqual([]);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("where no switch is planned (rocky9), a node without cgroup v2 fails verify, naming it", async () => {
    const box = await provision("cgroup-v1-rocky9", planOf({ distro: "rocky9" }));
    cgroupV2(box.layer, false);
    const r = await box.again();
    expect(r.code, r.output).not.toBe(0);
    expect(r.output).toContain("bake: FAIL - cgroup v2 is mounted");
    expect(r.output).toContain("bake: 1 check(s) failed");
    expect(callsOf(box.upper, "grubby")).toEqual([]);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("on EL, sudo crictl finds the release binary through sudo's secure_path", async () => {
    const box = await provision("sudo-crictl", planOf({ distro: "rocky8" }));
    const r = await box.again();
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("bake: ok   - sudo finds crictl");
    expect(readlinkSync(join(box.upper, "usr/bin/crictl"))).toBe("/usr/local/bin/crictl");
    expect(callsOf(box.upper, "sudo")).toContainEqual(["-n", "-l", "crictl"]);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  it("when sudo does not find crictl, verify fails, naming the check", async () => {
    const box = await provision("sudo-misses", planOf({ distro: "rocky9" }), { sudo: "exit 1" });
    const r = await box.again();
    expect(r.code, r.output).not.toBe(0);
    // every step before verify ran; only the check fails
    expect(r.output).toContain("bake: install-crictl took");
    expect(r.output).toContain("bake: FAIL - sudo finds crictl");
    expect(r.output).toContain("bake: 1 check(s) failed");
    expect(r.output).toContain("bake: FAILED in step 'verify'");
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });

  // sudo would run /usr/bin/crictl: bake replaces only its own link to its binary.
  it.each([
    ["a file of its own", (bin: string) => writeFileSync(bin, "#!/bin/sh\necho another crictl\n")],
    ["a link to another crictl", (bin: string) => symlinkSync("/opt/crictl", bin)],
  ])("an existing /usr/bin/crictl that is %s fails install-crictl and stays", async (_what, make) => {
    const box = await provision("usr-bin-crictl", planOf({ distro: "rocky9" }));
    mkdirSync(join(box.layer, "usr/bin"), { recursive: true });
    make(join(box.layer, "usr/bin/crictl"));
    const r = await box.again();
    expect(r.code, r.output).not.toBe(0);
    expect(r.output).toContain(
      "bake: /usr/bin/crictl is not bake's link to /usr/local/bin/crictl, and sudo would run it; remove it",
    );
    expect(r.output).toContain("bake: FAILED in step 'install-crictl'");
    expect(existsSync(join(box.upper, "usr/bin/crictl"))).toBe(false);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });
});
