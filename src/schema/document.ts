// `bake schema`: the JSON Schema of what a user may write, for editors and other tools.
// It is inputSchema() from the one TypeBox schema validation uses, plus the
// top-level keywords a standalone schema file needs.
import { inputSchema } from "./node-spec.js";

const SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#";
const SCHEMA_ID = "urn:bake-node:node-spec";

/** The standalone JSON Schema document of a bake node spec. */
export function schemaDocument(): Record<string, unknown> {
  // Through JSON: TypeBox's symbol keys stay behind, and callers may mutate the copy.
  const {
    $schema: _dialect,
    $id: _id,
    title: _title,
    ...rest
  } = JSON.parse(JSON.stringify(inputSchema())) as Record<string, unknown>;
  return {
    $schema: SCHEMA_DIALECT,
    $id: SCHEMA_ID,
    title: "bake node spec",
    ...rest,
  };
}

/** The schema as the file text: two-space JSON and a final newline. */
export function schemaText(): string {
  return JSON.stringify(schemaDocument(), null, 2) + "\n";
}
