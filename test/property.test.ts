// Property tests: hostile strings in the free-form fields of the spec (kernel, packages,
// crictl here; containerd's in property-containerd.test.ts, so that the long run uses both
// cores), and in every escaping helper. The property itself is test/support/spec-property.ts.
// Runs per property: BAKE_PROPERTY_RUNS (default a few hundred, so the whole suite stays
// fast); the long run, both files side by side, is
//   BAKE_PROPERTY_RUNS=10000 npx vitest run --maxWorkers=2 test/property
// BAKE_PROPERTY_SEED=<n> replays a failure that fast-check reported.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import TOML from "@iarna/toml";
import { describe, expect, it } from "vitest";
import {
  shellWord,
  systemdEnvAssignment,
  tomlString,
  UnsafeValueError,
  yamlBlock,
  yamlString,
} from "../src/render/escape.js";
import { base64Heredoc, heredoc } from "../src/render/templates.js";
import { anything, FIELDS, PAYLOADS } from "./support/hostile.js";
import { Kind, lexShell } from "./support/shell-lexer.js";
import {
  hostileFieldTests,
  params,
  parseYamlStrict,
  scratch,
  systemdEnvironmentWord,
  timeout,
  yamlVersions,
} from "./support/spec-property.js";

hostileFieldTests(
  "hostile values in every free-form field but containerd's",
  Object.keys(FIELDS).filter((f) => !f.startsWith("containerd.")),
  false,
);

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
  it(
    "tomlString round-trips through a TOML parser",
    () => {
      fc.assert(
        fc.property(anyString, (value) => {
          const quoted = refusedOr(() => tomlString(value));
          if (quoted === undefined) return;
          expect((TOML.parse(`k = ${quoted}\n[t]\n${quoted} = 1\n`) as any).k).toBe(value);
        }),
        params(500),
      );
    },
    timeout,
  );

  it(
    "yamlString round-trips in YAML 1.1 and 1.2, block and flow",
    () => {
      fc.assert(
        fc.property(anyString, (value) => {
          const quoted = refusedOr(() => yamlString(value));
          if (quoted === undefined) return;
          for (const version of yamlVersions) {
            expect(parseYamlStrict(`k: ${quoted}\nl: [${quoted}, x]\n`, version)).toEqual({
              k: value,
              l: [value, "x"],
            });
          }
        }),
        params(500),
      );
    },
    timeout,
  );

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

  it(
    "yamlBlock round-trips file content at write_files indentation",
    () => {
      fc.assert(
        fc.property(fileContent, (content) => {
          const block = refusedOr(() => yamlBlock(content, 6));
          if (block === undefined) return;
          for (const version of yamlVersions) {
            expect(
              parseYamlStrict(`write_files:\n  - path: /x\n    content: ${block}\n  - path: /y\n`, version),
            ).toEqual({ write_files: [{ path: "/x", content }, { path: "/y" }] });
          }
        }),
        params(500),
      );
    },
    timeout,
  );

  it(
    "systemdEnvAssignment reads back as the value under systemd's quoting rules",
    () => {
      fc.assert(
        fc.property(anyString, (value) => {
          const quoted = refusedOr(() => systemdEnvAssignment(value));
          if (quoted === undefined) return;
          expect(quoted).not.toMatch(/[\n\r]/);
          expect(systemdEnvironmentWord(quoted)).toBe(value);
        }),
        params(500),
      );
    },
    timeout,
  );

  it(
    "shellWord is one literal word to bash",
    () => {
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
    },
    timeout,
  );

  it(
    "heredoc and base64Heredoc deliver any file content byte for byte through bash",
    () => {
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
    },
    timeout,
  );
});
