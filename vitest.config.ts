// Test projects: unit (fast, mirrors src/), integration (built bundles + real Pacemaker), nova (real Nova lab), backends (Masakari and Mistral on it).
import { defineConfig } from "vitest/config";
import { LabSharingSequencer } from "./test/integration/lab-order.js";

// The fence agents' token cache stays off unless a test turns it on: tests count requests and restart simulators.
// Inside the Pacemaker lab, pacemaker-fenced runs the agents with its own environment, so the cache works as deployed.
const NO_FENCE_TOKEN_CACHE = { NOVA_HA_RUN_DIR: "" };

/** The four test projects and their settings. */
export default defineConfig({
  test: {
    sequence: { sequencer: LabSharingSequencer },
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/sim/**/*.test.ts"], testTimeout: 20_000, env: NO_FENCE_TOKEN_CACHE } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // One process for every file, so that they can share one cloud lab (test/integration/lab-fixture.ts).
          isolate: false,
          globalSetup: ["test/integration/lab-global.ts"],
        },
      },
      {
        test: {
          name: "nova",
          include: ["test/nova/**/*.test.ts"],
          env: NO_FENCE_TOKEN_CACHE,
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      // Masakari 14 and Mistral 15 on the Nova lab (test/lab/backends/); scripts/test-all.sh runs it after the nova project.
      { test: { name: "backends", include: ["test/backends/**/*.test.ts"], env: NO_FENCE_TOKEN_CACHE, testTimeout: 900_000, hookTimeout: 600_000, fileParallelism: false } },
    ],
  },
});
