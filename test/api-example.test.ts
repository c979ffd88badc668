// The README's library example runs as written, importing the package by its name.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("examples/api.mjs", () => {
  it("renders user-data for three nodes through the library API, and shows a typed error", () => {
    const out = mkdtempSync(join(tmpdir(), "bake-api-"));
    const r = spawnSync(process.execPath, ["examples/api.mjs", out], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^edge-fra-1: \d+ bytes of user-data, \d+ files, \d+ steps$/m);
    expect(r.stdout).toContain('rejected: containerd.sandboxImag: unknown key "sandboxImag"');
    expect(r.stdout).toContain("rejected: containerd.oomScore:");
    const files = readdirSync(out).sort();
    expect(files).toEqual(["edge-fra-1.user-data", "edge-gru-1.user-data", "edge-sin-1.user-data"]);
    for (const [file, site] of [
      ["edge-fra-1.user-data", "fra"],
      ["edge-sin-1.user-data", "sin"],
    ] as const) {
      const text = readFileSync(join(out, file), "utf8");
      expect(text.startsWith("#cloud-config\n")).toBe(true);
      const doc = parse(text) as { write_files: { path: string; content: string }[] };
      const hosts = doc.write_files.find((f) => f.path === "/etc/containerd/certs.d/docker.io/hosts.toml");
      expect(hosts?.content).toContain(`https://registry.${site}.example.net`);
    }
  });
});
