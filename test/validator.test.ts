// The input validator is ajv standalone code generated at build time: the
// committed src/schema/generated/validate-input.ts must be current, and it must
// report exactly what compiling the schema at run time would.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { ajvFormats } from "../src/schema/ajv-formats.js";
import { validate } from "../src/schema/generated/validate-input.js";
import { inputSchemaJson } from "../src/schema/shipped.js";
import { AJV_OPTIONS, validatorModule } from "../scripts/validator-gen.js";

describe("generated input validator", () => {
  it("the committed src/schema/generated/validate-input.ts is what the schema compiles to (run npm run build if not)", () => {
    expect(readFileSync(new URL("../src/schema/generated/validate-input.ts", import.meta.url), "utf8")).toBe(
      validatorModule(),
    );
  });

  it("reports the same errors as ajv compiling the schema at run time", () => {
    const ajv = new Ajv(AJV_OPTIONS);
    for (const [name, format] of Object.entries(ajvFormats)) ajv.addFormat(name, format);
    const compiled = ajv.compile(inputSchemaJson());
    const generated = validate as unknown as typeof compiled;
    const cases: unknown[] = [
      {},
      { distro: "rocky9", arch: "amd64" },
      {
        distro: "rocky7",
        arhc: 1,
        kernel: { modules: ["a", "a", "B C"], sysctl: { "Bad Key": "x\n", "net.ipv4.ip_forward": 1.5 } },
      },
      {
        containerd: {
          registries: {
            "docker.io": { mirrors: ["ftp://x", { url: "https://m", header: { "bad header": "v" } }, 3] },
            "[::1]": {},
          },
        },
      },
      {
        containerd: { root: "relative", state: 5, oomScore: -5000, proxy: { http: "nope", noProxy: ["a b"] } },
        crictl: { version: "1.2" },
      },
      [],
      "text",
    ];
    for (const data of cases) {
      const a = compiled(data);
      const b = generated(data);
      expect(b).toBe(a);
      expect(generated.errors).toEqual(compiled.errors);
    }
  });
});
