// Property tests: hostile strings in containerd's free-form fields, and in several fields at
// once (test/property.test.ts has the others; the two files run side by side in the long run:
//   BAKE_PROPERTY_RUNS=10000 npx vitest run --maxWorkers=2 test/property).
import { FIELDS } from "./support/hostile.js";
import { hostileFieldTests } from "./support/spec-property.js";

hostileFieldTests(
  "hostile values in every free-form field of containerd",
  Object.keys(FIELDS).filter((f) => f.startsWith("containerd.")),
  true,
);
