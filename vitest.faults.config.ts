import { defineConfig } from "vitest/config";

// Fault injection (test/faults): kills server processes, restarts PostgreSQL, fills the disk. Run alone,
// one file at a time — a PostgreSQL restart would disturb any other test running at the same moment:
//   npx vitest run --config vitest.faults.config.ts
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    env: { KEYWARD_FAULTS: "1" },
    fileParallelism: false,
    pool: "forks",
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
