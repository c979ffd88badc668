// `bake schema` and the shipped schema/bake.schema.json: one schema, no drift.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SCHEMA_FILE } from "../src/schema/shipped.js";
import { schemaDocument, schemaText } from "../src/schema/document.js";
import { inputSchema } from "../src/index.js";
import { ROOT, runCliAsync } from "./helpers.js";

const bake = (...args: string[]) => runCliAsync(args);

describe("bake schema", () => {
  it("the committed schema/bake.schema.json is what the code generates (run npm run schema if not)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(schemaText());
  });

  it("prints the same document on stdout", async () => {
    const r = await bake("schema");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(schemaText());
  });

  it("is the input schema plus $schema, $id and title", () => {
    const doc = schemaDocument();
    expect(doc.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(doc.title).toBe("bake node spec");
    const { $schema: _s, $id: _i, title: _t, ...rest } = doc;
    expect(rest).toEqual(JSON.parse(JSON.stringify(inputSchema())));
  });

  it("describes every key", () => {
    const missing: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      if (typeof node.description !== "string" || node.description === "") missing.push(path || "(root)");
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>))
        walk(child, path ? `${path}.${key}` : key);
    };
    walk(schemaDocument(), "");
    expect(missing).toEqual([]);
  });

  it("an editor-style validator (unknown formats ignored) accepts the examples and rejects a typo", () => {
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
    for (const example of ["examples/minimal.yaml", "examples/guide.yaml"]) {
      expect(
        validate(parse(readFileSync(`${ROOT}/${example}`, "utf8"))),
        `${example}: ${ajv.errorsText(validate.errors)}`,
      ).toBe(true);
    }
    expect(validate({ containerd: { sandboxImag: "x" } })).toBe(false);
    expect(validate({})).toBe(true);
  });
});
