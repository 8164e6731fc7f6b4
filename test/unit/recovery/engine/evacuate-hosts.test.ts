// The engine loop against the simulator and the real client: recovery to completion, limits, retries, restarts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../../src/openstack/connect.js";
import { evacuateHosts } from "../../../../src/recovery/engine/evacuate-hosts.js";
import type { RequestFailures } from "../../../../src/recovery/engine/plan-host.js";
import type { HostReport, InstanceReport } from "../../../../src/recovery/engine/recovery-report.js";
import {
  doubleEvacuations, evacuatePosts, failedEvacuations, fenceInSim, peakInFlight, quiet, simRun, useSimulator, withEvacuationLatency, type Simulator,
} from "../sim-harness.js";

/** One instance's line of a report, by server name. */
function line(report: HostReport | undefined, name: string): InstanceReport | undefined {
  return report?.instances.find((instance) => instance.name === name);
}

/** Server id of a seeded server name. */
function idOf(sim: Simulator, name: string): string {
  const found = sim.cloud.server(name);
  if (!found) throw new Error(`no server ${name}`);
  return found.uuid;
}

describe("evacuateHosts against the simulator", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  useSimulator((bench) => ({ sim, openstack } = bench));
  beforeEach(() => {
    sim.cloud.seed({ hosts: 4, serversPerHost: 20, shutoffEvery: 4 });
    sim.cloud.resetCounts();
  });
  afterEach(() => sim.cloud.clearFailures());

  it("recovers every instance of a killed, forced-down host to another host, each in its old power state", async () => {
    const before = new Map(sim.cloud.serversOnHost("compute-1").map((server) => [server.uuid, server.vmState]));
    const others = new Set(sim.cloud.servers().filter((server) => server.host !== "compute-1").map((server) => server.uuid));
    expect(before.size).toBe(20);
    expect([...before.values()].filter((state) => state === "stopped")).toHaveLength(5);
    await fenceInSim(sim, openstack, "compute-1");

    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());

    expect(report).toMatchObject({ host: "compute-1", done: true, recovered: 20, failed: 0, pending: 0, inProgress: 0, skipped: 0 });
    for (const [id, vmState] of before) {
      const now = sim.cloud.server(id);
      expect(now?.host).toMatch(/^compute-[234]$/);
      expect(now?.taskState).toBeNull();
      expect(report?.instances.find((instance) => instance.id === id)).toMatchObject({ outcome: "recovered", host: now?.host });
      // An attempt that failed leaves the instance in ERROR, which Nova rebuilds as ACTIVE (see the report).
      if (failedEvacuations(sim, id) === 0) expect(now?.vmState).toBe(vmState);
    }
    expect(sim.cloud.serversOnHost("compute-1")).toEqual([]);
    const posts = evacuatePosts(sim);
    expect([...posts.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [id, count] of posts) expect(count).toBe(1 + failedEvacuations(sim, id));
    expect(doubleEvacuations(sim)).toEqual([]);
    for (const id of others) expect(posts.has(id)).toBe(false);
  });

  it("without waiting for completion returns once every request is accepted", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    await withEvacuationLatency(sim, 2_000, async () => {
      const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({ waitForCompletion: false, concurrency: 32, perHostConcurrency: 32 }));
      expect(report).toMatchObject({ done: true, pending: 0, submitted: 20 });
      expect(report?.inProgress).toBeGreaterThan(0);
      expect(evacuatePosts(sim).size).toBe(20);
    });
  });

  it("never has Nova placing more evacuations at once than the global and per-host limits, and uses them", async () => {
    sim.cloud.seed({ hosts: 5, serversPerHost: 12 });
    await withEvacuationLatency(sim, 400, async () => {
      for (const host of ["compute-1", "compute-2", "compute-3"]) await fenceInSim(sim, openstack, host);
      const reports = await evacuateHosts({ openstack, log: quiet }, ["compute-1", "compute-2", "compute-3"], simRun({ concurrency: 5, perHostConcurrency: 2 }));
      expect(reports.map((item) => [item.host, item.done, item.recovered])).toEqual([["compute-1", true, 12], ["compute-2", true, 12], ["compute-3", true, 12]]);
      const all = sim.cloud.migrations({ migrationType: "evacuation" });
      expect(new Set(all.map((m) => m.instanceUuid)).size).toBe(36);
      expect(doubleEvacuations(sim)).toEqual([]);
      // Placing = accepted, not yet claimed by a destination: the limits are on that, measured by the simulator.
      const peaks = sim.cloud.evacuations.placingPeaks();
      expect(peaks.total).toBe(5);
      expect(peaks.bySource).toEqual({ "compute-1": 2, "compute-2": 2, "compute-3": 2 });
      // A rebuild running on its destination holds no slot, so more run at once than are being placed.
      expect(peakInFlight(all)).toBeGreaterThan(5);
    });
  });

  it("keeps max_in_flight over placing and rebuilding evacuations together", async () => {
    sim.cloud.seed({ hosts: 5, serversPerHost: 12 });
    await withEvacuationLatency(sim, 200, async () => {
      for (const host of ["compute-1", "compute-2"]) await fenceInSim(sim, openstack, host);
      const reports = await evacuateHosts({ openstack, log: quiet }, ["compute-1", "compute-2"], simRun({ concurrency: 8, perHostConcurrency: 8, maxInFlight: 3 }));
      expect(reports.map((item) => item.recovered)).toEqual([12, 12]);
      expect(peakInFlight(sim.cloud.migrations({ migrationType: "evacuation" }))).toBe(3);
    });
  });

  it("retries an instance whose evacuation failed once, and recovers it", async () => {
    sim.cloud.injectFailure({ kind: "migration-fail", server: "vm-00003", times: 1 });
    await fenceInSim(sim, openstack, "compute-1");
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());
    expect(report).toMatchObject({ done: true, recovered: 20, failed: 0 });
    const id = idOf(sim, "vm-00003");
    expect(failedEvacuations(sim, id)).toBeGreaterThanOrEqual(1);
    expect(line(report, "vm-00003")).toMatchObject({ outcome: "recovered", attempts: 1 + failedEvacuations(sim, id) });
    expect(evacuatePosts(sim).get(id)).toBe(1 + failedEvacuations(sim, id));
    expect(sim.cloud.server("vm-00003")).toMatchObject({ vmState: "active", taskState: null });
    expect(doubleEvacuations(sim)).toEqual([]);
  });

  it("puts back SHUTOFF an instance that was stopped, even when a failed first attempt left it in ERROR", async () => {
    const stopped = sim.cloud.serversOnHost("compute-1").find((server) => server.vmState === "stopped");
    if (!stopped) throw new Error("the seed has no stopped server on compute-1");
    sim.cloud.injectFailure({ kind: "migration-fail", server: stopped.uuid, times: 1 });
    await fenceInSim(sim, openstack, "compute-1");
    const originalStates = new Map();
    const [report] = await evacuateHosts({ openstack, log: quiet, originalStates }, ["compute-1"], simRun());
    expect(report).toMatchObject({ done: true, failed: 0 });
    expect(failedEvacuations(sim, stopped.uuid)).toBe(1);
    expect(originalStates.get(stopped.uuid)).toMatchObject({ vmState: "stopped" });
    expect(sim.cloud.server(stopped.uuid)).toMatchObject({ vmState: "stopped", taskState: null });
    expect(sim.cloud.server(stopped.uuid)?.host).not.toBe("compute-1");
  });

  it("gives up on a rebuild that makes no progress within instance_timeout, and finishes the host", async () => {
    sim.cloud.injectFailure({ kind: "slow-rebuild", server: "vm-00002", delayMs: 60_000 });
    await fenceInSim(sim, openstack, "compute-1");
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({ instanceTimeoutMs: 1500 }));
    expect(report).toMatchObject({ done: true, recovered: 19, failed: 1 });
    expect(line(report, "vm-00002")?.reason).toMatch(/^no progress for \d+ s/);
    expect(evacuatePosts(sim).get(idOf(sim, "vm-00002"))).toBe(1);
  });

  it("marks failed an instance that keeps failing, without holding up the others, and finishes the host", async () => {
    sim.cloud.injectFailure({ kind: "migration-fail", server: "vm-00002" });
    sim.cloud.injectFailure({ kind: "evacuate-500", server: "vm-00005" });
    await fenceInSim(sim, openstack, "compute-1");
    const failures = new Map<string, RequestFailures>();
    const [report] = await evacuateHosts({ openstack, log: quiet, failures }, ["compute-1"], simRun());

    expect(report).toMatchObject({ done: true, recovered: 18, failed: 2, pending: 0, inProgress: 0 });
    expect(line(report, "vm-00002")).toMatchObject({ outcome: "failed", attempts: 3, reason: "gave up after 3 attempts (last: migration failed)" });
    expect(line(report, "vm-00005")).toMatchObject({ outcome: "failed", attempts: 3 });
    expect(line(report, "vm-00005")?.reason).toMatch(/^gave up after 3 attempts \(last: .*500/);
    const posts = evacuatePosts(sim);
    expect(posts.get(idOf(sim, "vm-00002"))).toBe(3);
    expect(posts.get(idOf(sim, "vm-00005"))).toBe(3);
    expect(failures.get(idOf(sim, "vm-00005"))?.count).toBe(3);
  });

  it("does not evacuate again an instance Nova took although it answered 500", async () => {
    sim.cloud.injectFailure({ kind: "evacuate-500", server: "vm-00004", applied: true });
    await fenceInSim(sim, openstack, "compute-1");
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());
    expect(report).toMatchObject({ done: true, recovered: 20 });
    expect(evacuatePosts(sim).get(idOf(sim, "vm-00004"))).toBe(1);
  });

  it("gives up on an instance Nova always refuses with 409, and finishes the host", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    const refused = idOf(sim, "vm-00006");
    // Nova answers 409 to every evacuation of this instance (as it does for vTPM or vDPA instances): the simulator
    // refuses a paused instance with 409, so it is paused just for the length of each request.
    const compute = {
      ...openstack.compute,
      evacuate: async (id: string, options?: Parameters<typeof openstack.compute.evacuate>[1]) => {
        if (id !== refused) return openstack.compute.evacuate(id, options);
        sim.cloud.setServerState(id, { vmState: "paused" });
        try {
          return await openstack.compute.evacuate(id, options);
        } finally {
          sim.cloud.setServerState(id, { vmState: "active" });
        }
      },
    };
    const [report] = await evacuateHosts({ openstack: { ...openstack, compute }, log: quiet }, ["compute-1"], simRun({ deadline: Date.now() + 8_000 }));
    expect(report).toMatchObject({ done: true, recovered: 19, failed: 1 });
    expect(line(report, "vm-00006")).toMatchObject({ outcome: "failed", attempts: 3 });
    expect(line(report, "vm-00006")?.reason).toMatch(/^gave up after 3 attempts \(last: .*paused/);
    expect(evacuatePosts(sim).get(refused)).toBe(3);
  });

  it("reports a paused instance as failed with a reason and never asks Nova to evacuate it", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 20, pausedEvery: 5 });
    const paused = sim.cloud.serversOnHost("compute-1").filter((server) => server.vmState === "paused");
    expect(paused).toHaveLength(4);
    await fenceInSim(sim, openstack, "compute-1");
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());
    expect(report).toMatchObject({ done: true, recovered: 16, failed: 4 });
    const posts = evacuatePosts(sim);
    for (const server of paused) {
      expect(report?.instances.find((instance) => instance.id === server.uuid)).toMatchObject({ outcome: "failed", attempts: 0, reason: expect.stringContaining("paused") });
      expect(posts.has(server.uuid)).toBe(false);
    }
  });

  it("resumed by a new run with no memory after some evacuations went out, never evacuates an instance twice", async () => {
    await withEvacuationLatency(sim, 150, async () => {
      sim.cloud.injectFailure({ kind: "migration-fail", server: "vm-00001", times: 1 });
      await fenceInSim(sim, openstack, "compute-1");
      const first = new AbortController();
      const [interrupted] = await evacuateHosts(
        { openstack, log: quiet, onProgress: (reports) => reports.some((item) => item.submitted > 0) && first.abort() },
        ["compute-1"],
        simRun({ concurrency: 8, signal: first.signal }),
      );
      expect(interrupted).toMatchObject({ done: false, submitted: 8 });
      expect(evacuatePosts(sim).size).toBe(8);

      const [resumed] = await evacuateHosts({ openstack, log: quiet, failures: new Map() }, ["compute-1"], simRun({ concurrency: 8 }));
      expect(resumed?.instances.filter((item) => item.outcome !== "recovered")).toEqual([]);
      expect(resumed).toMatchObject({ done: true, recovered: 20, failed: 0 });
      const posts = evacuatePosts(sim);
      expect(posts.size).toBe(20);
      expect(failedEvacuations(sim, idOf(sim, "vm-00001"))).toBeGreaterThanOrEqual(1);
      for (const [id, count] of posts) expect(count).toBe(1 + failedEvacuations(sim, id));
      expect(doubleEvacuations(sim)).toEqual([]);
    });
  });

  it("recovers ten failed hosts at once", async () => {
    sim.cloud.seed({ hosts: 14, serversPerHost: 10, shutoffEvery: 3 });
    const hosts = Array.from({ length: 10 }, (_, index) => `compute-${index + 1}`);
    for (const host of hosts) await fenceInSim(sim, openstack, host);
    const reports = await evacuateHosts({ openstack, log: quiet }, hosts, simRun());
    expect(reports.map((item) => item.host)).toEqual(hosts);
    for (const item of reports) expect(item).toMatchObject({ done: true, recovered: 10, failed: 0 });
    for (const host of hosts) expect(sim.cloud.serversOnHost(host)).toEqual([]);
    expect(sim.cloud.servers().filter((server) => server.host !== null && !/^compute-1[1-4]$/.test(server.host))).toEqual([]);
    expect(evacuatePosts(sim).size).toBe(100);
    expect(doubleEvacuations(sim)).toEqual([]);
  });

  it("recovers a host with 200 instances in mixed states", async () => {
    sim.cloud.seed({ hosts: 4, serversPerHost: 200, shutoffEvery: 3, pausedEvery: 17, errorEvery: 23 });
    const onHost = sim.cloud.serversOnHost("compute-1");
    const paused = onHost.filter((server) => server.vmState === "paused").length;
    const stopped = new Set(onHost.filter((server) => server.vmState === "stopped").map((server) => server.uuid));
    expect(paused).toBeGreaterThan(0);
    expect(onHost.some((server) => server.vmState === "error")).toBe(true);
    await fenceInSim(sim, openstack, "compute-1");
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());
    expect(report).toMatchObject({ done: true, recovered: 200 - paused, failed: paused, pending: 0, inProgress: 0 });
    for (const id of stopped) if (failedEvacuations(sim, id) === 0) expect(sim.cloud.server(id)).toMatchObject({ vmState: "stopped" });
    expect(doubleEvacuations(sim)).toEqual([]);
    expect(sim.cloud.serversOnHost("compute-1").every((server) => server.vmState === "paused")).toBe(true);
  });
});
