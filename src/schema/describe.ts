// A schema node in words, in the two phrasings bake uses: the full type the
// key catalog shows (bake explain, bake init, docs/reference.md), and the short
// expectation an error message ends with ("must be an integer from -1000 to 1000").
import { formats } from "./formats.js";

type Schema = Record<string, unknown>;

const integerRange = (schema: Schema) => {
  const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
  return minimum !== undefined && maximum !== undefined ? `integer from ${minimum} to ${maximum}` : "integer";
};

const article = (text: string) =>
  /^(a|an|the|one|64|unix|\d)\b/i.test(text) ? text : `${/^[aeiou]/i.test(text) ? "an" : "a"} ${text}`;

/** The type of a schema node in words, for the catalog: "list of module names (no duplicates, at most 64)". */
export function describeType(schema: Schema): string {
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map(String).join(", ")}`;
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(describeType).join(", or ");
  switch (schema.type) {
    case "string": {
      const format = typeof schema.format === "string" ? formats[schema.format] : undefined;
      return format ? `string: ${format.expected}` : "string";
    }
    case "integer":
      return integerRange(schema);
    case "boolean":
      return "boolean";
    case "array": {
      const limits = [
        schema.uniqueItems ? "no duplicates" : "",
        typeof schema.minItems === "number" ? `at least ${schema.minItems}` : "",
        typeof schema.maxItems === "number" ? `at most ${schema.maxItems}` : "",
      ].filter(Boolean);
      return `list of ${describeItem(schema.items as Schema)}${limits.length ? ` (${limits.join(", ")})` : ""}`;
    }
    case "object": {
      if (schema.properties) return "mapping";
      const keyFormat = (schema.propertyNames as Schema | undefined)?.format;
      const keyText = typeof keyFormat === "string" ? (formats[keyFormat]?.expected ?? keyFormat) : "name";
      return `mapping of ${keyText} to ${describeItem(schema.additionalProperties as Schema)}`;
    }
    default:
      return String(schema.type ?? "any");
  }
}

function describeItem(schema: Schema): string {
  if (schema.type === "object" && schema.properties) return "mappings";
  if (schema.type === "string" && typeof schema.format === "string" && formats[schema.format])
    return article(formats[schema.format]!.expected.replace(/^(a|an) /, ""));
  return article(describeType(schema));
}

/** What a value must be, for an error message: a noun phrase with its article, naming no list or map contents. */
export function describeExpected(schema: Schema): string {
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(describeExpected).join(" or ");
  if (typeof schema.format === "string") return formats[schema.format]?.expected ?? `a ${schema.format}`;
  if (schema.type === "integer") return article(integerRange(schema));
  if (schema.type === "object") return "a mapping";
  if (schema.type === "array") return "a list";
  return `a ${String(schema.type)}`;
}
