// The VM harness's apt cache (test/vm/lib/apt-cache.ts), against a stand-in mirror on the
// loopback: what it keeps, what it asks the mirror for again, and what it never keeps.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AptCache, startAptCache } from "./lib/apt-cache.js";

const POOL = "/debian/pool/main/c/containerd/containerd_1.7.24_amd64.deb";
const BY_HASH = "/debian/dists/trixie/main/binary-amd64/by-hash/SHA256/abcd";
const INRELEASE = "/debian/dists/trixie/InRelease";

let mirror: Server;
let mirrorPort: number;
const asked: string[] = [];
let dir: string;
let cache: AptCache;
let cachePort: number;

beforeAll(async () => {
  mirror = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    if (req.url === "/debian/truncated") {
      res.writeHead(200, { "content-length": "100" });
      res.write("short");
      res.destroy();
      return;
    }
    if (req.url === "/debian/dists/trixie/Release.gpg") return void res.writeHead(404).end("no");
    if (req.url === INRELEASE && req.headers["if-modified-since"] === "Sat, 21 Nov 2026 09:15:44 GMT")
      return void res.writeHead(304).end();
    const body = `body of ${req.url}`;
    res.writeHead(200, {
      "content-length": String(body.length),
      ...(req.url === INRELEASE && { "last-modified": "Sat, 21 Nov 2026 09:15:44 GMT" }),
    });
    res.end(body);
  });
  await new Promise<void>((r) => mirror.listen(0, "127.0.0.1", r));
  mirrorPort = (mirror.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), "bake-apt-cache-test-"));
  cache = await startAptCache("test", dir);
  cachePort = Number(/10\.0\.2\.2:(\d+)/.exec(cache.guestConf)![1]);
});

afterAll(async () => {
  await cache.stop();
  await new Promise<void>((r) => mirror.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

/** A request as apt makes it through a proxy: the whole URL in the request line. */
function viaProxy(path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      { host: "127.0.0.1", port: cachePort, method, path: `http://127.0.0.1:${mirrorPort}${path}` },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end();
  });
}

const timesAsked = (path: string) => asked.filter((a) => a === `GET ${path}`).length;

describe("the VM harness's apt cache", () => {
  it("tells the guest's apt to use it for Debian's mirrors only", () => {
    expect(cache.guestConf.split("\n")).toEqual([
      `Acquire::http::Proxy::deb.debian.org "http://10.0.2.2:${cachePort}/";`,
      `Acquire::http::Proxy::security.debian.org "http://10.0.2.2:${cachePort}/";`,
      "",
    ]);
  });

  it("fetches a pool file once and serves it from the cache after that", async () => {
    expect(await viaProxy(POOL)).toEqual({ status: 200, body: `body of ${POOL}` });
    expect(await viaProxy(POOL)).toEqual({ status: 200, body: `body of ${POOL}` });
    expect(await viaProxy(BY_HASH)).toEqual({ status: 200, body: `body of ${BY_HASH}` });
    expect(await viaProxy(BY_HASH)).toEqual({ status: 200, body: `body of ${BY_HASH}` });
    expect(timesAsked(POOL)).toBe(1);
    expect(timesAsked(BY_HASH)).toBe(1);
  });

  it("asks the mirror for an index every time, and serves its copy on a 304", async () => {
    expect((await viaProxy(INRELEASE)).body).toBe(`body of ${INRELEASE}`);
    expect((await viaProxy(INRELEASE)).body).toBe(`body of ${INRELEASE}`);
    expect(timesAsked(INRELEASE)).toBe(2);
    expect(cache.stats.revalidated).toBe(1);
  });

  it("passes a 404 through and keeps nothing of it", async () => {
    expect((await viaProxy("/debian/dists/trixie/Release.gpg")).status).toBe(404);
    expect((await viaProxy("/debian/dists/trixie/Release.gpg")).status).toBe(404);
    expect(timesAsked("/debian/dists/trixie/Release.gpg")).toBe(2);
  });

  it("keeps no file the mirror cut short", async () => {
    await viaProxy("/debian/truncated").catch(() => undefined);
    await viaProxy("/debian/truncated").catch(() => undefined);
    expect(timesAsked("/debian/truncated")).toBe(2);
    const files = await readdir(join(dir, "127.0.0.1", "debian"));
    expect(files.filter((f) => f.startsWith("truncated"))).toEqual([]);
  });

  it("answers HEAD from the cache with the length and no body", async () => {
    expect(await viaProxy(POOL, "HEAD")).toEqual({ status: 200, body: "" });
    expect(timesAsked(POOL)).toBe(1);
  });

  it("refuses what is not a proxy request for a plain http URL", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: "127.0.0.1", port: cachePort, path: "/debian/pool/x.deb" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on("error", reject);
      r.end();
    });
    expect(status).toBe(400);
  });

  it("counts what it served", () => {
    expect(cache.stats.hits).toBeGreaterThanOrEqual(3);
    expect(cache.stats.misses).toBeGreaterThanOrEqual(3);
    expect(cache.stats.bytesFromCache).toBeGreaterThan(0);
  });
});
