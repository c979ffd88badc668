// A real OCI registry (Debian's docker-registry, distribution 2.8) on the host's loopback, run
// as a child of the suite with its own storage, plain HTTP. The guest reaches it as 10.0.2.2:<port>
// through qemu's user network, and only because bake's hosts.toml names it as a mirror: the
// image names the guest pulls are registry.k8s.io/... and docker.io/..., which it cannot reach.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { log } from "./exec.js";
import { MANIFEST_TYPE, type OciImage } from "./oci-image.js";

export interface Registry {
  port: number;
  /** the mirror URL as the guest must use it */
  guestUrl: string;
  /** access-log lines (Apache combined format: request line, status, user agent) */
  accessLog: string[];
  push(repository: string, tag: string, image: OciImage): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function startRegistry(name: string): Promise<Registry> {
  const dir = await mkdtemp(join(tmpdir(), `bake-vm-registry-${name}-`));
  const port = await freePort();
  const config = join(dir, "config.yml");
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\n` +
      `http:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  const accessLog: string[] = [];
  let partial = "";
  const collect = (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    // the access log is the combined-format lines ("GET /v2/... HTTP/1.1" status ...); the rest is logrus
    for (const line of lines) if (/"(GET|HEAD|POST|PUT|PATCH|DELETE) \/v2\//.test(line)) accessLog.push(line);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 100 || child.exitCode !== null)
      throw new Error(`registry ${name}: docker-registry did not answer on ${base}/v2/`);
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`registry ${name}: docker-registry (pid ${child.pid}) on ${base}, guest mirror http://10.0.2.2:${port}`);

  const push = async (repository: string, tag: string, image: OciImage) => {
    for (const [digest, blob] of image.blobs) {
      if ((await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: "HEAD" })).ok) continue;
      const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: "POST" });
      if (start.status !== 202) throw new Error(`registry push ${repository}: upload start ${start.status}`);
      const location = new URL(start.headers.get("location")!, base);
      location.searchParams.set("digest", digest);
      const put = await fetch(location, {
        method: "PUT",
        body: new Uint8Array(blob),
        headers: { "content-type": "application/octet-stream" },
      });
      if (put.status !== 201)
        throw new Error(`registry push ${repository}: blob ${digest} ${put.status} ${await put.text()}`);
    }
    const m = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
      method: "PUT",
      body: new Uint8Array(image.manifest),
      headers: { "content-type": MANIFEST_TYPE },
    });
    if (m.status !== 201) throw new Error(`registry push ${repository}:${tag}: manifest ${m.status} ${await m.text()}`);
    if (m.headers.get("docker-content-digest") !== image.manifestDigest)
      throw new Error(`registry push ${repository}:${tag}: digest mismatch`);
  };

  return {
    port,
    guestUrl: `http://10.0.2.2:${port}`,
    accessLog,
    push,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
