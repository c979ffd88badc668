// A STAND-IN for docker's Debian repository (download.docker.com/linux/debian, suite trixie,
// component stable), served on the host's loopback for the debian13 kubeadm-ready boot: with
// kubernetes on, bake installs docker's containerd.io 2.x on trixie, and docker's repository
// cannot be reached here. Its one package is Debian forky's containerd 2.1.9 .deb
// (scripts/debian-containerd.mjs keeps it in the tools cache) repackaged as containerd.io, with
// a version in docker's trixie scheme and a description that says it is a stand-in. Unlike
// docker's containerd.io, which bundles runc, it depends on Debian's runc, as forky's does.
// The repo is signed with a key made for the run, its public key served where docker's is
// (linux/debian/gpg).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debianContainerdDeb } from "../../../scripts/debian-containerd.mjs";
import { keyFingerprintOf, packagesIndex, serveFiles, signRelease } from "./apt-repo.js";
import { log, run } from "./exec.js";

/** containerd.io's version in the stand-in: forky's (2.1.9+ds1-5 -> 2.1.9) in docker's `<ver>-1~debian.13~trixie` scheme, marked. */
const standInVersion = (debianVersion: string) => `${debianVersion.split(/[+~-]/)[0]}-1~debian.13~trixie+bakestandin`;
/** docker's Debian archive path; bake's default packages.repo.baseurl ends with it */
const ARCHIVE = "/linux/debian";
const MARK = "STAND-IN (bake VM test fixture, not docker's containerd.io)";

export interface DockerRepo {
  /** packages.repo.baseurl as the guest reaches it: http://10.0.2.2:<port>/linux/debian */
  guestBaseurl: string;
  /** packages.repo.gpgkey: <baseurl>/gpg */
  guestKey: string;
  /** containerd.io's version in the repo */
  version: string;
  /** sha256 of the key file, for packages.repo.gpgkeySha256 */
  keySha256: string;
  /** the key's OpenPGP fingerprint, for packages.repo.gpgkeyFingerprint */
  keyFingerprint: string;
  /** "GET <path> -> <status>" per request */
  requests: string[];
  close(): Promise<void>;
}

/** Repackages forky's containerd as containerd.io, signs the trixie suite and serves it on 127.0.0.1. */
export async function startDockerRepo(): Promise<DockerRepo> {
  const work = await mkdtemp(join(tmpdir(), "bake-vm-docker-"));
  const archive = join(work, "archive");
  const pool = join(archive, "dists/trixie/pool/stable/amd64");
  const tree = join(work, "containerd.io");
  await run("dpkg-deb", ["-R", debianContainerdDeb("forky"), tree]);
  const controlFile = join(tree, "DEBIAN/control");
  const forky = await readFile(controlFile, "utf8");
  const version = standInVersion(/^Version: (.*)$/m.exec(forky)![1]!);
  const control = forky
    .replace(/^Package: containerd$/m, "Package: containerd.io")
    .replace(/^Version: .*$/m, `Version: ${version}`)
    // docker's containerd.io replaces Debian's containerd; the description says what this one is
    .replace(/^Breaks: .*$/m, "Conflicts: containerd\nReplaces: containerd")
    .replace(
      /^Description: .*(\n .*)*/m,
      `Description: containerd.io ${MARK}\n Debian forky's containerd 2.1.9 repackaged by bake's VM test harness (test/vm/lib/docker-repo.ts).`,
    );
  await writeFile(controlFile, control.endsWith("\n") ? control : `${control}\n`);
  await run("mkdir", ["-p", pool]);
  const deb = join(pool, `containerd.io_${version}_amd64.deb`);
  await run("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", tree, deb]);
  await rm(tree, { recursive: true, force: true });
  const keySha256 = await signRelease({
    work,
    releaseDir: join(archive, "dists/trixie"),
    indexes: { "stable/binary-amd64/Packages": await packagesIndex([deb], archive) },
    label: "bake VM test stand-in for docker's Debian repository",
    fields: "Suite: trixie\nCodename: trixie\nComponents: stable\n",
    keyFile: join(archive, "gpg"),
  });
  const keyFingerprint = await keyFingerprintOf(join(archive, "gpg"));
  const served = await serveFiles(archive, `${ARCHIVE}/`);
  const baseurl = `http://10.0.2.2:${served.port}${ARCHIVE}`;
  log(
    `docker repo: STAND-IN of download.docker.com${ARCHIVE} on 127.0.0.1:${served.port} (containerd.io ${version}), key sha256 ${keySha256}`,
  );
  return {
    guestBaseurl: baseurl,
    guestKey: `${baseurl}/gpg`,
    version,
    keySha256,
    keyFingerprint,
    requests: served.requests,
    close: async () => {
      await served.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
