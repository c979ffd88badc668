// containerd.proxy checks a user would otherwise find at boot (issue 28 item 5): a proxy
// that carries nothing, a password that breaks the URL, a port or scheme named in the
// error, and credentials that land in user-data. The refused values themselves are in
// the bad-input corpus (test/fixtures/bad/url-proxy-*.yaml).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers.js";

function specFile(yaml: string): string {
  const file = join(tempDir(), "node.yaml");
  writeFileSync(file, yaml);
  return file;
}

const proxy = (lines: string) => `containerd:\n  proxy:\n${lines}`;
const HTTP_ONLY = /warning: containerd\.proxy\.http: is used only for http:\/\/ URLs.*set proxy\.https too/;

describe("only proxy.http set", () => {
  it("warns at the key, with its line and column, when every URL is https; --strict refuses it", () => {
    const file = specFile(proxy('    http: "http://proxy.local:3128"\n'));
    const r = runCli(["validate", file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(HTTP_ONLY);
    expect(r.stderr).toContain(` --> ${file}:3:11\n`);
    const strict = runCli(["validate", "--strict", file]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain("error: containerd.proxy.http: is used only for http:// URLs");
  });

  it("stays silent when something is fetched over http, or when https is set too", () => {
    const withHttpMirror = specFile(
      `${proxy('    http: "http://proxy.local:3128"\n')}  registries:\n    docker.io:\n      mirrors: ["http://mirror.corp.local:5000"]\n`,
    );
    const both = specFile(proxy('    http: "http://proxy.local:3128"\n    https: "http://proxy.local:3128"\n'));
    for (const file of [withHttpMirror, both]) {
      const r = runCli(["validate", "--strict", file]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/warning/);
    }
  });
});

describe("proxy credentials", () => {
  it("warn, as registry headers do, that user-data shows them to the metadata service, without printing the password", () => {
    const file = specFile(
      proxy('    http: "http://ops:s3cret@proxy.local:3128"\n    https: "http://ops:s3cret@proxy.local:3128"\n'),
    );
    const r = runCli(["cloud-init", file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: containerd\.proxy\.http: holds proxy credentials: .*instance metadata service/);
    expect(r.stderr.match(/instance metadata service/g)).toHaveLength(1);
    expect(r.stderr).not.toContain("s3cret");
  });

  it("a password with an unescaped @ is refused, and no part of it is printed", () => {
    const file = specFile(proxy('    https: "http://ops:p@ss@proxy.local:3128"\n'));
    const r = runCli(["cloud-init", file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('write each "@" there as %40');
    expect(r.stderr).not.toMatch(/p@ss|ss@/);
    // Escaped, the same password is a URL.
    const escaped = runCli(["validate", specFile(proxy('    https: "http://ops:p%40ss@proxy.local:3128"\n'))]);
    expect(escaped.status, escaped.stderr).toBe(0);
  });
});
