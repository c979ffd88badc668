// vitest config of the ecosystem suite (`npm run test:ecosystem`): bake's output
// checked by other projects' tools that take a built root or a download to set
// up: cloud-init 25.1 in a Debian trixie root, packer validate, npm pack + install.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/ecosystem/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
