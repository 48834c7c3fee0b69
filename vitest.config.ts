import { defineConfig } from "vitest/config";

// Two layers: unit tests beside the code, end-to-end tests in test/ that run the built bundles.
export default defineConfig({
  test: {
    // Two cores: end-to-end files start servers and child processes, so at most two files at a time.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
