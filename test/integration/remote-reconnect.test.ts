// End to end in a real Pacemaker cluster: a fenced node reconnects mid-recovery, attrd drops its flag, and the recovery completes from Nova's marker.
import { afterAll, describe, expect, it } from "vitest";
import type { CloudLab } from "../lab/pacemaker/cloud-lab.js";
import { PACEMAKER_LOG, fileOffset } from "../lab/pacemaker/cluster-probe.js";
import { remoteOnline, startedOn } from "../lab/pacemaker/cluster-status.js";
import { NOVA_FENCE_DEVICE, levelDone, levelOperations } from "../lab/pacemaker/fence-level.js";
import { HostWatch, isRecovered } from "../lab/pacemaker/host-watch.js";
import { run } from "../lab/lab-process.js";
import { waitFor } from "../lab/lab-timeline.js";
import { evacuateRequestsPerServer } from "../lab/pacemaker/sim-process.js";
import { report, useCloudLab } from "./lab-fixture.js";

const NODE = "compute-1";
// The order is forced, not hoped for:
// - the simulator holds every rebuild just before it lands (evacuateHold) until the test releases it, so the
//   evacuations are in flight whenever the purge comes;
// - the test brings the connection back itself, once the evacuations are in flight: it powers the node on and runs
//   `pcs resource cleanup` on its connection, as an operator does after a repair. The cluster then starts the
//   connection (the controller purges the node's attrd values as it comes up) and, beside it, the unfencing, whose
//   fence_compute on waits for the recovery. reconnect_interval=120s keeps Pacemaker's own reconnect out of the way.
//   (That own reconnect is no forced order: its connection start waits for the expired failure to be cleared, and
//   that clearing aborts the transition; when the abort wins, the start waits behind the unfencing, that is, until the
//   recovery is done. Seen in 2 of 10 runs here.)
// - load-threshold=2000%: at "high load" (a busy 2-core lab) the controller runs one action at a time; when the
//   unfencing goes first, the connection start waits behind it until the recovery is done.
// - pass_budget=3: a monitor pass returns after 3 s and the next one (10 s later) must find the host again. After the
//   purge, attrd has no flag for it: only Nova's marker (disabled_reason "nova-ha:evacuating ...") tells.
const lab = useCloudLab("remote-reconnect", { reconnectInterval: "120s", evacuateLatencyMs: 2000, loadThreshold: "2000%" });
const PASS_BUDGET_S = 3;

/** A flag value NovaEvacuate writes while it recovers a host: <node>@<epoch>. */
const IN_PROGRESS = /^[\w.-]+@\d+$/;

// What the steps below hand on to each other.
let watch: HostWatch;
/** pacemaker.log offset before the power-off. */
let logOffset = 0;
/** The in-progress value NovaEvacuate wrote before the purge. */
let firstInProgress = "";
/** When attrd purged the node's values at the reconnect. */
let purgedAt = Number.POSITIVE_INFINITY;

/** attrd's evacuate value for one node, straight from `attrd_updater -Q -n evacuate -N node` ("" when it has none). */
async function attrdValue(node: string): Promise<string> {
  const result = await run("attrd_updater", ["-Q", "-n", "evacuate", "-N", node], { timeoutMs: 15_000 });
  if (result.exitCode === 78) return ""; // no host has the attribute at all
  expect(result.exitCode, `attrd_updater -Q -n evacuate -N ${node}: ${result.stderr}`).toBe(0);
  return /value="([^"]*)"/.exec(result.stdout)?.[1] ?? "";
}

/** The in-progress value's time in ms ("vm@1795250994" → 1795250994000). */
function epochMs(value: string): number {
  return Number(value.split("@").pop()) * 1000;
}

/** Every tracked server is still on the node in its held rebuild, and no evacuation is done. */
async function stillInFlight(l: CloudLab): Promise<void> {
  const servers = await l.sim.control.servers();
  const tracked = watch.tracked.map((t) => servers.find((s) => s.uuid === t.id));
  expect(tracked.every((s) => s?.host === NODE && s.taskState === "rebuild_spawning"), JSON.stringify(tracked)).toBe(true);
  expect((await l.sim.control.migrations(NODE)).every((m) => m.status !== "done")).toBe(true);
}

/** attrd's own log of writes to the node's evacuate value made while it had none, after the reconnect's purge. */
function writesAfterPurge(l: CloudLab): { at: number; value: string }[] {
  return l.attrdWrites(logOffset, "evacuate", NODE).flatMap((write) =>
    write.from === undefined && write.at !== undefined && write.at >= purgedAt ? [{ at: write.at, value: write.to }] : []);
}

describe("a fenced compute node reconnects while NovaEvacuate recovers it, and attrd drops its flag", () => {
  afterAll(async () => {
    await watch?.stop();
    await lab().sim.control.setConfig({ evacuateHold: false }).catch(() => undefined);
  });

  it("(1) the node, powered off, is fenced through both devices of its level and flagged evacuate=yes", async () => {
    const l = lab();
    const update = await l.pcs("resource", "update", "nova-evacuate", `pass_budget=${PASS_BUDGET_S}`, "--wait=120");
    expect(update.exitCode, update.all).toBe(0);
    await waitFor("nova-evacuate started with pass_budget", async () => startedOn(await l.status(), "nova-evacuate", l.controller), { timeoutMs: 60_000, describe: () => l.describe() });
    await l.sim.control.setConfig({ evacuateHold: true });
    await l.sim.control.resetCounts();
    watch = await HostWatch.start(NODE, l, l.sim.control, l.timeline, 100);
    expect(watch.tracked.length).toBeGreaterThan(0);
    logOffset = fileOffset(PACEMAKER_LOG);

    await l.powerOff(NODE);
    const [power, nova, ...more] = await levelDone(l, NODE, "off", logOffset);
    expect([power, nova, ...more].map((op) => `${op?.device}:${op?.rc}`)).toEqual([`power-${NODE}:0`, `${NOVA_FENCE_DEVICE}:0`]);
    expect(power!.finishedAt).toBeLessThanOrEqual(nova!.requestedAt ?? 0);
    l.timeline.mark(`${NODE} fenced`, nova!.finishedAt);
    await waitFor(`attrd evacuate=yes and the fenced marker for ${NODE}`, () => watch.flags.includes("yes") && watch.reasons.some((r) => r.startsWith("nova-ha:fenced")), {
      timeoutMs: 30_000, describe: () => `flags ${JSON.stringify(watch.flags)}, reasons ${JSON.stringify(watch.reasons)}`,
    });
  });

  it("(2) NovaEvacuate marks the host in progress (attrd and Nova) and submits every evacuation; all stay in flight", async () => {
    const l = lab();
    const tracked = new Set(watch.tracked.map((t) => t.id));
    const migrations = await waitFor(`every evacuation of ${NODE} submitted and held in flight`, async () => {
      const list = (await l.sim.control.migrations(NODE)).filter((m) => tracked.has(m.instanceUuid));
      const servers = watch.snapshot.servers;
      return list.length === tracked.size && servers.length === tracked.size && servers.every((s) => s.taskState === "rebuild_spawning") ? list : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200, describe: () => `flags ${JSON.stringify(watch.flags)}; ${watch.notRecovered()}` });
    l.timeline.mark(`${NODE} evacuations in flight`);
    expect(migrations.every((m) => m.status !== "done")).toBe(true);
    expect(watch.snapshot.servers.every((s) => s.host === NODE)).toBe(true);
    firstInProgress = await attrdValue(NODE);
    expect(firstInProgress).toMatch(IN_PROGRESS);
    expect(firstInProgress.startsWith(`${l.controller}@`)).toBe(true);
    expect(watch.snapshot.service?.disabledReason).toMatch(/^nova-ha:evacuating /);
    // The reconnect cannot have happened yet: the node is still off.
    expect(remoteOnline(await l.status(), NODE)).toBe(false);
  });

  it("(3) powered on, the node reconnects with its unfencing; attrd drops its evacuate value while the evacuations are still in flight", async () => {
    const l = lab();
    await l.powerOn(NODE);
    const cleanup = await l.pcs("resource", "cleanup", NODE);
    expect(cleanup.exitCode, cleanup.all).toBe(0);
    l.timeline.mark(`${NODE} connection cleaned up`);
    await waitFor(`${NODE}'s connection started again`, async () => remoteOnline(await l.status(), NODE), {
      timeoutMs: 60_000, intervalMs: 250, describe: () => l.describe(),
    });
    l.timeline.mark(`${NODE} reconnected`);
    const purge = l.logTimes(logOffset, new RegExp(`Removing all ${NODE} attributes`)).find((at) => at >= l.timeline.require(`${NODE} powered on`));
    expect(purge, `pacemaker.log: attrd purges ${NODE} after the power-on`).toBeDefined();
    purgedAt = l.timeline.mark(`${NODE} attrd purged`, purge);
    // The unfencing came with the reconnect: fence_compute on waits, since the evacuations cannot finish.
    await waitFor(`fence_compute on for ${NODE} to be waiting`, () => levelOperations(l, NODE, "on", logOffset).some((op) => op.device === NOVA_FENCE_DEVICE && op.requestedAt !== undefined && op.rc === undefined), {
      timeoutMs: 30_000, describe: () => JSON.stringify(levelOperations(l, NODE, "on", logOffset)),
    });
    // Gone: the watch (attrd_updater -Q every 100 ms) saw no value, or attrd itself logged the next write as "(unset) -> …".
    await waitFor(`attrd to have no evacuate value for ${NODE} after the purge`, () => watch.flags.lastIndexOf("") > watch.flags.indexOf(firstInProgress) || writesAfterPurge(l).length > 0, {
      timeoutMs: 40_000, intervalMs: 100, describe: () => `flags ${JSON.stringify(watch.flags)}`,
    });
    const now = await attrdValue(NODE);
    expect(now === "" || (IN_PROGRESS.test(now) && epochMs(now) >= purgedAt - 1000), `attrd evacuate[${NODE}]=${now}: none, or written after the purge`).toBe(true);
    await stillInFlight(l);
  });

  it("(3b) NovaEvacuate's next pass finds the host from Nova's marker alone and records it in progress again", async () => {
    const l = lab();
    const write = await waitFor(`NovaEvacuate to write evacuate[${NODE}] again, over no value`, () => writesAfterPurge(l)[0], {
      timeoutMs: 40_000, intervalMs: 200, describe: () => `flags ${JSON.stringify(watch.flags)}, reasons ${JSON.stringify(watch.reasons)}`,
    });
    l.timeline.mark(`${NODE} picked up from the marker`, write.at);
    expect(write.value).toMatch(new RegExp(`^${l.controller}@\\d+$`));
    expect(watch.snapshot.service?.disabledReason).toMatch(/^nova-ha:evacuating /);
    await stillInFlight(l);
  });

  it("(4) released, the evacuations land and NovaEvacuate completes: each instance once, flag no, marker evacuated", async () => {
    const l = lab();
    await l.sim.control.setConfig({ evacuateHold: false });
    l.timeline.mark(`${NODE} evacuations released`);
    await waitFor(`every instance of ${NODE} recovered, flag no, marker evacuated`, () => watch.allRecovered && watch.flags.at(-1) === "no" && watch.reasons.some((r) => r.startsWith("nova-ha:evacuated")), {
      timeoutMs: 90_000, describe: () => `flags ${JSON.stringify(watch.flags)}, reasons ${JSON.stringify(watch.reasons)}, not recovered: ${watch.notRecovered()}`,
    });
    const servers = await l.sim.control.servers();
    for (const tracked of watch.tracked) {
      const server = servers.find((s) => s.uuid === tracked.id);
      expect(isRecovered(server, tracked, NODE), `${tracked.name}: ${JSON.stringify(server)}`).toBe(true);
    }
    const requests = evacuateRequestsPerServer(await l.sim.control.requests());
    const migrations = await l.sim.control.migrations(NODE);
    expect(watch.tracked.map((t) => ({ name: t.name, requests: requests.get(t.id) ?? 0, migrations: migrations.filter((m) => m.instanceUuid === t.id).length })))
      .toEqual(watch.tracked.map((t) => ({ name: t.name, requests: 1, migrations: 1 })));
    expect(watch.reasons.find((r) => r.startsWith("nova-ha:evacuated"))).toMatch(new RegExp(`recovered=${watch.tracked.length} failed=0`));
    expect(await attrdValue(NODE)).toBe("no");
    // The steps happened in this order (the flag turned yes inside fence_compute off, so it may come just before "fenced").
    const order = [`${NODE} powered off`, `${NODE} fenced`, `${NODE} evacuations in flight`, `${NODE} attrd purged`,
      `${NODE} picked up from the marker`, `${NODE} evacuations released`, `${NODE} all recovered`, `${NODE} flag no`];
    const times = order.map((label) => l.timeline.require(label));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!), l.timeline.format(`${NODE} powered off`)).toBe(true);
    const flagYes = l.timeline.require(`${NODE} flag yes`);
    expect(flagYes >= times[0]! && flagYes <= l.timeline.require(`${NODE} evacuations in flight`)).toBe(true);
  });

  it("(5) unfencing proceeds and NovaCompute runs on the node again; its service ends enabled, up, not forced down", async () => {
    const l = lab();
    const on = await levelDone(l, NODE, "on", logOffset, 90_000);
    expect(on.find((op) => op.device === `power-${NODE}`)?.rc).toBe(0);
    const nova = on.find((op) => op.device === NOVA_FENCE_DEVICE && op.rc !== undefined);
    expect(nova?.rc).toBe(0);
    l.timeline.mark(`${NODE} unfenced`, nova?.finishedAt);
    // fence_compute on waited for the recovery: it returned only after the flag went to no.
    expect(nova!.finishedAt!).toBeGreaterThanOrEqual(l.timeline.require(`${NODE} flag no`) - 500);
    const service = await waitFor(`${NODE} back: NovaCompute started, service enabled, up, not forced down`, async () => {
      if (!startedOn(await l.status(), "nova-compute-clone", NODE)) return undefined;
      const s = await l.sim.control.computeService(NODE);
      return s.status === "enabled" && !s.forcedDown && s.state === "up" ? s : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1000, describe: async () => `${await l.describe()}; ${JSON.stringify(await l.sim.control.computeService(NODE))}` });
    l.timeline.mark(`${NODE} back`);
    expect(service.disabledReason).toBeNull();
    await watch.stop();
    report("remote reconnect mid-recovery: timeline", l.timeline.format(`${NODE} powered off`));
  });
});
