// vitest config of the VM boot suite (`npm run test:vm`). Separate from the unit tests:
// boots take minutes, run one at a time, and must not run inside `npm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/vm/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 120 * 60_000,
    reporters: ["verbose"],
    // progress lines go to stderr while a VM runs
    disableConsoleIntercept: true,
  },
});
