// What the VM suite's STAND-IN apt repositories share (lib/kube-repo.ts for pkgs.k8s.io,
// lib/docker-repo.ts for docker's): building a .deb with dpkg-deb, the Packages index, a
// Release file signed with a key made for the run, and a server on the host's loopback that
// the guest reaches as 10.0.2.2 and that logs every request.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { dirname, join, relative } from "node:path";
import { run } from "./exec.js";

export const sha = (algo: string, b: Buffer) => createHash(algo).update(b).digest("hex");

export interface Package {
  name: string;
  version: string;
  depends?: string;
  description: string;
  files: Record<string, { content: Buffer | string; mode: number }>;
}

/** Builds `p` with dpkg-deb into `out` (a package named and versioned as the upstream one it stands in for). */
export async function buildDeb(dir: string, out: string, p: Package, by: string): Promise<string> {
  const root = join(dir, `${p.name}-root`);
  await mkdir(join(root, "DEBIAN"), { recursive: true });
  await writeFile(
    join(root, "DEBIAN", "control"),
    `Package: ${p.name}\nVersion: ${p.version}\nArchitecture: amd64\nMaintainer: bake VM test harness <bake-vm@example.invalid>\n` +
      `${p.depends ? `Depends: ${p.depends}\n` : ""}Section: admin\nPriority: optional\n` +
      `Description: ${p.description}\n Built by bake's VM test harness (${by}) with dpkg-deb,\n named and versioned as the upstream package. Not an upstream package.\n`,
  );
  for (const [path, f] of Object.entries(p.files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), f.content);
    await chmod(join(root, path), f.mode);
  }
  const deb = join(out, `${p.name}_${p.version}_amd64.deb`);
  await run("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", root, deb]);
  return deb;
}

/** The Packages index of `debs`, each Filename relative to `archiveRoot` as apt resolves it. */
export async function packagesIndex(debs: string[], archiveRoot: string): Promise<Buffer> {
  const stanzas: string[] = [];
  for (const deb of [...debs].sort()) {
    const bytes = await readFile(deb);
    const control = (await run("dpkg-deb", ["-f", deb])).stdout.trimEnd();
    const filename = relative(archiveRoot, deb);
    stanzas.push(
      `${control}\nFilename: ${filename.includes("/") ? filename : `./${filename}`}\nSize: ${bytes.length}\nMD5sum: ${sha("md5", bytes)}\nSHA256: ${sha("sha256", bytes)}\n`,
    );
  }
  return Buffer.from(stanzas.join("\n"));
}

/**
 * Writes `releaseDir`/Release listing `indexes` (paths relative to it), signs it as InRelease and
 * Release.gpg with an ed25519 key made for this run (it passes apt's sqv policy on trixie), and
 * exports the public key, armored, to `keyFile`. Returns the key file's sha256.
 */
export async function signRelease(opts: {
  work: string;
  releaseDir: string;
  indexes: Record<string, Buffer>;
  label: string;
  fields?: string;
  keyFile: string;
}): Promise<string> {
  const { work, releaseDir, indexes, label, keyFile } = opts;
  for (const [path, body] of Object.entries(indexes)) {
    await mkdir(dirname(join(releaseDir, path)), { recursive: true });
    await writeFile(join(releaseDir, path), body);
  }
  const list = (algo: string) =>
    Object.entries(indexes)
      .map(([path, body]) => ` ${sha(algo, body)} ${body.length} ${path}\n`)
      .join("");
  const date = new Date(Date.now() - 120_000).toUTCString().replace("GMT", "UTC");
  await writeFile(
    join(releaseDir, "Release"),
    `Origin: ${label}\nLabel: ${label}\n${opts.fields ?? ""}Architectures: amd64\nDate: ${date}\n` +
      `MD5Sum:\n${list("md5")}SHA256:\n${list("sha256")}`,
  );
  const gnupg = join(work, "gnupg");
  await mkdir(gnupg, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: gnupg };
  const gpg = (args: string[]) =>
    run("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", ...args], { env });
  try {
    await gpg(["--quick-gen-key", `${label} <bake-vm@example.invalid>`, "ed25519", "sign", "1d"]);
    await mkdir(dirname(keyFile), { recursive: true });
    await gpg(["--armor", "--output", keyFile, "--export"]);
    const release = join(releaseDir, "Release");
    await gpg(["--digest-algo", "SHA256", "--clearsign", "--output", join(releaseDir, "InRelease"), release]);
    await gpg(["--digest-algo", "SHA256", "--armor", "--detach-sign", "--output", `${release}.gpg`, release]);
  } finally {
    await run("gpgconf", ["--kill", "gpg-agent"], { env, check: false });
  }
  return sha("sha256", await readFile(keyFile));
}

/** A key file's OpenPGP fingerprint, as bake's gpgkeyFingerprint keys take it. */
export async function keyFingerprintOf(keyFile: string): Promise<string> {
  const listing = (await run("gpg", ["--batch", "--with-colons", "--show-keys", keyFile])).stdout;
  return /^fpr:+([0-9A-F]{40}):/m.exec(listing)![1]!;
}

export interface Served {
  /** http://127.0.0.1:<port> */
  port: number;
  /** "GET <path> -> <status>" per request */
  requests: string[];
  close(): Promise<void>;
}

/** Serves the files under `root` whose URL path starts with `prefix`; nothing else, no listing. */
export async function serveFiles(root: string, prefix: string): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = path.startsWith(prefix) ? path.slice(prefix.length) : "";
    let status = 404;
    if (/^([\w.+~-]+\/)*[\w.+~-]+$/.test(file) && !file.split("/").some((part) => /^\.+$/.test(part))) {
      const body = await readFile(join(root, file)).catch(() => undefined);
      if (body) {
        status = 200;
        res.writeHead(200, { "content-length": body.length });
        res.end(req.method === "HEAD" ? undefined : body);
      }
    }
    if (status === 404) res.writeHead(404).end();
    requests.push(`${req.method} ${path} -> ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
