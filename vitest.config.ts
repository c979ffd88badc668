import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The VM suite boots qemu for minutes; it runs as its own command (npm run test:vm).
    exclude: ["test/vm/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
