// The input schema as validation and --set use it at run time: the JSON file
// generated from node-spec.ts at build time (a test keeps the two identical).
// Reading JSON here keeps TypeBox out of the CLI's start-up.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The JSON Schema file the package ships (written by scripts/gen-schema.ts at build time). */
export const SCHEMA_FILE = fileURLToPath(new URL("../../schema/bake.schema.json", import.meta.url));

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
}

let cached: JsonSchema | undefined;

export function inputSchemaJson(): JsonSchema {
  cached ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as JsonSchema;
  return cached;
}
