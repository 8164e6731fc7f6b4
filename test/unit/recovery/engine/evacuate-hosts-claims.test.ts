// The engine refills a placing slot from the probe that sees a destination claim it, without waiting for a look.
import { describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../../src/openstack/connect.js";
import { evacuateHosts } from "../../../../src/recovery/engine/evacuate-hosts.js";
import { DEFAULT_RECOVERY_OPTIONS } from "../../../../src/recovery/engine/recovery-options.js";
import { calibratedApiLatency } from "../../../sim/api-latency.js";
import { startSimulator } from "../../../sim/index.js";
import { fenceInSim, quiet, simRun, useSimulator, type Simulator } from "../sim-harness.js";

const LATENCY_MS = 800;
/** The simulator's destination claims an evacuation (pre-migrating) this far into its latency. */
const CLAIM_FRACTION = 0.25;
const SLOTS = 4;
const INSTANCES = 16;

describe("evacuateHosts refills from probes", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  // Millisecond timestamps: the test measures each refill against the claim before it from the records.
  useSimulator((bench) => ({ sim, openstack } = bench), () => startSimulator({ seed: 7, evacuateLatencyMs: LATENCY_MS, evacuateJitterMs: 0, subSecondTimestamps: true }));

  it("sends each next evacuation from the probe that saw a destination's claim, before any look, within the limit", async () => {
    sim.cloud.seed({ hosts: 4, serversPerHost: INSTANCES });
    await fenceInSim(sim, openstack, "compute-1");
    sim.cloud.resetCounts();
    // Each route answers as slowly as in the real Nova lab: a look (93 ms for the servers listing) costs more than a
    // probe of the migrations (11 ms), so waiting for a look shows.
    sim.cloud.config.routeDelayMs = calibratedApiLatency().routeDelayMs;

    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({
      pollIntervalMs: DEFAULT_RECOVERY_OPTIONS.pollIntervalMs, concurrency: SLOTS, perHostConcurrency: SLOTS,
    }));

    sim.cloud.config.routeDelayMs = {};
    expect(report).toMatchObject({ done: true, recovered: INSTANCES, failed: 0 });
    expect(sim.cloud.evacuations.placingPeaks().total).toBe(SLOTS);
    const created = sim.cloud.migrations({ sourceCompute: "compute-1" }).map((migration) => migration.createdAt).sort((a, b) => a - b);
    const claimed = created.map((at) => at + LATENCY_MS * CLAIM_FRACTION);
    // The i-th evacuation after the first SLOTS went out in the slot the i-th claim freed.
    const refills = created.slice(SLOTS).map((at, index) => at - (claimed[index] as number));
    expect(refills).toHaveLength(INSTANCES - SLOTS);
    expect(Math.min(...refills)).toBeGreaterThanOrEqual(0);
    // Every refill went out between the claim it follows and the next look at the host's servers: from the probe.
    const requests = sim.cloud.requests();
    const looks = requests.filter((entry) => /servers\/detail/.test(entry.path)).map((entry) => entry.at);
    const probes = requests.filter((entry) => /os-migrations\?.*source_compute=compute-1/.test(entry.path)).map((entry) => entry.at);
    created.slice(SLOTS).forEach((at, index) => {
      const claim = claimed[index] as number;
      expect(looks.filter((look) => look > claim && look < at), `a look between claim ${index} and its refill`).toEqual([]);
      expect(probes.some((probe) => probe > claim && probe < at), `a probe between claim ${index} and its refill`).toBe(true);
    });
    expect(Math.max(...refills), `refills ${refills.map(Math.round).join(", ")} ms after the claims`).toBeLessThan(400);
  });
});
