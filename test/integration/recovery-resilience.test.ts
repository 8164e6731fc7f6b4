// End to end in a real Pacemaker cluster: recovery survives NovaEvacuate being stopped mid-way, and attrd losing the flag.
import { afterAll, describe, expect, it } from "vitest";
import { PACEMAKER_LOG, fileOffset } from "../lab/pacemaker/cluster-probe.js";
import { resourceInstances, startedOn } from "../lab/pacemaker/cluster-status.js";
import type { CloudLab } from "../lab/pacemaker/cloud-lab.js";
import { HostWatch } from "../lab/pacemaker/host-watch.js";
import { waitFor } from "../lab/lab-timeline.js";
import { evacuateRequestsPerServer } from "../lab/pacemaker/sim-process.js";
import { report, useCloudLab } from "./lab-fixture.js";

// reconnect_interval=40s: a fenced node is unfenced (powered on, then fence_compute on waits for its evacuation)
// 40 s after its fencing. While an unfencing waits, Pacemaker starts no new transition (NovaEvacuate could be neither
// stopped nor started), so the stops and starts of NovaEvacuate below happen before that.
const lab = useCloudLab("recovery-resilience", { reconnectInterval: "40s", evacuateLatencyMs: 1000 });


/** Runs pcs and expects success. */
async function pcs(l: CloudLab, ...args: string[]): Promise<string> {
  const result = await l.pcs(...args);
  expect(result.exitCode, `pcs ${args.join(" ")}: ${result.all}`).toBe(0);
  return result.stdout;
}

/** Waits until nova-evacuate is stopped (role Stopped, nothing pending) or started on the controller. */
async function novaEvacuateIs(l: CloudLab, state: "Started" | "Stopped"): Promise<void> {
  await waitFor(`nova-evacuate ${state}`, async () => {
    const status = await l.status();
    if (state === "Started") return startedOn(status, "nova-evacuate", l.controller);
    const instances = resourceInstances(status, "nova-evacuate");
    return instances.length > 0 && instances.every((r) => r.role === "Stopped" && !r.pending);
  }, { timeoutMs: 60_000, describe: () => l.describe() });
  l.timeline.mark(`nova-evacuate ${state.toLowerCase()}`);
}

/** Waits until the node runs NovaCompute again and its service is enabled, up, not forced down. */
async function nodeBack(l: CloudLab, node: string): Promise<void> {
  await waitFor(`${node} back: NovaCompute started, service enabled and up`, async () => {
    if (!startedOn(await l.status(), "nova-compute-clone", node)) return false;
    const service = await l.sim.control.computeService(node);
    return service.status === "enabled" && !service.forcedDown && service.state === "up";
  }, { timeoutMs: 150_000, intervalMs: 1000, describe: async () => `${await l.describe()}; ${JSON.stringify(await l.sim.control.computeService(node))}` });
  l.timeline.mark(`${node} back`);
}

/** The host watch of one describe block, stopped after its last test. */
function watchSlot(): { watch?: HostWatch } {
  const slot: { watch?: HostWatch } = {};
  afterAll(async () => {
    await slot.watch?.stop();
  });
  return slot;
}

/** Every tracked server was evacuated exactly once: one evacuate request and one migration record each. */
async function evacuatedOnce(l: CloudLab, w: HostWatch): Promise<void> {
  const requests = evacuateRequestsPerServer(await l.sim.control.requests());
  const migrations = await l.sim.control.migrations(w.host);
  const perServer = w.tracked.map((t) => ({
    name: t.name, requests: requests.get(t.id) ?? 0, migrations: migrations.filter((m) => m.instanceUuid === t.id).length,
  }));
  expect(perServer).toEqual(w.tracked.map((t) => ({ name: t.name, requests: 1, migrations: 1 })));
}

describe("the controller running NovaEvacuate fails mid-recovery", () => {
  const NODE = "compute-1";
  const slot = watchSlot();

  it("stopping NovaEvacuate while evacuations run (its monitor is killed) and starting it again completes the recovery, each instance evacuated once", async () => {
    const l = lab();
    // At most two evacuations at a time, placing or rebuilding, so some have not started when NovaEvacuate stops.
    await pcs(l, "resource", "update", "nova-evacuate", "per_host_concurrency=2", "max_in_flight=2");
    await novaEvacuateIs(l, "Started");
    await l.sim.control.setConfig({ evacuateLatencyMs: 6000 });
    await l.sim.control.resetCounts();
    const w = await HostWatch.start(NODE, l, l.sim.control, l.timeline);
    slot.watch = w;
    const offset = fileOffset(PACEMAKER_LOG);

    await l.powerOff(NODE);
    const notYet = await waitFor("evacuations in flight while others have not started", () => {
      const busy = w.snapshot.servers.filter((s) => s.host === NODE && s.taskState !== null);
      const waiting = w.snapshot.servers.filter((s) => s.host === NODE && s.taskState === null);
      return busy.length > 0 && waiting.length > 0 ? waiting.map((s) => s.uuid) : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100, describe: () => `flags ${JSON.stringify(w.flags)}` });
    l.timeline.mark("evacuations in flight");

    await pcs(l, "resource", "disable", "nova-evacuate");
    await novaEvacuateIs(l, "Stopped");
    expect(l.logTimes(offset, /Terminating in-flight op nova-evacuate_monitor/).length, "the monitor was killed mid-pass").toBeGreaterThan(0);
    // While it is stopped, the instances it had not submitted stay where they are.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const idle = await l.sim.control.servers(NODE);
    expect(notYet.every((id) => idle.some((s) => s.uuid === id && s.taskState === null))).toBe(true);
    expect(w.allRecovered).toBe(false);

    await pcs(l, "resource", "enable", "nova-evacuate");
    await novaEvacuateIs(l, "Started");
    await waitFor(`every instance of ${NODE} recovered`, () => w.allRecovered && w.flags.includes("no"), {
      timeoutMs: 120_000, describe: () => `flags ${JSON.stringify(w.flags)}; not recovered: ${w.notRecovered()}`,
    });
    await evacuatedOnce(l, w);
    expect(w.reasons.find((r) => r.startsWith("nova-ha:evacuated"))).toMatch(new RegExp(`recovered=${w.tracked.length} failed=0`));
    report("controller fails mid-recovery: timeline", l.timeline.format(`${NODE} powered off`));
  });

  it("then the node, powered on again, is unfenced and runs NovaCompute again", async () => {
    const l = lab();
    await l.sim.control.setConfig({ evacuateLatencyMs: 1000 });
    await pcs(l, "resource", "update", "nova-evacuate", "per_host_concurrency=8", "max_in_flight=0");
    await l.powerOn(NODE);
    await nodeBack(l, NODE);
  });
});

describe("attrd loses the flag", () => {
  const NODE = "compute-2";
  const slot = watchSlot();

  it("a node fenced while NovaEvacuate is stopped keeps Nova's marker when attrd loses its evacuate=yes", async () => {
    const l = lab();
    await pcs(l, "resource", "disable", "nova-evacuate");
    await novaEvacuateIs(l, "Stopped");
    await l.sim.control.resetCounts();
    const w = await HostWatch.start(NODE, l, l.sim.control, l.timeline);
    slot.watch = w;
    await l.powerOff(NODE);
    await waitFor(`${NODE} fenced and flagged`, () => w.flags.includes("yes") && w.reasons.some((r) => r.startsWith("nova-ha:fenced")), {
      timeoutMs: 60_000, describe: () => `flags ${JSON.stringify(w.flags)}, reasons ${JSON.stringify(w.reasons)}`,
    });
    expect((await l.attrd()).get(NODE)).toBe("yes");

    await l.crashAttrd();
    const values = await l.attrd();
    expect(values.get(NODE) ?? "", "the flag is gone").toBe("");
    l.timeline.mark(`${NODE} flag lost`);
    const service = await l.sim.control.computeService(NODE);
    expect(service).toMatchObject({ forcedDown: true, status: "disabled" });
    expect(service.disabledReason).toMatch(/^nova-ha:fenced /);
    expect(w.snapshot.servers.every((s) => s.host === NODE)).toBe(true);
  });

  it("NovaEvacuate, started again, recovers the host from Nova's marker alone", async () => {
    const l = lab();
    const w = slot.watch!;
    await pcs(l, "resource", "enable", "nova-evacuate");
    await novaEvacuateIs(l, "Started");
    await waitFor(`every instance of ${NODE} recovered, marker evacuated`, () => w.allRecovered && w.reasons.some((r) => r.startsWith("nova-ha:evacuated")), {
      timeoutMs: 120_000, describe: () => `flags ${JSON.stringify(w.flags)}, reasons ${JSON.stringify(w.reasons)}, not recovered: ${w.notRecovered()}`,
    });
    await evacuatedOnce(l, w);
    expect(w.reasons.find((r) => r.startsWith("nova-ha:evacuated"))).toMatch(new RegExp(`recovered=${w.tracked.length} failed=0`));
  });

  it("then unfencing and NovaCompute proceed", async () => {
    const l = lab();
    await l.powerOn(NODE);
    await nodeBack(l, NODE);
    report("attrd loses the flag: timeline", l.timeline.format(`${NODE} powered off`));
  });
});
