// A caching HTTP proxy for the guests' apt, on the host's loopback: test infrastructure, not
// bake's. It is a stand-in for a near package mirror. Without it the guests fetch every
// package from deb.debian.org, and that network swung the install by ±15 s from one boot to
// the next, which hid the floor-against-bake comparison of issue 12.
// Pool files and by-hash indexes are named by their content, so a cached copy is served as
// is. Anything else (InRelease, Release) is asked of the mirror again each time (with
// If-Modified-Since when the mirror gave a Last-Modified), so the guest never sees an index
// older than the mirror's.
// BAKE_VM_APT_CACHE=0 turns it off: the guests then fetch from the mirror directly.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { log } from "./exec.js";
import { cacheRoot } from "./image.js";

/** The hosts whose apt traffic goes through the cache; the guests' other URLs (the harness's own repos) stay direct. */
export const CACHED_HOSTS = ["deb.debian.org", "security.debian.org"];

export interface AptCacheStats {
  /** files served from the cache without asking the mirror */
  hits: number;
  /** files the mirror answered 304 for: served from the cache after one small request */
  revalidated: number;
  /** files fetched from the mirror */
  misses: number;
  /** answers other than 200 or 304 passed through (404s for optional indexes) */
  passed: number;
  bytesFromCache: number;
  bytesFromMirror: number;
}

export interface AptCache {
  /** apt.conf lines for the guest: the proxy for CACHED_HOSTS */
  guestConf: string;
  stats: AptCacheStats;
  stop(): Promise<AptCacheStats>;
}

export function aptCacheEnabled(): boolean {
  return process.env.BAKE_VM_APT_CACHE !== "0";
}

/** Content-named: safe to serve without asking the mirror. */
export function isImmutable(path: string): boolean {
  return path.includes("/pool/") || path.includes("/by-hash/");
}

interface Meta {
  lastModified?: string;
  contentType?: string;
}

export async function startAptCache(name: string, dir = join(cacheRoot(), "apt")): Promise<AptCache> {
  const stats: AptCacheStats = { hits: 0, revalidated: 0, misses: 0, passed: 0, bytesFromCache: 0, bytesFromMirror: 0 };
  const server = createServer((req, res) => {
    handle(req, res, dir, stats).catch((e: Error) => {
      log(`apt cache ${name}: ${req.url}: ${e.message}`);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // never what keeps the suite's process alive
  server.unref();
  const port = (server.address() as AddressInfo).port;
  log(`apt cache ${name}: on 127.0.0.1:${port}, cache ${dir}`);
  const guestConf = CACHED_HOSTS.map((h) => `Acquire::http::Proxy::${h} "http://10.0.2.2:${port}/";\n`).join("");
  return {
    guestConf,
    stats,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      log(`apt cache ${name}: ${formatStats(stats)}`);
      return stats;
    },
  };
}

export function formatStats(s: AptCacheStats): string {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return (
    `${s.hits} from the cache, ${s.revalidated} revalidated, ${s.misses} from the mirror, ${s.passed} passed through; ` +
    `${mb(s.bytesFromCache)} MB from the cache, ${mb(s.bytesFromMirror)} MB from the mirror`
  );
}

async function handle(req: IncomingMessage, res: ServerResponse, dir: string, stats: AptCacheStats): Promise<void> {
  // a proxy request names the whole URL: GET http://deb.debian.org/debian/... HTTP/1.1
  const url = new URL(req.url ?? "", "http://invalid");
  if ((req.method !== "GET" && req.method !== "HEAD") || url.protocol !== "http:" || url.hostname === "invalid") {
    res.writeHead(400).end();
    return;
  }
  const file = join(dir, url.hostname, decodeURIComponent(url.pathname));
  if (!file.startsWith(join(dir, url.hostname) + "/") || file.includes("/../")) {
    res.writeHead(400).end();
    return;
  }
  const cached = await stat(file).catch(() => undefined);
  const meta: Meta = cached ? JSON.parse(await readFile(`${file}.meta`, "utf8").catch(() => "{}")) : {};
  if (cached && isImmutable(url.pathname)) {
    stats.hits++;
    stats.bytesFromCache += cached.size;
    return serveFile(req, res, file, cached.size, meta);
  }
  const upstream = await get(url, cached && meta.lastModified ? { "if-modified-since": meta.lastModified } : {}).catch(
    (e: Error) => e,
  );
  if (upstream instanceof Error) {
    // the mirror is unreachable: a cached index is better than none
    if (!cached) throw upstream;
    stats.revalidated++;
    stats.bytesFromCache += cached.size;
    return serveFile(req, res, file, cached.size, meta);
  }
  if (upstream.statusCode === 304 && cached) {
    upstream.resume();
    stats.revalidated++;
    stats.bytesFromCache += cached.size;
    return serveFile(req, res, file, cached.size, meta);
  }
  if (upstream.statusCode !== 200) {
    stats.passed++;
    res.writeHead(upstream.statusCode ?? 502, pick(upstream.headers));
    upstream.pipe(res);
    return;
  }
  stats.misses++;
  // Kept whole before the guest gets a byte: apt pipelines, and its next request may be for
  // a file still on its way. Streaming both ways at once would fetch that one twice.
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const bytes = await new Promise<number>((resolve, reject) => {
    let n = 0;
    const out = createWriteStream(tmp);
    upstream.on("data", (chunk: Buffer) => {
      n += chunk.length;
      out.write(chunk);
    });
    upstream.on("end", () => out.end(() => resolve(n)));
    upstream.on("error", (e) => out.end(() => reject(e)));
  }).catch(async (e: Error) => {
    await rm(tmp, { force: true });
    throw e;
  });
  stats.bytesFromMirror += bytes;
  const length = Number(upstream.headers["content-length"] ?? bytes);
  if (bytes !== length) {
    await rm(tmp, { force: true });
    throw new Error(`the mirror sent ${bytes} of ${length} bytes`);
  }
  const fresh: Meta = {
    lastModified: upstream.headers["last-modified"],
    contentType: upstream.headers["content-type"],
  };
  await writeFile(`${file}.meta`, JSON.stringify(fresh));
  await rename(tmp, file);
  return serveFile(req, res, file, bytes, fresh);
}

function serveFile(req: IncomingMessage, res: ServerResponse, file: string, size: number, meta: Meta): Promise<void> {
  res.writeHead(200, {
    "content-length": String(size),
    ...(meta.lastModified && { "last-modified": meta.lastModified }),
    ...(meta.contentType && { "content-type": meta.contentType }),
  });
  if (req.method === "HEAD") {
    res.end();
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    createReadStream(file).on("error", reject).pipe(res).on("finish", resolve);
  });
}

function pick(h: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["content-length", "content-type", "last-modified"]) {
    const v = h[k];
    if (typeof v === "string") out[k] = v;
  }
  return out;
}

function get(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const r = request(url, { headers: { ...headers, "user-agent": "bake-vm-apt-cache" }, timeout: 60_000 }, resolve);
    r.on("timeout", () => r.destroy(new Error("the mirror did not answer within 60 s")));
    r.on("error", reject);
    r.end();
  });
}
