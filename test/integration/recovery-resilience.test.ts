// End to end in a real Pacemaker cluster: recovery survives NovaEvacuate being stopped mid-way, and attrd losing the flag.
import { describe, expect, it } from "vitest";
import { PACEMAKER_LOG, fileOffset } from "../lab/pacemaker/cluster-probe.js";
import type { HostWatch } from "../lab/pacemaker/host-watch.js";
import { waitFor } from "../lab/lab-timeline.js";
import { report, useCloudLab } from "./lab-fixture.js";
import { evacuatedOnce, nodeBack, pcs, resourceIs, useHostWatches } from "./lab-steps.js";

// reconnect_interval=40s: a fenced node is unfenced (powered on, then fence_compute on waits for its evacuation)
// 40 s after its fencing. While an unfencing waits, Pacemaker starts no new transition (NovaEvacuate could be neither
// stopped nor started), so the stops and starts of NovaEvacuate below happen before that.
const lab = useCloudLab("recovery-resilience", { reconnectInterval: "40s", evacuateLatencyMs: 1000 });

describe("the controller running NovaEvacuate fails mid-recovery", () => {
  const NODE = "compute-1";
  const watch = useHostWatches();

  it("stopping NovaEvacuate while evacuations run (its monitor is killed) and starting it again completes the recovery, each instance evacuated once", async () => {
    const l = lab();
    // At most two evacuations at a time, placing or rebuilding, so some have not started when NovaEvacuate stops.
    // --wait: the restart this update causes is over before the node fails (the pass must run with these limits).
    await pcs(l, "resource", "update", "nova-evacuate", "per_host_concurrency=2", "max_in_flight=2", "--wait=120");
    await resourceIs(l, "nova-evacuate", "Started");
    // The order is forced, not hoped for: the simulator holds every rebuild just before it lands (evacuateHold), so the
    // first two stay in flight, the other two unsent, and the monitor busy, however long pcs takes to stop it (pcs
    // 0.12 on a loaded machine took 12 s, longer than two 6 s rebuilds: the pass had ended before the stop).
    await l.sim.control.setConfig({ evacuateLatencyMs: 6000, evacuateHold: true });
    await l.sim.control.resetCounts();
    const w = await watch(l, NODE);
    const offset = fileOffset(PACEMAKER_LOG);

    await l.powerOff(NODE);
    const notYet = await waitFor("evacuations in flight while others have not started", () => {
      const busy = w.snapshot.servers.filter((s) => s.host === NODE && s.taskState !== null);
      const waiting = w.snapshot.servers.filter((s) => s.host === NODE && s.taskState === null);
      return busy.length > 0 && waiting.length > 0 ? waiting.map((s) => s.uuid) : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100, describe: () => `flags ${JSON.stringify(w.flags)}` });
    l.timeline.mark("evacuations in flight");

    await pcs(l, "resource", "disable", "nova-evacuate");
    await resourceIs(l, "nova-evacuate", "Stopped");
    expect(l.logTimes(offset, /Terminating in-flight op nova-evacuate_monitor/).length, "the monitor was killed mid-pass").toBeGreaterThan(0);
    // While it is stopped, the instances it had not submitted stay where they are.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const idle = await l.sim.control.servers(NODE);
    expect(notYet.every((id) => idle.some((s) => s.uuid === id && s.taskState === null))).toBe(true);
    expect(w.allRecovered).toBe(false);
    // Nova goes on without the controller: the rebuilds in flight land while NovaEvacuate is stopped.
    await l.sim.control.setConfig({ evacuateHold: false });
    l.timeline.mark("evacuations released");

    await pcs(l, "resource", "enable", "nova-evacuate");
    await resourceIs(l, "nova-evacuate", "Started");
    await waitFor(`every instance of ${NODE} recovered`, () => w.allRecovered && w.flags.includes("no"), {
      timeoutMs: 120_000, describe: () => `flags ${JSON.stringify(w.flags)}; not recovered: ${w.notRecovered()}`,
    });
    await evacuatedOnce(l, w);
    expect(w.reasons.find((r) => r.startsWith("nova-ha:evacuated"))).toMatch(new RegExp(`recovered=${w.tracked.length} failed=0`));
    report("controller fails mid-recovery: timeline", l.timeline.format(`${NODE} powered off`));
  });

  it("then the node, powered on again, is unfenced and runs NovaCompute again", async () => {
    const l = lab();
    await l.sim.control.setConfig({ evacuateLatencyMs: 1000, evacuateHold: false });
    await pcs(l, "resource", "update", "nova-evacuate", "per_host_concurrency=8", "max_in_flight=0");
    await l.powerOn(NODE);
    await nodeBack(l, NODE);
  });
});

describe("attrd loses the flag", () => {
  const NODE = "compute-2";
  const watch = useHostWatches();
  let watched: HostWatch | undefined;

  it("a node fenced while NovaEvacuate is stopped keeps Nova's marker when attrd loses its evacuate=yes", async () => {
    const l = lab();
    await pcs(l, "resource", "disable", "nova-evacuate");
    await resourceIs(l, "nova-evacuate", "Stopped");
    await l.sim.control.resetCounts();
    const w = await watch(l, NODE);
    watched = w;
    await l.powerOff(NODE);
    await waitFor(`${NODE} fenced and flagged`, () => w.flags.includes("yes") && w.reasons.some((r) => r.startsWith("nova-ha:fenced")), {
      timeoutMs: 60_000, describe: () => `flags ${JSON.stringify(w.flags)}, reasons ${JSON.stringify(w.reasons)}`,
    });
    // From Pacemaker 3.0.2 the fencing itself purges the flag (docs/compatibility.md); before, it is still there.
    const flag = (await l.attrd()).get(NODE);
    if (await l.purgesFencedNodeAttributes()) expect([undefined, "yes"]).toContain(flag);
    else expect(flag).toBe("yes");

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
    const w = watched!;
    await pcs(l, "resource", "enable", "nova-evacuate");
    await resourceIs(l, "nova-evacuate", "Started");
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
