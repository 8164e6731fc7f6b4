// End to end in a real Pacemaker cluster: a compute node dies (fencing, flag, evacuation) and comes back (unfencing, NovaCompute).
import { afterAll, describe, expect, it } from "vitest";
import { LABPOWER_LOG, PACEMAKER_LOG, fileOffset } from "../lab/pacemaker/cluster-probe.js";
import { type DeviceOperation, startedOn } from "../lab/pacemaker/cluster-status.js";
import { HostWatch, isRecovered } from "../lab/pacemaker/host-watch.js";
import { waitFor } from "../lab/lab-timeline.js";
import { evacuateRequestsPerServer } from "../lab/pacemaker/sim-process.js";
import { report, useCloudLab } from "./lab-fixture.js";

const NODE = "compute-1";
// Each evacuation takes 8 s in the simulator: longer than reconnect_interval (5 s), so the unfencing that comes
// with the reconnect attempt finds the evacuation still running and has to wait for it.
const lab = useCloudLab("node-failure", { evacuateLatencyMs: 8000, reconnectInterval: "5s" });

/** A flag value NovaEvacuate writes while it recovers a host: <node>@<epoch>. */
const IN_PROGRESS = /^[\w.-]+@\d+$/;

/** The device-level operations of one action on the node, in request order. */
function deviceOps(offset: number, action: string): DeviceOperation[] {
  return lab().fenceOperations(offset).filter((op) => op.target === NODE && op.action === action);
}

describe("a compute node dies", () => {
  let watch: HostWatch;
  let logOffset = 0;
  let powerLogOffset = 0;

  afterAll(async () => {
    await watch?.stop();
  });

  it("is fenced through both devices of its level, in order: the power device, then fence_compute", async () => {
    const l = lab();
    watch = await HostWatch.start(NODE, l, l.sim.control, l.timeline);
    expect(watch.tracked.length).toBeGreaterThan(0);
    expect(watch.tracked.some((s) => s.vmState === "stopped")).toBe(true);
    await l.sim.control.resetCounts();
    logOffset = fileOffset(PACEMAKER_LOG);
    powerLogOffset = fileOffset(LABPOWER_LOG);

    await l.powerOff(NODE);
    const ops = await waitFor(`both devices to fence ${NODE}`, () => {
      const off = deviceOps(logOffset, "off");
      return off.some((op) => op.device === "fence-nova" && op.rc !== undefined) ? off : undefined;
    }, { timeoutMs: 60_000, describe: () => l.describe() });

    expect(ops.map((op) => [op.device, op.rc])).toEqual([[`power-${NODE}`, 0], ["fence-nova", 0]]);
    const [power, nova] = ops as [DeviceOperation, DeviceOperation];
    expect(power.finishedAt).toBeLessThanOrEqual(nova.requestedAt ?? 0);
    l.timeline.mark(`${NODE} fenced`, nova.finishedAt);
    // The node boots again at once (a fast BMC, an operator): Pacemaker's reconnect attempt, which it makes together
    // with the unfencing, then finds it up. (Otherwise that attempt fails, and Pacemaker sometimes fences the node
    // once more: "nova-compute:N is thought to be active there".)
    await l.powerOn(NODE);
    expect(l.labPowerCalls(powerLogOffset)[0]).toMatch(new RegExp(`action=off target=${NODE} rc=0 .*caller=pacemaker-fenced`));
    const history = await waitFor("the fencing in stonith_admin --history", async () => {
      const entries = await l.fenceHistory(NODE);
      return entries.find((e) => e.action === "off" && e.state === "successful");
    });
    expect(history.completedAt).toBeGreaterThanOrEqual(l.timeline.require(`${NODE} powered off`) - 1000);
    expect(l.timeline.seconds(`${NODE} powered off`, `${NODE} fenced`)).toBeLessThan(30);
  });

  it("fence_compute off forced the service down, disabled it with the nova-ha:fenced marker and flagged evacuate=yes", async () => {
    const l = lab();
    await waitFor(`attrd evacuate=yes and the fenced marker for ${NODE}`, () => watch.flags.includes("yes") && watch.reasons.some((r) => r.startsWith("nova-ha:fenced")), {
      timeoutMs: 30_000, describe: () => `flags ${JSON.stringify(watch.flags)}, reasons ${JSON.stringify(watch.reasons)}`,
    });
    expect(watch.flags[0]).toBe("yes");
    expect(watch.reasons.find((r) => r.startsWith("nova-ha:"))).toMatch(new RegExp(`^nova-ha:fenced at=\\S+ by=${l.controller}`));
    expect(l.timeline.require(`${NODE} flag yes`)).toBeGreaterThanOrEqual(l.timeline.require(`${NODE} powered off`));
    const service = await l.sim.control.computeService(NODE);
    expect(service).toMatchObject({ forcedDown: true, status: "disabled", state: "down" });
  });

  it("NovaEvacuate's monitor evacuates every instance: each one ACTIVE or SHUTOFF as before, on another host, once", async () => {
    const l = lab();
    await waitFor(`every instance of ${NODE} to be recovered`, () => watch.allRecovered, {
      timeoutMs: 120_000, describe: () => `not recovered: ${watch.notRecovered()}`,
    });
    const servers = await l.sim.control.servers();
    for (const tracked of watch.tracked) {
      const server = servers.find((s) => s.uuid === tracked.id);
      expect(isRecovered(server, tracked, NODE), `${tracked.name}: ${JSON.stringify(server)}`).toBe(true);
      expect([...l.spares, ...l.computes.filter((c) => c !== NODE)]).toContain(server?.host);
    }
    const perServer = evacuateRequestsPerServer(await l.sim.control.requests());
    expect(watch.tracked.map((t) => perServer.get(t.id))).toEqual(watch.tracked.map(() => 1));
  });

  it("ends with the flag at no and the marker at nova-ha:evacuated, then prints the timeline", async () => {
    const l = lab();
    await waitFor("the flag no and the evacuated marker", () => watch.flags.includes("no") && watch.reasons.some((r) => r.startsWith("nova-ha:evacuated")), {
      timeoutMs: 60_000, describe: () => `flags ${JSON.stringify(watch.flags)}, reasons ${JSON.stringify(watch.reasons)}`,
    });
    // The values as attrd itself logged them: polling can miss one (the reconnect that comes with the unfencing may
    // purge the host's values 30 ms after NovaEvacuate wrote its in-progress value; it then goes on from Nova's
    // marker). In any case: yes, then in progress, and no at the end.
    const writes = await waitFor("attrd to log the write of no", () => {
      const all = l.attrdWrites(logOffset, "evacuate", NODE);
      return all.some((write) => write.to === "no") ? all : undefined;
    }, { timeoutMs: 10_000, describe: () => JSON.stringify(l.attrdWrites(logOffset, "evacuate", NODE)) });
    const flags = writes.map((write) => write.to).filter((flag) => flag !== "");
    expect(flags[0], `attrd wrote ${JSON.stringify(flags)}`).toBe("yes");
    expect(flags.findIndex((flag) => IN_PROGRESS.test(flag)), `attrd wrote ${JSON.stringify(flags)}`).toBeGreaterThan(0);
    expect(flags[flags.length - 1], `attrd wrote ${JSON.stringify(flags)}`).toBe("no");
    expect(flags.every((flag) => flag === "yes" || flag === "no" || IN_PROGRESS.test(flag))).toBe(true);
    expect(flags.filter((flag) => IN_PROGRESS.test(flag)).every((flag) => flag.startsWith(`${l.controller}@`))).toBe(true);
    // What the watch polled agrees with it: every value it saw is one attrd wrote.
    expect(watch.flags.filter((flag) => flag !== "").every((flag) => flags.includes(flag)), `watch saw ${JSON.stringify(watch.flags)}`).toBe(true);
    expect(watch.reasons.find((r) => r.startsWith("nova-ha:evacuated"))).toMatch(new RegExp(`recovered=${watch.tracked.length} failed=0`));
    const order = [`${NODE} powered off`, `${NODE} fenced`, `${NODE} flag yes`, `${NODE} first evacuation`, `${NODE} all recovered`, `${NODE} flag no`];
    const times = order.map((label) => l.timeline.require(label));
    expect(times.slice(1, 3).every((t) => t >= times[0]!)).toBe(true);
    expect(times[4]).toBeLessThanOrEqual(times[5]! + 1000);
    report("a compute node dies: timeline", order.map((label) => `${(l.timeline.seconds(order[0]!, label)).toFixed(2).padStart(7)} s  ${label}`).join("\n"));
    expect(l.timeline.seconds(`${NODE} powered off`, `${NODE} flag no`)).toBeLessThan(120);
  });

  describe("and the node comes back", () => {
    it("is unfenced through both devices (power on, then fence_compute on), which returns only once the evacuation is done", async () => {
      const l = lab();
      const ops = await waitFor(`the unfencing of ${NODE} through both devices`, () => {
        const on = deviceOps(logOffset, "on");
        return on.some((op) => op.device === "fence-nova" && op.rc !== undefined) ? on : undefined;
      }, { timeoutMs: 120_000, describe: () => l.describe() });
      const power = ops.find((op) => op.device === `power-${NODE}`);
      const nova = ops.find((op) => op.device === "fence-nova" && op.rc !== undefined);
      expect(power?.rc).toBe(0);
      expect(nova?.rc).toBe(0);
      expect(power!.finishedAt!).toBeLessThanOrEqual(nova!.requestedAt!);
      l.timeline.mark(`${NODE} unfencing started`, power!.requestedAt);
      l.timeline.mark(`${NODE} unfenced`, nova!.finishedAt);
      // It had to wait: the unfencing started before the evacuation was finished, and ended after.
      expect(nova!.requestedAt!).toBeLessThan(l.timeline.require(`${NODE} flag no`));
      expect(nova!.finishedAt!).toBeGreaterThanOrEqual(l.timeline.require(`${NODE} flag no`) - 500);
      expect(l.labPowerCalls(powerLogOffset).some((line) => new RegExp(`action=on target=${NODE} rc=0`).test(line))).toBe(true);
      const history = await l.fenceHistory(NODE);
      expect(history.some((e) => e.action === "on" && e.state === "successful")).toBe(true);
    });

    it("NovaCompute starts only after the unfencing, and its nova-compute heartbeats again", async () => {
      const l = lab();
      await waitFor(`NovaCompute to run on ${NODE}`, async () => startedOn(await l.status(), "nova-compute-clone", NODE), {
        timeoutMs: 120_000, intervalMs: 1000, describe: () => l.describe(),
      });
      // 2.1 and 3.0.0 log both lines; 3.0.3 the second only.
      const starts = l.logTimes(logOffset, new RegExp(`Initiating start operation nova-compute\\S*_start_0 (locally )?on ${NODE}|Requesting local execution of start operation for nova-compute on ${NODE}\\b`));
      const started = l.logTimes(logOffset, new RegExp(`Result of start operation for nova-compute on ${NODE}: ok`, "i"));
      expect(starts.length).toBeGreaterThan(0);
      expect(started.length).toBeGreaterThan(0);
      l.timeline.mark(`${NODE} NovaCompute started`, started[0]);
      expect(starts[0]).toBeGreaterThanOrEqual(l.timeline.require(`${NODE} unfenced`) - 1000);
      const beat = await waitFor(`the nova-compute of ${NODE} to heartbeat`, async () => {
        const service = await l.sim.control.computeService(NODE);
        return service.state === "up" && Date.now() - service.lastHeartbeat < 10_000 ? service : undefined;
      }, { timeoutMs: 60_000 });
      expect(beat.lastHeartbeat).toBeGreaterThan(l.timeline.require(`${NODE} unfenced`));
    });

    it("the service ends up enabled and no longer forced down; the timeline is printed", async () => {
      const l = lab();
      const service = await waitFor(`${NODE}'s service enabled, not forced down, up`, async () => {
        const s = await l.sim.control.computeService(NODE);
        return s.status === "enabled" && !s.forcedDown && s.state === "up" ? s : undefined;
      }, { timeoutMs: 90_000, describe: async () => JSON.stringify(await l.sim.control.computeService(NODE)) });
      l.timeline.mark(`${NODE} service enabled and up`);
      expect(service.disabledReason).toBeNull();
      await watch.stop();
      report("a compute node dies and comes back: timeline", l.timeline.format(`${NODE} powered off`));
    });
  });
});
