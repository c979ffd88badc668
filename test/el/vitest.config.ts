// vitest config of the EL contract test (`npm run test:el`): real dnf and rpm as root in
// an overlay root. Separate from `npm test`, which must run without those tools.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/el/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
