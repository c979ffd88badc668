// bake's apt functions (bake_apt_source, bake_retry, bake_apt_mark) run against the host's
// REAL apt-get, dpkg and gpg (Debian's, as on a node), in a private root: APT_CONFIG points
// apt at it, DPKG_ADMINDIR points dpkg at its database. The repositories are flat repos that
// the test signs with keys it makes; curl fetches their keys from files or from a loopback
// HTTP server. Nothing reaches the network. Locks are held the way apt and dpkg hold them:
// with fcntl (Python's lockf); flock(1)'s BSD lock would not block them.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { shellFiles } from "../src/render/generated/templates.js";

// Its tools come from the fast suite's setup (scripts/suite-tools.mjs); only a non-root run skips.
const available = process.platform === "linux" && process.getuid?.() === 0;

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

describe.skipIf(!available)("apt keys, sources and locks with the real apt and dpkg (a private root)", () => {
  let dir: string;
  let root: string;
  let server: Server;
  let port: number;
  const fingerprint: Record<"a" | "b" | "c", string> = { a: "", b: "", c: "" };
  const gpg = (...args: string[]) =>
    execFileSync("gpg", ["--batch", "--quiet", "--homedir", join(dir, "gnupg"), ...args], { encoding: "utf8" });

  beforeAll(async () => {
    dir = mkdtempSync("/tmp/bake-apt-real-");
    chmodSync(dir, 0o755);
    root = join(dir, "root");
    for (const d of [
      "etc/apt/sources.list.d",
      "etc/apt/apt.conf.d",
      "etc/apt/preferences.d",
      "etc/apt/keyrings",
      "var/lib/apt/lists/partial",
      "var/cache/apt/archives/partial",
      "var/lib/dpkg/updates",
      "var/lib/dpkg/info",
      "state",
      "gnupg",
      "repo",
      "unsigned",
      "renewed",
    ])
      mkdirSync(join(d.startsWith("etc") || d.startsWith("var") ? root : dir, d), { recursive: true });
    chmodSync(join(dir, "gnupg"), 0o700);
    writeFileSync(
      join(root, "var/lib/dpkg/status"),
      "Package: bake-probe\nStatus: install ok installed\nMaintainer: bake <bake@example.invalid>\nArchitecture: all\nVersion: 1.0\nDescription: a package in the private root's dpkg database\n",
    );
    writeFileSync(join(root, "var/lib/dpkg/available"), "");
    writeFileSync(
      join(dir, "apt.conf"),
      `Dir "${root}/";\nDir::State::status "${root}/var/lib/dpkg/status";\nAPT::Sandbox::User "root";\n`,
    );
    for (const [name, who] of [
      ["a", "repository key <a@example.invalid>"],
      ["b", "another key <b@example.invalid>"],
    ] as const) {
      // made an hour ago, as a real repository's key is older than its signatures (sqv, apt 3's
      // verifier, finds no binding signature for a signature made in the key's own second)
      const hourAgo = `${Math.floor(Date.now() / 1000) - 3600}`;
      gpg("--faked-system-time", hourAgo, "--passphrase", "", "--quick-gen-key", who, "ed25519", "sign", "1y");
      fingerprint[name] = /^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--list-keys", who))![1]!;
      writeFileSync(join(dir, `key-${name}.asc`), gpg("--armor", "--export", who));
    }
    // A flat repo signed by key a (InRelease), and one with no signature at all.
    for (const repo of ["repo", "unsigned"]) {
      writeFileSync(join(dir, repo, "Packages"), "");
      writeFileSync(
        join(dir, repo, "Release"),
        `Origin: bake test\nSuite: stable\nDate: ${new Date().toUTCString()}\nSHA256:\n ${sha("")} 0 Packages\n`,
      );
    }
    gpg("--local-user", fingerprint.a, "--clearsign", "-o", join(dir, "repo/InRelease"), join(dir, "repo/Release"));
    // What pkgs.k8s.io's key went through in November 2024 (kubernetes/release#3818): key c was made three
    // days ago with a one-day expiry; key-c-expired.asc is the copy a node fetched then. An hour ago its
    // publisher extended the expiry (a new self-signature, same fingerprint): key-c.asc is the copy its
    // URL serves now, and the repository is signed now, as a publisher re-signs it. gpgv (apt 2) refuses
    // the expired copy because the key has expired; sqv (apt 3) because it had when the signature was made.
    const day = 86400;
    const now = Math.floor(Date.now() / 1000);
    const at = (seconds: number) => ["--faked-system-time", `${seconds}`];
    gpg(
      ...at(now - 3 * day),
      "--passphrase",
      "",
      "--quick-gen-key",
      "renewed key <c@example.invalid>",
      "ed25519",
      "sign",
      "1d",
    );
    fingerprint.c = /^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--list-keys", "c@example.invalid"))![1]!;
    writeFileSync(join(dir, "key-c-expired.asc"), gpg("--armor", "--export", fingerprint.c));
    gpg(...at(now - 3600), "--quick-set-expire", fingerprint.c, "2y");
    writeFileSync(join(dir, "key-c.asc"), gpg("--armor", "--export", fingerprint.c));
    writeFileSync(join(dir, "renewed/Packages"), "");
    writeFileSync(
      join(dir, "renewed/Release"),
      `Origin: bake test\nSuite: stable\nDate: ${new Date().toUTCString()}\nSHA256:\n ${sha("")} 0 Packages\n`,
    );
    gpg(
      "--local-user",
      fingerprint.c,
      "--clearsign",
      "-o",
      join(dir, "renewed/InRelease"),
      join(dir, "renewed/Release"),
    );
    execFileSync("chmod", ["-R", "a+rX", dir]);
    // Every path answers 404: a key URL that is gone.
    server = createServer((_, res) => res.writeHead(404).end("not here\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // A test that fails midway leaves no source of the renewed repository for the next one's apt-get update.
  afterEach(() => rmSync(join(root, "etc/apt/sources.list.d/renewed.sources"), { force: true }));

  /** Runs bake's apt functions in bash, as the provisioner does (set -Eeuo pipefail). */
  const bake = (script: string) =>
    new Promise<{ code: number; output: string; seconds: number }>((resolve) => {
      const start = Date.now();
      const library = shellFiles["emit/run.sh"]! + shellFiles["capabilities/packages/debian.sh"]!;
      const child = spawn(
        "bash",
        [
          "-c",
          `set -Eeuo pipefail\nBAKE_STATE=${dir}/state\nbake_quiet() { "$@" >/dev/null 2>&1; }\n${library}\n${script}`,
        ],
        {
          env: {
            PATH: process.env.PATH,
            LC_ALL: "C",
            APT_CONFIG: join(dir, "apt.conf"),
            DPKG_ADMINDIR: join(root, "var/lib/dpkg"),
          },
        },
      );
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("close", (code) => resolve({ code: code ?? -1, output, seconds: (Date.now() - start) / 1000 }));
    });

  /** Holds `file` locked with fcntl, as apt and dpkg lock it, for `seconds`. */
  const holdLock = (file: string, seconds: number) =>
    new Promise<{ released: Promise<void> }>((resolve) => {
      const holder = spawn("python3", [
        "-c",
        "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('held',flush=True)\ntime.sleep(float(sys.argv[2]))",
        file,
        String(seconds),
      ]);
      const released = new Promise<void>((done) => holder.on("close", () => done()));
      holder.stdout.once("data", () => resolve({ released }));
    });

  /** A failure a retry cannot fix: no retry, its cause named, within seconds rather than 30 s of retries. */
  const failedAtOnce = (r: { code: number; output: string; seconds: number }, cause: RegExp) => {
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(new RegExp(`bake: not retrying: .*(${cause.source})`));
    expect(r.output).not.toContain("retry 1/3");
    expect(r.seconds).toBeLessThan(5);
  };

  const keyring = (repo = "repo") => join(root, `etc/apt/keyrings/${repo}.asc`);
  const staged = (fpr: string, repo = "repo") => {
    const path = join(dir, `state/${repo}.sources`);
    writeFileSync(
      path,
      `# Written by bake: test repository.\nTypes: deb\nURIs: file:${dir}/${repo}\nSuites: ./\nSigned-By: ${keyring(repo)} ${fpr}\n`,
    );
    return path;
  };
  const installed = (repo = "repo") => join(root, `etc/apt/sources.list.d/${repo}.sources`);
  const applySource = (keyUrl: string, fpr = fingerprint.a, repo = "repo") =>
    bake(`bake_apt_source ${keyUrl} ${keyring(repo)} - ${staged(fpr, repo)} ${installed(repo)}`);
  /** What an earlier run left of the renewed repository: its source in place and the key copy it fetched then. */
  const earlierRun = (keyCopy: string) => {
    writeFileSync(installed("renewed"), readFileSync(staged(fingerprint.c, "renewed")));
    writeFileSync(keyring("renewed"), readFileSync(join(dir, keyCopy)));
  };

  it("a repository its pinned key signed: the source goes in place; a re-signed key file (new expiry, new bytes, same fingerprint) is still taken", async () => {
    const first = await applySource(`file://${dir}/key-a.asc`);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(`bake: wrote ${installed()}`);
    expect(readFileSync(installed(), "utf8")).toBe(readFileSync(join(dir, "state/repo.sources"), "utf8"));
    const second = await applySource(`file://${dir}/key-a.asc`);
    expect(second.output).toContain(`bake: ${installed()} is in place`);

    // What pkgs.k8s.io does to extend its key's expiry (kubernetes/release#3818): a sha256 pin breaks, the fingerprint holds.
    // dated half an hour ago, between the key's making and the repository's signature: sqv (apt 3) checks a
    // signature against the self-signature of its time, and gpg's export keeps only the newest one
    gpg("--faked-system-time", `${Math.floor(Date.now() / 1000) - 1800}`, "--quick-set-expire", fingerprint.a, "2y");
    writeFileSync(join(dir, "key-a-resigned.asc"), gpg("--armor", "--export", fingerprint.a));
    expect(sha(readFileSync(join(dir, "key-a-resigned.asc")))).not.toBe(sha(readFileSync(join(dir, "key-a.asc"))));
    rmSync(installed());
    const resigned = await applySource(`file://${dir}/key-a-resigned.asc`);
    expect(resigned.code, resigned.output).toBe(0);
    expect(existsSync(installed())).toBe(true);
  });

  it("a re-run whose key apt still verifies keeps it: no key download (its URL may be down), the source stays", async () => {
    expect((await applySource(`file://${dir}/key-a.asc`)).code).toBe(0);
    const key = readFileSync(keyring(), "utf8");
    const again = await applySource(`http://127.0.0.1:${port}/Release.key`);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(`bake: ${installed()} is in place`);
    expect(readFileSync(keyring(), "utf8")).toBe(key);
  });

  it("a re-run after the key expired and its publisher extended it: bake fetches the key again and apt reads the repository", async () => {
    earlierRun("key-c-expired.asc");
    // the node as it stood: apt refuses the repository with the expired copy
    failedAtOnce(await bake("bake_retry apt-get -q update --error-on=any"), /EXPKEYSIG|Expired on/);
    const r = await applySource(`file://${dir}/key-c.asc`, fingerprint.c, "renewed");
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`fetching the key again`);
    expect(readFileSync(keyring("renewed"), "utf8")).toBe(readFileSync(join(dir, "key-c.asc"), "utf8"));
    const update = await bake("bake_retry apt-get -q update --error-on=any");
    expect(update.code, update.output).toBe(0);
  });

  it("a re-run whose key URL still serves the expired key, or now another key: fails at once naming apt's cause, and bake's source is taken out", async () => {
    for (const served of ["key-c-expired.asc", "key-b.asc"]) {
      earlierRun("key-c-expired.asc");
      const r = await applySource(`file://${dir}/${served}`, fingerprint.c, "renewed");
      failedAtOnce(r, /EXPKEYSIG|Expired on|NO_PUBKEY|Missing key/);
      expect(r.output).toContain(`bake: removed ${installed("renewed")}: its key did not verify`);
      expect(existsSync(installed("renewed"))).toBe(false);
    }
  });

  it("a key with another fingerprint: apt refuses the repository, the step fails at once with apt's cause, and bake's source from before is taken out", async () => {
    writeFileSync(installed(), "# Written by bake: the source of an earlier run.\n");
    const r = await applySource(`file://${dir}/key-b.asc`);
    failedAtOnce(r, /is not signed|No good signature|NO_PUBKEY|GOODSIG|Missing key/);
    expect(existsSync(installed()), "a source whose key did not verify was left for apt").toBe(false);
    expect(r.output).toContain(`bake: removed ${installed()}: its key did not verify`);
  });

  it("a key URL that answers 404: fails at once, no source; a source that is not bake's is left alone", async () => {
    writeFileSync(installed(), "Types: deb\n# the user's own\n");
    failedAtOnce(await applySource(`http://127.0.0.1:${port}/Release.key`), /404/);
    expect(readFileSync(installed(), "utf8")).toBe("Types: deb\n# the user's own\n");
    rmSync(installed());
  });

  it("an unsigned repository: apt-get update fails at once with its cause, not after 30 s of retries", async () => {
    writeFileSync(
      join(root, "etc/apt/sources.list.d/unsigned.sources"),
      `Types: deb\nURIs: file:${dir}/unsigned\nSuites: ./\nSigned-By: ${join(dir, "key-a.asc")}\n`,
    );
    const r = await bake("bake_retry apt-get -q update");
    rmSync(join(root, "etc/apt/sources.list.d/unsigned.sources"));
    failedAtOnce(r, /is not signed/);
  });

  it("apt-get update waits for the lists lock another process holds, as a lock (up to 600 s), not as a network retry", async () => {
    const lock = await holdLock(join(root, "var/lib/apt/lists/lock"), 4);
    const r = await bake("bake_retry apt-get -q update");
    await lock.released;
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("Could not get lock");
    expect(r.output).not.toContain("retry 1/3");
    expect(r.seconds).toBeGreaterThan(2);
  });

  it("the hold (dpkg --set-selections) waits for dpkg's frontend lock instead of exiting 2", async () => {
    const lock = await holdLock(join(root, "var/lib/dpkg/lock-frontend"), 3);
    const r = await bake("bake_apt_mark hold bake-probe && bake_apt_held bake-probe && echo held");
    await lock.released;
    expect(r.code, r.output).toBe(0);
    // dpkg 1.21 (bookworm) says "by another process", 1.23 (forky) names the process
    expect(r.output).toMatch(/dpkg frontend lock was locked by (another|\/\S+) process/);
    expect(r.output).toContain("bake: hold: bake-probe\nheld\n");
  });
});
