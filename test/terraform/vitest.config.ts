// vitest config of the terraform suite (`npm run test:terraform`): needs a terraform binary,
// which CI cannot install, so .ci/run does not run it.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/terraform/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
