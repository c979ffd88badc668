// The property the hostile-value tests check (test/property*.test.ts): for every spec either
// validation refuses it with a clear message, or every output carries each value back exactly
// and nowhere as code, and bash parses every script. Runs per property: BAKE_PROPERTY_RUNS
// (default a few hundred, so the whole suite stays fast); BAKE_PROPERTY_SEED=<n> replays a
// failure that fast-check reported.
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import TOML from "@iarna/toml";
import { parseDocument } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import {
  formatDiagnostics,
  plan,
  renderCloudInit,
  renderPackerScript,
  SpecError,
  validateSpec,
  type NodeSpec,
  type Plan,
  type SpecInput,
} from "../../src/index.js";
import { shellSources } from "../../scripts/template-check.js";
import { provisionerIn } from "../helpers.js";
import { specWithField, specWithFields, stringsIn } from "./hostile.js";
import { lexShell, shellWords, unquotedOccurrences, type Lexed } from "./shell-lexer.js";

export const LONG = Number(process.env.BAKE_PROPERTY_RUNS ?? 0);
const runs = (normal: number) => (LONG > 0 ? LONG : normal);
const seed = process.env.BAKE_PROPERTY_SEED ? { seed: Number(process.env.BAKE_PROPERTY_SEED) } : {};
export const params = (normal: number): fc.Parameters<unknown> => ({ numRuns: runs(normal), ...seed });
export const timeout = LONG > 0 ? 3_600_000 : 60_000;

// Scripts for bash go to memory (tmpfs) where there is one: the long run writes a hundred thousand.
export const scratch = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "bake-prop-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---- reading the outputs back

export const yamlVersions = ["1.1", "1.2"] as const;

export function parseYamlStrict(text: string, version: "1.1" | "1.2"): unknown {
  const doc = parseDocument(text, { version, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new Error(`YAML ${version} does not parse: ${doc.errors[0]!.message}\n${text}`);
  return doc.toJS();
}

/** systemd's reading of Environment="...": specifiers (%%), then C unescaping inside the quotes. */
export function systemdEnvironmentWord(raw: string): string {
  const expanded = raw.replace(/%(.)/gs, (_, c: string) => {
    if (c !== "%") throw new Error(`systemd would expand the specifier %${c} in ${raw}`);
    return "%";
  });
  const m = /^"((?:[^"\\]|\\.)*)"$/s.exec(expanded);
  if (!m) throw new Error(`not one double-quoted word: ${raw}`);
  return m[1]!.replace(/\\(.)/gs, (_, c: string) => {
    if (c !== "\\" && c !== '"') throw new Error(`systemd would read \\${c} as an escape in ${raw}`);
    return c;
  });
}

/** The files a Packer script writes, read from its bake_put here-documents. */
const SUMS = "(sha256sum -c)";
function embeddedFiles(script: string, lexed: Lexed): Map<string, { mode: string; content: string }> {
  const out = new Map<string, { mode: string; content: string }>();
  for (const h of lexed.heredocs) {
    const lineStart = script.lastIndexOf("\n", h.opener) + 1;
    // The re-run's check that every file is as written: its list of sha256 sums.
    if (script.slice(lineStart, h.opener).trim() === "sha256sum --status -c 2>/dev/null") {
      out.set(SUMS, { mode: "", content: script.slice(h.bodyStart, h.bodyEnd) });
      continue;
    }
    const [command, path, mode, ...rest] = shellWords(script.slice(lineStart, h.opener));
    expect(rest).toEqual([]);
    const body = script.slice(h.bodyStart, h.bodyEnd);
    if (command === "bake_put") out.set(path!, { mode: mode!, content: body });
    else if (command === "bake_put_base64")
      out.set(path!, { mode: mode!, content: Buffer.from(body, "base64").toString("utf8") });
    else throw new Error(`unexpected here-document after ${command}`);
  }
  return out;
}

// ---- bash parses every script: batched, each distinct script once, beside the checks

// Each script is sourced after `set -n` in a subshell of one bash: bash reads every command
// and runs none, as `bash -n` does, without starting a bash per script (that start cost
// more than the parse). It is stricter than `bash -n`, whose status stays 0 after some
// errors it prints (a bad [[ ]] operand).
const BASH_CHECK = 'for f in "$@"; do ( . "$f" ) 2>/dev/null || echo "$f"; done';
const BATCH = 400;
const queued: { label: string; script: string }[] = [];
const seen = new Set<string>();
const running: Promise<{ label: string; script: string }[]>[] = [];

function queueBashCheck(label: string, script: string): void {
  const digest = createHash("sha1").update(script).digest("base64");
  if (seen.has(digest)) return;
  seen.add(digest);
  queued.push({ label, script });
  if (queued.length >= BATCH) startBashCheck();
}

/** One bash checks the queued scripts while the property goes on; resolves to the ones it refused. */
function startBashCheck(): void {
  const batch = queued.splice(0);
  if (batch.length === 0) return;
  const dir = mkdtempSync(join(scratch, "sh-"));
  const files = batch.map((p, i) => {
    const file = join(dir, `${i}.sh`);
    writeFileSync(file, `set -n\n${p.script}`);
    return file;
  });
  running.push(
    new Promise((resolve, reject) => {
      execFile("bash", ["-c", BASH_CHECK, "check", ...files], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
        rmSync(dir, { recursive: true, force: true });
        if (error) return reject(error);
        resolve(
          stdout
            .split("\n")
            .filter(Boolean)
            .map((f) => batch[Number(/(\d+)\.sh$/.exec(f)![1])]!),
        );
      });
    }),
  );
}

export async function checkBashSyntax(): Promise<void> {
  startBashCheck();
  const failed = (await Promise.all(running.splice(0))).flat();
  const first = failed[0];
  expect(failed.length, first ? `bash cannot parse the script for ${first.label}:\n${first.script}` : "").toBe(0);
}

// ---- the property

export type Outcome = "accepted" | "rejected";

export function checkSpec(input: SpecInput): Outcome {
  let spec: NodeSpec;
  try {
    spec = validateSpec(input).spec;
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    // Refused with a clear message: every diagnostic names a key path and says
    // what is wrong, and printing them cannot garble a terminal.
    expect(error.diagnostics.length).toBeGreaterThan(0);
    for (const d of error.diagnostics) {
      expect(d.path, d.message).not.toBe("");
      expect(d.message.length).toBeGreaterThan(5);
    }
    expect(formatDiagnostics(error.diagnostics, { color: false })).not.toMatch(
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/,
    );
    return "rejected";
  }
  const label = JSON.stringify(input);
  const p = plan(spec);
  const userData = renderCloudInit(p);
  const script = renderPackerScript(p);
  checkCloudConfig(p, userData, label);
  checkConfigFiles(p);
  const injected = [...stringsIn(input)];
  checkScript(p, script, injected, label, true);
  return "accepted";
}

function checkCloudConfig(p: Plan, userData: string, label: string): void {
  expect(userData.startsWith("#cloud-config\n")).toBe(true);
  for (const version of yamlVersions) {
    const doc = parseYamlStrict(userData, version) as {
      write_files: { path: string; permissions?: string; content: string }[];
      runcmd: unknown[];
    };
    expect(Object.keys(doc).sort()).toEqual(
      p.reboot ? ["power_state", "runcmd", "write_files"] : ["runcmd", "write_files"],
    );
    expect(doc.runcmd[1]).toBe("/bin/bash /usr/local/sbin/bake-provision || exit");
    const written = doc.write_files;
    // the plan's files and cloud-final's drop-in; runcmd writes the provisioner
    expect(written.length).toBe(p.files.length + 1);
    p.files.forEach((f, i) => {
      // cloud-init's defaults (root:root, 0644) are left unsaid.
      expect(written[i], label).toEqual({
        path: f.path,
        ...(f.mode !== "0644" && { permissions: f.mode }),
        content: f.content,
      });
    });
    if (version === "1.2") checkScript(p, provisionerIn(doc.runcmd[0]), [...stringsIn(p.spec)], label, false);
  }
}

function checkConfigFiles(p: Plan): void {
  const { spec } = p;
  const c = spec.containerd;
  const files = new Map(p.files.map((f) => [f.path, f.content]));
  // Every TOML file parses.
  for (const f of p.files.filter((f) => f.path.endsWith(".toml"))) TOML.parse(f.content);

  const config = TOML.parse(files.get("/etc/containerd/config.toml")!) as Record<string, any>;
  expect(config.root).toBe(c.root);
  expect(config.state).toBe(c.state);
  expect(config.oom_score).toBe(c.oomScore);
  if (p.configVersion === 2) {
    const cri = config.plugins["io.containerd.grpc.v1.cri"];
    expect(cri.sandbox_image).toBe(c.sandboxImage);
    expect(cri.registry.config_path).toBe(c.configPath);
  } else {
    const images = config.plugins["io.containerd.cri.v1.images"];
    expect(images.pinned_images.sandbox).toBe(c.sandboxImage);
    expect(images.registry.config_path).toBe(c.configPath);
  }

  for (const [host, registry] of Object.entries(c.registries)) {
    const hosts = TOML.parse(files.get(`${c.configPath}/${host}/hosts.toml`)!) as Record<string, any>;
    const server =
      host === "_default"
        ? undefined
        : registry.server || (host === "docker.io" ? "https://registry-1.docker.io" : `https://${host}`);
    expect(hosts.server).toBe(server);
    const urls = registry.mirrors.map((m) => (typeof m === "string" ? m : m.url));
    expect(Object.keys(hosts.host ?? {})).toEqual([...new Set(urls)]);
    for (const m of registry.mirrors) {
      const entry = hosts.host[typeof m === "string" ? m : m.url];
      const caps = typeof m === "string" ? ["pull", "resolve"] : (m.capabilities ?? ["pull", "resolve"]);
      expect(entry.capabilities).toEqual(caps);
      expect(entry.skip_verify ?? false).toBe(typeof m === "object" && (m.skipVerify ?? false));
      expect(entry.override_path ?? false).toBe(typeof m === "object" && (m.overridePath ?? false));
    }
  }

  const crictl = files.get("/etc/crictl.yaml");
  if (crictl !== undefined) {
    for (const version of yamlVersions) {
      expect(parseYamlStrict(crictl, version)).toEqual({
        "runtime-endpoint": spec.crictl.runtimeEndpoint,
        "image-endpoint": spec.crictl.imageEndpoint,
        timeout: spec.crictl.timeout,
        debug: spec.crictl.debug,
      });
    }
  }

  const body = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  const sysctl = files.get("/etc/sysctl.d/99-kubernetes-cri.conf");
  if (sysctl !== undefined) {
    const read = Object.fromEntries(
      body(sysctl).map((l) => [l.slice(0, l.indexOf(" = ")), l.slice(l.indexOf(" = ") + 3)]),
    );
    expect(read).toEqual(Object.fromEntries(Object.entries(spec.kernel.sysctl).map(([k, v]) => [k, String(v)])));
  }
  const modules = files.get("/etc/modules-load.d/containerd.conf");
  if (modules !== undefined) expect(body(modules)).toEqual(spec.kernel.modules);

  const repo = files.get("/etc/yum.repos.d/docker-ce.repo");
  if (repo !== undefined) {
    const lines = body(repo);
    expect(lines.filter((l) => l.startsWith("["))).toEqual(["[docker-ce-stable]"]);
    const kv = Object.fromEntries(
      lines.filter((l) => !l.startsWith("[")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(Object.keys(kv).sort()).toEqual([
      "baseurl",
      "enabled",
      ...(spec.containerd.hold ? ["exclude"] : []),
      "gpgcheck",
      "gpgkey",
      "name",
      "repo_gpgcheck",
    ]);
    expect(kv.baseurl).toBe(spec.packages.repo.baseurl);
    // with a fingerprint, dnf reads the key bake_rpm_key checked; without one, the spec's URL
    const { gpgkey, gpgkeyFingerprint } = spec.packages.repo;
    expect(kv.gpgkey).toBe(gpgkeyFingerprint ? "file:///etc/pki/rpm-gpg/docker-ce.asc" : gpgkey);
    expect(kv.gpgcheck).toBe("1");
  }
  const sources = files.get("/etc/apt/sources.list.d/docker.sources");
  if (sources !== undefined) {
    const kv = Object.fromEntries(
      body(sources).map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]),
    );
    expect(Object.keys(kv).sort()).toEqual(["Architectures", "Components", "Signed-By", "Suites", "Types", "URIs"]);
    expect(kv.URIs).toBe(spec.packages.repo.baseurl);
  }

  const proxy = files.get("/etc/systemd/system/containerd.service.d/20-proxy.conf");
  if (proxy !== undefined) {
    const env = body(proxy)
      .filter((l) => l !== "[Service]")
      .map((l) => {
        expect(l.startsWith("Environment=")).toBe(true);
        return systemdEnvironmentWord(l.slice("Environment=".length));
      });
    const expected = [
      c.proxy.http && `HTTP_PROXY=${c.proxy.http}`,
      c.proxy.https && `HTTPS_PROXY=${c.proxy.https}`,
      c.proxy.noProxy.length > 0 && `NO_PROXY=${c.proxy.noProxy.join(",")}`,
    ].filter(Boolean);
    expect(env).toEqual(expected);
  } else {
    expect(c.proxy.http === "" && c.proxy.https === "").toBe(true);
  }
}

function checkScript(p: Plan, script: string, injected: string[], label: string, embedsFiles: boolean): void {
  const lexed = lexShell(script);
  if (embedsFiles) {
    const embedded = embeddedFiles(script, lexed);
    const sums = p.files.map((f) => `${createHash("sha256").update(f.content).digest("hex")}  ${f.path}\n`).join("");
    expect(Object.fromEntries(embedded), label).toEqual(
      Object.fromEntries([
        ...p.files.map((f) => [f.path, { mode: f.mode, content: f.content }]),
        [SUMS, { mode: "", content: sums }],
      ]),
    );
  } else {
    expect(lexed.heredocs).toEqual([]);
  }
  // A value that is not a plain word may only appear inside single quotes or a
  // quoted here-document. (A value that is part of the script's own text, such
  // as "*" in "$*" or "c 1" in ".asc 1500c1...", proves nothing either way and is skipped.)
  const own = `${TRUSTED_SHELL}\n${defaultScriptFor(p)}`;
  for (const value of injected) {
    if (/^[A-Za-z0-9_./:=@%+,-]*$/.test(value) || own.includes(value)) continue;
    const at = unquotedOccurrences(script, lexed, value);
    expect(
      at,
      `${JSON.stringify(value)} appears unquoted at ${at.map((i) => JSON.stringify(script.slice(Math.max(0, i - 40), i + value.length + 40))).join(", ")}`,
    ).toEqual([]);
  }
  queueBashCheck(label, script);
}

/** The script text that comes from bake itself, not from the spec. */
const TRUSTED_SHELL = [
  readFileSync(new URL("../../templates/provision.sh.hbs", import.meta.url), "utf8"),
  ...shellSources().values(),
].join("\n");

/** bake's script for the defaults of p's distro and containerd source: text no spec value put there. */
const defaultScripts = new Map<string, string>();
function defaultScriptFor(p: Plan): string {
  const key = `${p.spec.distro}/${p.spec.containerd.source}`;
  if (!defaultScripts.has(key)) {
    const input: SpecInput = { distro: p.spec.distro, containerd: { source: p.spec.containerd.source } };
    defaultScripts.set(key, renderPackerScript(plan(validateSpec(input).spec)));
  }
  return defaultScripts.get(key)!;
}

// ---- the property over the fields of FIELDS, one test each

/** One test per field, and optionally one with several fields at once. */
export function hostileFieldTests(title: string, fields: string[], several: boolean): void {
  describe(title, () => {
    const tally = new Map<string, Record<Outcome, number>>();
    afterAll(() => {
      // Generators that are never accepted would prove nothing; show the split.
      const rows = [...tally].map(([f, t]) => `${f}: ${t.accepted} accepted, ${t.rejected} rejected`);
      if (process.env.BAKE_PROPERTY_VERBOSE) console.log(rows.join("\n"));
    });

    for (const field of fields) {
      it(
        field,
        async () => {
          const count: Record<Outcome, number> = { accepted: 0, rejected: 0 };
          tally.set(field, count);
          fc.assert(
            fc.property(specWithField(field), (spec) => {
              count[checkSpec(spec)]++;
            }),
            params(100),
          );
          await checkBashSyntax();
          // The generators aim at both sides of the validator.
          expect(count.accepted, `${field}: no hostile value was accepted, so nothing was tested`).toBeGreaterThan(0);
          expect(count.rejected, `${field}: no hostile value was refused`).toBeGreaterThan(0);
        },
        timeout,
      );
    }

    if (several)
      it(
        "several hostile fields at once",
        async () => {
          let accepted = 0;
          fc.assert(
            fc.property(specWithFields, (spec) => {
              if (checkSpec(spec) === "accepted") accepted++;
            }),
            params(200),
          );
          await checkBashSyntax();
          expect(accepted).toBeGreaterThan(0);
        },
        timeout,
      );
  });
}
