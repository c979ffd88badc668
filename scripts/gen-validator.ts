// Writes src/schema/generated/validate-input.ts: ajv standalone code for
// schema/bake.schema.json (run by `npm run build`, after gen-schema, before tsc).
import { fileURLToPath } from "node:url";
import { validatorModule } from "./validator-gen.js";
import { writeGenerated } from "./write-generated.js";

writeGenerated(fileURLToPath(new URL("../src/schema/generated/validate-input.ts", import.meta.url)), validatorModule());
