// The strongest proof that no spec value runs as code: execute the generated
// Packer script, as root, in a throwaway root. The root is an overlay of the
// host's / (read-only lower layer, with stub commands on top) and an empty
// upper directory, so every file the script writes lands in the upper
// directory and nowhere else. Stubs stand in for dnf, apt-get, rpm,
// dpkg-query, systemctl, modprobe, sysctl, containerd, ctr, crictl, curl,
// semanage, restorecon and selinuxenabled: they log their argv and behave like
// a healthy node (modprobe makes /sys/module/<name>, sysctl keeps what -p
// loaded, `containerd config dump` prints the config.toml on disk, curl serves
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
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { plan, renderPackerScript, SpecError, validateSpec, type Plan, type SpecInput } from "../src/index.js";
import { MARKER, specWithField, specWithFields, FIELDS } from "./support/hostile.js";
import { BOXES, overlayRootAvailable, runInOverlayRoot } from "./support/overlay-root.js";

const CASES = Number(process.env.BAKE_SANDBOX_CASES ?? 30);

const available = overlayRootAvailable();

const LOG = `{ printf '%s' "\${0##*/}"; printf '\\0%s' "$@"; printf '\\0\\n'; } >> /stub/log`;

function stubs(containerdMajor: number): Record<string, string> {
  const ok = "exit 0";
  return {
    dnf: ok,
    "apt-get": ok,
    semanage: ok,
    restorecon: ok,
    crictl: ok,
    rpm: "exit 1 # nothing is installed",
    "dpkg-query": "exit 1 # nothing is installed",
    selinuxenabled: "exit 1 # SELinux is off",
    modprobe: `for m in "$@"; do [ "$m" = -a ] || mkdir -p "/sys/module/$m"; done`,
    sysctl: `case "$1" in
  -q) [ "$2" = -p ] || exit 2; grep -v -e '^#' -e '^$' "$3" >> /stub/sysctl ;;
  -n) awk -v k="$2" 'index($0, k " = ") == 1 { v = substr($0, length(k) + 4) } END { print v }' /stub/sysctl ;;
  *) exit 2 ;;
esac`,
    containerd: `case "$1" in
  --version) echo "containerd containerd.io ${containerdMajor}.0.99 0123abcd" ;;
  config) [ "$2" = dump ] && cat /etc/containerd/config.toml ;;
  *) exit 2 ;;
esac`,
    ctr: `if [ "$1" = plugins ]; then printf 'TYPE ID PLATFORMS STATUS\\nio.containerd.grpc.v1 cri linux/amd64 ok\\n'; fi`,
    systemctl: `if [ "$1" = show ]; then echo 1; fi`,
    curl: `out= url=
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2 ;; --connect-timeout) shift 2 ;; -*) shift ;; *) url=$1; shift ;; esac; done
case "$out" in */archive.tar.gz.bake-*) cp /stub-data/crictl.tar.gz "$out" ;; *) printf 'stub download\\n' > "$out" ;; esac`,
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
    else if (st.isFile()) out.set(rel, { sha: createHash("sha256").update(readFileSync(full)).digest("hex"), mode: st.mode & 0o7777, mtime: st.mtimeMs });
    else out.set(rel, { sha: st.isCharacterDevice() ? "whiteout (a host file was deleted)" : "not a regular file", mode: st.mode, mtime: 0 });
  }
  return out;
}

/** Argument lists each stub received, in order. */
function stubCalls(upper: string): string[][] {
  const log = join(upper, "stub/log");
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\0\n")
    .filter((r) => r !== "")
    .map((r) => r.split("\0"));
}

const sha = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

async function provision(name: string, p: Plan) {
  const dir = mkdtempSync(join(BOXES, `bake-sandbox-${name}-`));
  const layer = join(dir, "layer");
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  const mnt = join(dir, "mnt");
  for (const d of [layer, upper, work, mnt, join(layer, "usr/local/sbin"), join(layer, "stub-data")]) mkdirSync(d, { recursive: true });
  for (const [command, body] of Object.entries(stubs(p.configVersion === 2 ? 1 : 2))) {
    writeFileSync(join(layer, "usr/local/sbin", command), `#!/bin/bash\nmkdir -p /stub\n${LOG}\n${body}\n`);
    chmodSync(join(layer, "usr/local/sbin", command), 0o755);
  }
  writeFileSync(join(layer, "stub-data/crictl.tar.gz"), tarball);
  writeFileSync(join(layer, "bake-provision.sh"), renderPackerScript(p));
  const c = p.spec.containerd;
  const oomfile = join(dir, "oom_score_adj");
  writeFileSync(oomfile, `${c.oomScore !== 0 ? c.oomScore : c.service.oomScoreAdjust}\n`);
  return { upper, again: () => runInOverlayRoot({ layer, upper, work, mnt, oomfile }, "/bin/bash /bake-provision.sh") };
}

/** What the upper directory must hold after a successful run: the plan's files and bake's own few. */
function expectedFiles(p: Plan): Map<string, { sha: string; mode?: number }> {
  const out = new Map<string, { sha: string; mode?: number }>();
  for (const f of p.files) out.set(f.path, { sha: sha(f.content), mode: parseInt(f.mode, 8) });
  out.set("/var/lib/bake/status", { sha: sha("ok\n") });
  // What containerd was last (re)started with: config.toml and the unit drop-ins, in plan order.
  const startedWith = p.files.filter((f) => f.path === "/etc/containerd/config.toml" || f.path.startsWith("/etc/systemd/system/containerd.service.d/"));
  out.set("/var/lib/bake/containerd-config.sha256", { sha: sha(`${sha(startedWith.map((f) => f.content).join(""))}\n`) });
  if (p.spec.crictl.install === "release") out.set("/usr/local/bin/crictl", { sha: sha(CRICTL_BINARY), mode: 0o755 });
  if (p.distro.family === "debian" && p.spec.containerd.source === "docker") out.set("/etc/apt/keyrings/docker.asc", { sha: sha("stub download\n"), mode: 0o644 });
  return out;
}

// Bookkeeping that is not part of the node: the stubs' own state, the log, /sys/module dirs.
const ignored = (path: string) => path.startsWith("/stub/") || path === "/var/log/bake-provision.log";

/** Accepted specs with hostile values, made to install crictl from a "mirror" whose tarball the curl stub serves. */
function forSandbox(input: SpecInput): Plan | undefined {
  const spec = structuredClone(input);
  spec.crictl = { ...spec.crictl, install: "release", sha256: tarballSha, url: spec.crictl?.url || "https://mirror.example.com/crictl.tar.gz" };
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
    kernel: { modules: ["overlay", "br_netfilter"], sysctl: { "net.ipv4.ip_forward": "1 2", "kernel/pid_max": 4194304 } },
    packages: { install: ["a+b", "x.y-z_1"], repo: { baseurl: "https://m.example.com/$(touch$IFS/tmp/PWNED)/$basearch", gpgkey: "https://m.example.com/';touch$IFS/tmp/PWNED;'" } },
    containerd: {
      root: "/data/@+-._root",
      state: "/run/x-y",
      configPath: "/etc/containerd/certs@d",
      sandboxImage: "registry.local:5000/a__b/pause:3.10",
      registries: {
        "docker.io": { mirrors: ["https://m.example.com/';touch$IFS/tmp/PWNED;'", { url: "http://u:'p'@10.0.0.1:5000/&&touch$IFS/tmp/PWNED", capabilities: ["pull"], skipVerify: true }] },
        _default: { mirrors: ["https://[fd00::1]:5000/$(touch$IFS/tmp/PWNED)"] },
        "registry.local:5000": { server: "https://registry.local:5000/!!%n%%$HOME" },
      },
      proxy: { http: "http://u:pa$$@proxy.local:3128/;touch$IFS/tmp/PWNED", https: "https://proxy.local/%n%h'", noProxy: ["*.local", "10.0.0.0/8", "[::1]"] },
    },
    crictl: { url: "https://m.example.com/$(touch$IFS/tmp/PWNED).tgz", runtimeEndpoint: "unix:///run/a@b+c.sock", imageEndpoint: "tcp://[::1]:1234" },
  },
  {
    distro: "debian13",
    packages: { repo: { baseurl: "http://[fd00::1]/debian/$(touch$IFS/tmp/PWNED)", gpgkey: "https://m.example.com/'touch$IFS/tmp/PWNED'" } },
    containerd: { source: "docker", version: "1.7", oomScore: -999, proxy: { https: "http://p.local:3128/'$(touch$IFS/tmp/PWNED)'" } },
  },
];

describe.skipIf(!available)("the Packer script in a sandbox never runs a spec value", () => {
  const random = (() => {
    const any = fc.oneof(specWithFields, fc.constantFrom(...Object.keys(FIELDS)).chain((f) => specWithField(f)));
    const out: [string, Plan][] = [];
    for (const input of fc.sample(any, CASES * 20)) {
      const p = forSandbox(input);
      if (p) out.push([JSON.stringify(input), p]);
      if (out.length >= CASES) break;
    }
    return out;
  })();
  const cases: [string, Plan][] = [...HANDCRAFTED.map((s): [string, Plan] => [JSON.stringify(s), forSandbox(s)!]), ...random];

  it("has the cases it promises", () => {
    expect(HANDCRAFTED.every((s) => forSandbox(s) !== undefined), "every handcrafted hostile spec must pass validation").toBe(true);
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
    const actual = new Map([...written].filter(([path]) => !ignored(path)).map(([path, f]) => [path, expected.get(path)?.mode === undefined ? { sha: f.sha } : { sha: f.sha, mode: f.mode }]));
    expect(Object.fromEntries(actual), `${label}\n${first.output}`).toEqual(Object.fromEntries(expected));

    // Each value reached its command as one intact argument.
    const calls = stubCalls(box.upper);
    const argsOf = (command: string) => calls.filter((c) => c[0] === command).map((c) => c.slice(1));
    const curlUrls = argsOf("curl").map((a) => a[a.length - 1]);
    expect(curlUrls).toContain(p.spec.crictl.url);
    if (p.distro.family === "debian" && p.spec.containerd.source === "docker") expect(curlUrls).toContain(p.spec.packages.repo.gpgkey);
    if (p.spec.kernel.modules.length > 0) expect(argsOf("modprobe")).toContainEqual(["-a", ...p.spec.kernel.modules]);
    const installs = argsOf(p.distro.family === "el" ? "dnf" : "apt-get").filter((a) => a.includes("install"));
    for (const name of p.spec.packages.install) expect(installs.some((a) => a.includes(name)), name).toBe(true);

    // Run again: nothing changes, and bake rewrites none of its files.
    const second = await box.again();
    expect(second.code, second.output).toBe(0);
    const after = filesUnder(box.upper);
    for (const [path, f] of written) {
      if (ignored(path)) continue;
      expect(after.get(path)?.sha, `${path} changed on the second run`).toBe(f.sha);
      if (expected.get(path)?.mode !== undefined && path !== "/usr/local/bin/crictl" && path !== "/etc/apt/keyrings/docker.asc") {
        expect(after.get(path)?.mtime, `${path} was rewritten on the second run`).toBe(f.mtime);
      }
    }
    expect([...after.keys()].filter((k) => !ignored(k)).sort()).toEqual([...written.keys()].filter((k) => !ignored(k)).sort());
    expect(existsSync(join(box.upper, MARKER))).toBe(false);
    rmSync(join(box.upper, ".."), { recursive: true, force: true });
  });
});
