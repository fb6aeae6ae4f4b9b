import { defineConfig } from "vitest/config";

// The browser tests (e2e/): one file, in order, in Node, against the real
// stack e2e/stack.ts starts; npm run test:browser builds the console first.
export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
