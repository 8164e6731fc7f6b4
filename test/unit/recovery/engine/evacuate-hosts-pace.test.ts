// The engine's pace against the simulator, with the default poll interval: freed slots are refilled within a few
// probes of the finish, from the first wave on, and looks after the first read only what changed.
import { describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../../src/openstack/connect.js";
import { evacuateHosts, type EngineRun } from "../../../../src/recovery/engine/evacuate-hosts.js";
import { DEFAULT_RECOVERY_OPTIONS } from "../../../../src/recovery/engine/recovery-options.js";
import { startSimulator } from "../../../sim/index.js";
import { fenceInSim, quiet, simRun, useSimulator, type Simulator } from "../sim-harness.js";

const LATENCY_MS = 400;
const SLOTS = 4;

describe("evacuateHosts pace", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  // Millisecond timestamps: the test measures each refill against the finish before it from the records.
  useSimulator((bench) => ({ sim, openstack } = bench), () => startSimulator({ seed: 5, evacuateLatencyMs: LATENCY_MS, evacuateJitterMs: 0, subSecondTimestamps: true }));

  it("refills each freed slot within 400 ms of the finish (the poll interval is 2 s), the first wave included", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 12 });
    await fenceInSim(sim, openstack, "compute-1");
    sim.cloud.resetCounts();

    // A ceiling on evacuations in flight, where the engine has one, makes a finish what frees a slot.
    const ceiling = { maxInFlight: SLOTS } as Partial<EngineRun>;
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({
      pollIntervalMs: DEFAULT_RECOVERY_OPTIONS.pollIntervalMs, concurrency: SLOTS, perHostConcurrency: SLOTS, ...ceiling,
    }));

    expect(report).toMatchObject({ done: true, recovered: 12, failed: 0 });
    const migrations = sim.cloud.migrations({ sourceCompute: "compute-1" });
    expect(migrations.every((migration) => migration.status === "done")).toBe(true);
    const created = migrations.map((migration) => migration.createdAt).sort((a, b) => a - b);
    const finished = migrations.map((migration) => migration.updatedAt ?? Number.NaN).sort((a, b) => a - b);
    // The i-th evacuation after the first SLOTS went out in the slot the i-th finish freed.
    const refills = created.slice(SLOTS).map((at, index) => at - (finished[index] as number));
    expect(refills).toHaveLength(12 - SLOTS);
    for (const delay of refills) expect(delay).toBeLessThan(400);
    // One full look; every later look read only what changed.
    const hostListings = sim.cloud.requests().filter((entry) => /servers\/detail\?.*host=compute-1/.test(entry.path));
    expect(hostListings).toHaveLength(1);
  });
});
