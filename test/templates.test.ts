// Templates are checked and precompiled at build time: the committed
// src/render/generated/templates.ts must be current, and the check must refuse
// any value printed without an escaping helper.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkTemplate, precompileTemplate, templatesModule } from "../scripts/template-check.js";
import { renderTemplate } from "../src/render/templates.js";

describe("precompiled templates", () => {
  it("the committed src/render/generated/templates.ts is what templates/*.hbs compile to (run npm run build if not)", () => {
    expect(readFileSync(new URL("../src/render/generated/templates.ts", import.meta.url), "utf8")).toBe(
      templatesModule(),
    );
  });

  it("refuses a raw {{x}}, a helper without an argument, an unknown helper and an unknown block", () => {
    expect(() => checkTemplate("t.hbs", "a\n{{x}}\n")).toThrow(
      "template t.hbs: {{x}} at line 2 prints a value without an escaping helper",
    );
    expect(() => checkTemplate("t.hbs", "{{sh}}")).toThrow(
      "{{sh}} at line 1 prints a value without an escaping helper",
    );
    expect(() => checkTemplate("t.hbs", "{{shout x}}")).toThrow(
      "{{shout}} at line 1 prints a value without an escaping helper",
    );
    expect(() => checkTemplate("t.hbs", "{{#if a}}{{{x}}}{{/if}}")).toThrow(
      "{{x}} at line 1 prints a value without an escaping helper",
    );
    expect(() => checkTemplate("t.hbs", "{{#with a}}{{sh x}}{{/with}}")).toThrow(
      "template t.hbs: unknown block {{#with}}",
    );
    expect(() => precompileTemplate("t.hbs", "{{x}}")).toThrow("prints a value without an escaping helper");
    expect(() => checkTemplate("t.hbs", "{{#each xs}}{{sh this}}{{else}}{{line n}}{{/each}}")).not.toThrow();
  });

  it("a missing value is an error, not an empty string", () => {
    expect(() => renderTemplate("crictl.yaml.hbs", {})).toThrow("{{yaml}} expects a string, got undefined");
  });

  it("an unknown template name is an error", () => {
    expect(() => renderTemplate("nope.hbs", {})).toThrow("no template nope.hbs");
  });
});
