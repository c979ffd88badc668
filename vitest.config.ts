import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fast suite. Suites that need more than the tools scripts/test-setup.mjs
    // installs for "fast" run as their own commands: test:ecosystem, test:el, test:vm.
    exclude: ["test/vm/**", "test/ecosystem/**", "test/el/**", "test/terraform/**", "node_modules/**"],
    // the stand-in stdin of the CLI run in-process (test/helpers.ts runCliAsync)
    setupFiles: ["test/support/in-process-stdin.ts"],
    testTimeout: 60_000,
    // The date of kubernetes.version's end-of-life warning, fixed so output does not change with the clock.
    env: { BAKE_TODAY: "2026-12-06" },
    hookTimeout: 120_000,
  },
});
