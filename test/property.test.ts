// Property tests: hostile strings in every free-form field of the spec, and in
// every escaping helper. For every case either validation refuses it with a
// clear message, or every output carries the value back exactly and nowhere
// as code. Runs per property: BAKE_PROPERTY_RUNS (default a few hundred, so
// the whole suite stays fast); the long run is
//   BAKE_PROPERTY_RUNS=10000 npx vitest run test/property.test.ts
// BAKE_PROPERTY_SEED=<n> replays a failure that fast-check reported.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
} from "../src/index.js";
import {
  shellWord,
  systemdEnvAssignment,
  tomlString,
  UnsafeValueError,
  yamlBlock,
  yamlString,
} from "../src/render/escape.js";
import { base64Heredoc, heredoc } from "../src/render/templates.js";
import { shellSources } from "../scripts/template-check.js";
import { anything, FIELDS, PAYLOADS, specWithField, specWithFields, stringsIn } from "./support/hostile.js";
import { Kind, lexShell, shellWords, unquotedOccurrences, type Lexed } from "./support/shell-lexer.js";

const LONG = Number(process.env.BAKE_PROPERTY_RUNS ?? 0);
const runs = (normal: number) => (LONG > 0 ? LONG : normal);
const seed = process.env.BAKE_PROPERTY_SEED ? { seed: Number(process.env.BAKE_PROPERTY_SEED) } : {};
const params = (normal: number): fc.Parameters<unknown> => ({ numRuns: runs(normal), ...seed });
const timeout = LONG > 0 ? 3_600_000 : 60_000;

const scratch = mkdtempSync(join(tmpdir(), "bake-prop-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---- reading the outputs back

const yamlVersions = ["1.1", "1.2"] as const;

function parseYamlStrict(text: string, version: "1.1" | "1.2"): unknown {
  const doc = parseDocument(text, { version, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new Error(`YAML ${version} does not parse: ${doc.errors[0]!.message}\n${text}`);
  return doc.toJS();
}

/** systemd's reading of Environment="...": specifiers (%%), then C unescaping inside the quotes. */
function systemdEnvironmentWord(raw: string): string {
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

// ---- bash -n, batched: one bash process checks every script a property produced

const pendingScripts: { label: string; script: string }[] = [];

function checkBashSyntax(): void {
  if (pendingScripts.length === 0) return;
  const dir = mkdtempSync(join(scratch, "sh-"));
  for (const [i, p] of pendingScripts.entries()) writeFileSync(join(dir, `${i}.sh`), p.script);
  const r = spawnSync(
    "bash",
    [
      "-c",
      'for f in "$@"; do bash -n "$f" 2>/dev/null || echo "$f"; done',
      "check",
      ...pendingScripts.map((_, i) => join(dir, `${i}.sh`)),
    ],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  expect(r.status).toBe(0);
  const failed = r.stdout
    .split("\n")
    .filter(Boolean)
    .map((f) => pendingScripts[Number(/(\d+)\.sh$/.exec(f)![1])]!);
  const first = failed[0];
  pendingScripts.length = 0;
  rmSync(dir, { recursive: true, force: true });
  expect(failed.length, first ? `bash -n fails for ${first.label}:\n${first.script}` : "").toBe(0);
}

// ---- the property

type Outcome = "accepted" | "rejected";

function checkSpec(input: SpecInput): Outcome {
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
      runcmd: unknown;
    };
    expect(Object.keys(doc).sort()).toEqual(
      p.reboot ? ["power_state", "runcmd", "write_files"] : ["runcmd", "write_files"],
    );
    expect(doc.runcmd).toEqual([["/bin/bash", "/usr/local/sbin/bake-provision"]]);
    const written = doc.write_files;
    expect(written.length).toBe(p.files.length + 1);
    p.files.forEach((f, i) => {
      // cloud-init's defaults (root:root, 0644) are left unsaid.
      expect(written[i], label).toEqual({
        path: f.path,
        ...(f.mode !== "0644" && { permissions: f.mode }),
        // An apt source whose key bake's script fetches is written late.
        ...(f.keyFetchedBy && { defer: true }),
        content: f.content,
      });
    });
    const provisioner = written[p.files.length]!;
    expect(provisioner.path).toBe("/usr/local/sbin/bake-provision");
    if (version === "1.2") checkScript(p, provisioner.content, [...stringsIn(p.spec)], label, false);
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
    expect(kv.gpgkey).toBe(spec.packages.repo.gpgkey);
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
  pendingScripts.push({ label, script });
}

/** The script text that comes from bake itself, not from the spec. */
const TRUSTED_SHELL = [
  readFileSync(new URL("../templates/provision.sh.hbs", import.meta.url), "utf8"),
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

// ---- properties

describe("hostile values in every free-form field", () => {
  const tally = new Map<string, Record<Outcome, number>>();
  afterAll(() => {
    // Generators that are never accepted would prove nothing; show the split.
    const rows = [...tally].map(([f, t]) => `${f}: ${t.accepted} accepted, ${t.rejected} rejected`);
    if (process.env.BAKE_PROPERTY_VERBOSE) console.log(rows.join("\n"));
  });

  for (const field of Object.keys(FIELDS)) {
    it(
      field,
      () => {
        const count: Record<Outcome, number> = { accepted: 0, rejected: 0 };
        tally.set(field, count);
        fc.assert(
          fc.property(specWithField(field), (spec) => {
            count[checkSpec(spec)]++;
          }),
          params(100),
        );
        checkBashSyntax();
        // The generators aim at both sides of the validator.
        expect(count.accepted, `${field}: no hostile value was accepted, so nothing was tested`).toBeGreaterThan(0);
        expect(count.rejected, `${field}: no hostile value was refused`).toBeGreaterThan(0);
      },
      timeout,
    );
  }

  it(
    "several hostile fields at once",
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(specWithFields, (spec) => {
          if (checkSpec(spec) === "accepted") accepted++;
        }),
        params(200),
      );
      checkBashSyntax();
      expect(accepted).toBeGreaterThan(0);
    },
    timeout,
  );
});

describe("the test's shell lexer", () => {
  it("reads $'...' as one literal, whose \\' does not end it", () => {
    const src = "a=$'x\\'y'; b='z'";
    const { kinds } = lexShell(src);
    const literal = [...src].filter((_, i) => kinds[i] === Kind.Single).join("");
    expect(literal).toBe("'x\\'y''z'");
  });
});

// ---- the escaping helpers on their own, with any string at all

const anyString = fc.oneof(
  anything,
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(...PAYLOADS),
);

/** Run fn; UnsafeValueError means the helper refused, which is allowed. */
function refusedOr<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UnsafeValueError) return undefined;
    throw error;
  }
}

describe("escaping helpers carry any string exactly or refuse it", () => {
  it("tomlString round-trips through a TOML parser", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const quoted = refusedOr(() => tomlString(value));
        if (quoted === undefined) return;
        expect((TOML.parse(`k = ${quoted}\n[t]\n${quoted} = 1\n`) as any).k).toBe(value);
      }),
      params(500),
    );
  });

  it("yamlString round-trips in YAML 1.1 and 1.2, block and flow", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const quoted = refusedOr(() => yamlString(value));
        if (quoted === undefined) return;
        for (const version of yamlVersions) {
          expect(parseYamlStrict(`k: ${quoted}\nl: [${quoted}, x]\n`, version)).toEqual({ k: value, l: [value, "x"] });
        }
      }),
      params(500),
    );
  });

  const fileContent = fc
    .array(
      fc.oneof(
        anyString,
        fc.constantFrom(
          "BAKE_EOF",
          "BAKE_EOF_1",
          "EOF",
          "BAKE_B64",
          "#cloud-config",
          "  indented",
          "",
          "- item",
          "key: value",
        ),
      ),
      { maxLength: 6 },
    )
    .chain((lines) => fc.constantFrom("", "\n", "\n\n").map((end) => lines.join("\n") + end));

  it("yamlBlock round-trips file content at write_files indentation", () => {
    fc.assert(
      fc.property(fileContent, (content) => {
        const block = refusedOr(() => yamlBlock(content, 6));
        if (block === undefined) return;
        for (const version of yamlVersions) {
          expect(parseYamlStrict(`write_files:\n  - path: /x\n    content: ${block}\n  - path: /y\n`, version)).toEqual(
            { write_files: [{ path: "/x", content }, { path: "/y" }] },
          );
        }
      }),
      params(500),
    );
  });

  it("systemdEnvAssignment reads back as the value under systemd's quoting rules", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const quoted = refusedOr(() => systemdEnvAssignment(value));
        if (quoted === undefined) return;
        expect(quoted).not.toMatch(/[\n\r]/);
        expect(systemdEnvironmentWord(quoted)).toBe(value);
      }),
      params(500),
    );
  });

  it("shellWord is one literal word to bash", () => {
    const values: string[] = [];
    fc.assert(
      fc.property(anyString, (value) => {
        const word = refusedOr(() => shellWord(value));
        if (word === undefined || Buffer.from(value, "utf8").toString("utf8") !== value) return;
        values.push(value);
      }),
      params(500),
    );
    // One bash prints every word NUL-separated; each must come back byte for byte.
    const words = values.map(shellWord);
    const script = `set -u\nprintf '%s\\0' ${words.join(" ")}\n`;
    const file = join(scratch, "words.sh");
    writeFileSync(file, script);
    const r = spawnSync("bash", [file], { encoding: "utf8", cwd: scratch, maxBuffer: 64 * 1024 * 1024 });
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(values);
  });

  it("heredoc and base64Heredoc deliver any file content byte for byte through bash", () => {
    const contents: string[] = [];
    fc.assert(
      fc.property(fileContent, (content) => {
        // A lone surrogate has no UTF-8 form; a spec read from a file cannot hold one.
        if (!content.includes("\0") && Buffer.from(content, "utf8").toString("utf8") === content)
          contents.push(content);
      }),
      params(300),
    );
    const dir = mkdtempSync(join(scratch, "heredoc-"));
    const lines = ["set -eu"];
    contents.forEach((content, i) => {
      if (content.endsWith("\n") && !/[\r\0]/.test(content)) lines.push(`cat > ${dir}/t${i} ${heredoc(content)}`);
      lines.push(`base64 -d > ${dir}/b${i} ${base64Heredoc(content)}`);
    });
    lines.push(`touch ${dir}/done`);
    const file = join(dir, "script.sh");
    writeFileSync(file, lines.join("\n") + "\n");
    const r = spawnSync("bash", [file], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    readFileSync(join(dir, "done"));
    contents.forEach((content, i) => {
      if (content.endsWith("\n") && !/[\r\0]/.test(content))
        expect(readFileSync(join(dir, `t${i}`), "utf8")).toBe(content);
      expect(readFileSync(join(dir, `b${i}`), "utf8")).toBe(content);
    });
  });
});
