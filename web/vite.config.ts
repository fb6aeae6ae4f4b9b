import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The API (make dev) listens on 8080; `npm run dev` serves the console on
// 5173 with hot reload and passes /api through to it.
const api = process.env.LABFORGE_API_URL ?? "http://localhost:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    // web/console.go embeds dist; the committed dist/not-built.html stays.
    outDir: "dist/app",
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: { "/api": api },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    // A test clicks through several renders; on a busy machine (make test
    // with other work) that takes seconds, so allow more than the default 5.
    testTimeout: 15_000,
  },
});
