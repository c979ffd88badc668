// Writes schema/bake.schema.json from the spec schema (run by `npm run build`).
import { SCHEMA_FILE } from "../src/schema/shipped.js";
import { schemaText } from "../src/schema/document.js";
import { writeGenerated } from "./write-generated.js";

writeGenerated(SCHEMA_FILE, schemaText());
