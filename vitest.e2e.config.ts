import { defineConfig } from "vitest/config";

// End-to-end tests: a real server (started once by the global setup) driven by a real Chromium.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Each file signs in its own users in its own browser; two at a time keeps a small CI machine calm.
    maxWorkers: 2,
    sequence: { concurrent: false },
  },
});
