// Writes src/render/generated/templates.ts: every templates/*.hbs checked for
// unescaped output and precompiled (run by `npm run build`, before tsc).
import { fileURLToPath } from "node:url";
import { templatesModule } from "./template-check.js";
import { writeGenerated } from "./write-generated.js";

writeGenerated(fileURLToPath(new URL("../src/render/generated/templates.ts", import.meta.url)), templatesModule());
