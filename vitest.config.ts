import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The VM suite boots qemu for minutes; it runs as its own command (npm run test:vm),
    // and so does the EL contract test, which needs dnf and rpm (npm run test:el).
    exclude: ["test/vm/**", "test/el/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
