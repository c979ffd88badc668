// Loopback HTTP servers of the EL contract test: the package repositories, and a logging
// forward proxy for the proxy support other branches add.
import { createReadStream, statSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { join, normalize } from "node:path";

export interface Listening {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** "METHOD url" of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

function listen(server: Server, requests: string[]): Promise<Listening> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** Serves the files under `root` (GET and HEAD) on 127.0.0.1, a random port. */
export function serveDirectory(root: string): Promise<Listening> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const path = join(root, normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error("not a file");
      size = st.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-length": size });
    if (req.method === "HEAD") res.end();
    else createReadStream(path).pipe(res);
  });
  return listen(server, requests);
}

/**
 * A forward proxy on 127.0.0.1 that records each request line ("GET http://...",
 * "CONNECT host:443") and passes it on to 127.0.0.1 at the request's port, whatever the
 * host name. So a repo URL such as http://repo.bake.test:<server port>/... works only
 * through this proxy (the name resolves nowhere), and a run that bypasses it fails.
 * For the proxy support in progress on other branches: point bake's proxy key at
 * `origin`, provision, and assert on `requests`.
 */
export function startLoggingProxy(): Promise<Listening> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? "", "http://invalid");
    const upstream = request(
      {
        host: "127.0.0.1",
        port: target.port || 80,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, client, head) => {
    requests.push(`CONNECT ${req.url}`);
    const port = Number(/:(\d+)$/.exec(req.url ?? "")?.[1] ?? 443);
    const upstream = connect(port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
  });
  return listen(server, requests);
}
