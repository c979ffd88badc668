// The crictl release tarball the guest downloads from the host (qemu's user network: 10.0.2.2).
//
// Real: ../shared/vendor/cri-tools/ next to the repository holds crictl v1.34.0 built from
// cri-tools' source (see its README.md) and SHA256SUMS; CI always has it.
// STAND-IN, only when that folder is absent outside CI: no crictl can be downloaded here. Its tarball has the
// layout of a cri-tools release (a single executable `crictl` at the top level), but the
// executable is a small shell script that says it is a stand-in. It proves bake's
// download, sha256 check, install into /usr/local/bin and /etc/crictl.yaml; it does not
// prove the real crictl. For `crictl info` it reads runtime-endpoint from /etc/crictl.yaml
// and asks containerd over that socket (with ctr) whether the CRI plugin is loaded, so
// bake's verification still checks the endpoint bake configured.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { REPO } from "./bake.js";
import { log, run } from "./exec.js";
import { exists } from "./host.js";
import type { Arch } from "./image.js";

/** the real crictl, relative to the repository root (CI: <repo>/../shared/vendor/cri-tools/) */
export const VENDOR_CRICTL_DIR = join(REPO, "..", "shared", "vendor", "cri-tools");
const VENDOR_VERSION = "v1.34.0";
const vendorTarballOf = (arch: Arch) => join(VENDOR_CRICTL_DIR, `crictl-${VENDOR_VERSION}-linux-${arch}.tar.gz`);
export const VENDOR_TARBALL = vendorTarballOf("amd64");

/** Known when the tests are collected, before the server starts: decides whether the pod tests exist. */
export const REAL_CRICTL_PRESENT = existsSync(VENDOR_TARBALL);

export const CRICTL_STANDIN = `#!/bin/sh
# STAND-IN for crictl, made by bake's VM test harness (test/vm/lib/crictl-server.ts).
# This is NOT the real cri-tools binary. It exists only to prove that bake downloads,
# checksums and installs the release tarball and writes /etc/crictl.yaml.
cfg=\${CRI_CONFIG_FILE:-/etc/crictl.yaml}
endpoint=$(sed -n 's/^runtime-endpoint: *//p' "$cfg" 2>/dev/null | tr -d '"'"'")
case "\${1:-}" in
  --version|-v|version)
    echo "crictl version v1.35.0 (bake VM test stand-in, not the real crictl)"
    ;;
  info)
    echo "crictl stand-in (not the real crictl): runtime-endpoint from $cfg: \${endpoint:-<none>}"
    sock=\${endpoint#unix://}
    [ -S "$sock" ] || { echo "stand-in: $sock is not a socket" >&2; exit 1; }
    plugins=$(ctr --address "$sock" plugins ls 2>&1) || { echo "stand-in: ctr failed: $plugins" >&2; exit 1; }
    if echo "$plugins" | grep -E '(grpc\\.v1|cri\\.v1) +(cri|runtime) .* ok' > /dev/null; then
      echo '{"status":{"conditions":[{"type":"RuntimeReady","status":true}]},"standIn":true}'
    else
      echo "stand-in: CRI plugin not ok on $sock" >&2
      echo "$plugins" | grep -i cri >&2
      exit 1
    fi
    ;;
  *)
    echo "crictl stand-in: only --version and info are implemented" >&2
    exit 1
    ;;
esac
`;

/** One tarball as the guest gets it. */
export interface CrictlRelease {
  version: string;
  /** URL the guest uses (host loopback seen from qemu's user network as 10.0.2.2) */
  url: string;
  sha256: string;
  /** sha256 of the crictl executable inside the tarball */
  binarySha256: string;
}

export interface CrictlServer extends CrictlRelease {
  /** false: the stand-in script; it answers only --version and info, so no pod can be run */
  real: boolean;
  /** the real arm64 tarball, when it is vendored (there is no arm64 stand-in) */
  arm64?: CrictlRelease;
  /** the stand-in tarball under its own name, for a run that must refuse it (wrong sha256) */
  decoy: { version: string; url: string; binarySha256: string };
  /** request log: "GET /path -> status" */
  requests: string[];
  close(): Promise<void>;
}

interface Tarball {
  real: boolean;
  version: string;
  path: string;
  binarySha256: string;
}

/** The vendored real crictl, checked against its SHA256SUMS; undefined when the folder is absent. */
async function vendorTarball(arch: Arch): Promise<Tarball | undefined> {
  const path = vendorTarballOf(arch);
  const name = basename(path);
  if (!(await exists(path))) return undefined;
  const sums = await readFile(join(VENDOR_CRICTL_DIR, "SHA256SUMS"), "utf8");
  const want = new RegExp(`^([0-9a-f]{64})\\s+\\*?${name.replace(/\./g, "\\.")}$`, "m").exec(sums)?.[1];
  const got = createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
  if (want !== got) throw new Error(`${path}: sha256 ${got} does not match SHA256SUMS (${want ?? "no entry"})`);
  const binary = await run("sh", ["-c", 'tar -xzOf "$1" crictl | sha256sum', "sh", path]);
  return { real: true, version: VENDOR_VERSION, path, binarySha256: binary.stdout.split(" ")[0]! };
}

async function standInTarball(workDir: string, version = "v1.35.0"): Promise<Tarball> {
  const stage = join(workDir, "crictl-stage");
  await mkdir(stage, { recursive: true });
  await writeFile(join(stage, "crictl"), CRICTL_STANDIN);
  await chmod(join(stage, "crictl"), 0o755);
  const path = join(workDir, `crictl-${version}-linux-amd64.tar.gz`);
  await run("tar", [
    "-C",
    stage,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--mtime=2025-01-01",
    "-czf",
    path,
    "crictl",
  ]);
  return { real: false, version, path, binarySha256: createHash("sha256").update(CRICTL_STANDIN).digest("hex") };
}

export async function startCrictlServer(workDir: string): Promise<CrictlServer> {
  const standIn = await standInTarball(workDir);
  let tarball = await vendorTarball("amd64");
  const arm64 = await vendorTarball("arm64");
  if (!tarball) {
    if (process.env.CI === "true")
      throw new Error(`${VENDOR_CRICTL_DIR} is missing: CI must prove the real crictl, not the stand-in`);
    log("*".repeat(100));
    log(`*** ${VENDOR_CRICTL_DIR} is absent: the guest gets a crictl STAND-IN script, NOT the real crictl.`);
    log("*** Only bake's download, sha256 check and install are proven; the pod checks are SKIPPED.");
    log("*".repeat(100));
    tarball = standIn;
  }
  const name = (t: Tarball) => basename(t.path);
  // the stand-in is always served too: a decoy for the wrong-sha256 run, which must not install it
  const bodies = new Map<string, Buffer>();
  for (const t of [standIn, tarball, ...(arm64 ? [arm64] : [])]) bodies.set(`/${name(t)}`, await readFile(t.path));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const found = req.method === "GET" ? bodies.get(req.url ?? "") : undefined;
    requests.push(`${req.method} ${req.url} -> ${found ? 200 : 404}`);
    log(`crictl server: ${req.method} ${req.url} -> ${found ? 200 : 404}`);
    if (!found) {
      res.writeHead(404).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip", "content-length": found.length }).end(found);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const release = (t: Tarball): CrictlRelease => ({
    version: t.version,
    url: `http://10.0.2.2:${port}/${name(t)}`,
    sha256: createHash("sha256")
      .update(bodies.get(`/${name(t)}`)!)
      .digest("hex"),
    binarySha256: t.binarySha256,
  });
  return {
    real: tarball.real,
    ...release(tarball),
    arm64: arm64 && release(arm64),
    decoy: {
      version: standIn.version,
      url: `http://10.0.2.2:${port}/${name(standIn)}`,
      binarySha256: standIn.binarySha256,
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
