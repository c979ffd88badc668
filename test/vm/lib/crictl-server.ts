// A crictl release tarball made from a STAND-IN script, served to the guest from the host.
//
// No crictl binary can be downloaded in this test environment. The tarball has the
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
import { join } from "node:path";
import { log, run } from "./exec.js";

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

export interface CrictlServer {
  version: string;
  /** URL the guest uses (host loopback seen from qemu's user network as 10.0.2.2) */
  url: string;
  sha256: string;
  /** sha256 of the stand-in executable inside the tarball */
  binarySha256: string;
  /** request log: "GET /path -> status" */
  requests: string[];
  close(): Promise<void>;
}

export async function startCrictlServer(workDir: string, version = "v1.35.0"): Promise<CrictlServer> {
  const name = `crictl-${version}-linux-amd64.tar.gz`;
  const stage = join(workDir, "crictl-stage");
  await mkdir(stage, { recursive: true });
  await writeFile(join(stage, "crictl"), CRICTL_STANDIN);
  await chmod(join(stage, "crictl"), 0o755);
  const tarball = join(workDir, name);
  await run("tar", ["-C", stage, "--owner=0", "--group=0", "--numeric-owner", "--mtime=2025-01-01", "-czf", tarball, "crictl"]);
  const body = await readFile(tarball);
  const sha256 = createHash("sha256").update(body).digest("hex");
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const ok = req.method === "GET" && req.url === `/${name}`;
    requests.push(`${req.method} ${req.url} -> ${ok ? 200 : 404}`);
    log(`crictl server: ${req.method} ${req.url} -> ${ok ? 200 : 404}`);
    if (!ok) {
      res.writeHead(404).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip", "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    version,
    url: `http://10.0.2.2:${port}/${name}`,
    sha256,
    binarySha256: createHash("sha256").update(CRICTL_STANDIN).digest("hex"),
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
