// End to end in a real Pacemaker cluster (2.1.5 on this machine, 3.0 in the trixie chroot: lab-suite.sh vitest), one
// agent swapped at a time beside the peers (issue 14): the peer's Python fence_compute (the release's own fence-agents:
// 4.12 on Debian 12, 4.16 on Debian 13) with our NovaEvacuate; ours on both sides with the node's attributes purged
// right after fencing (as Pacemaker 3.0.2 does); our fence_compute with the shell NovaEvacuate (its double, test/peers/).
import { describe, expect, it } from "vitest";
import { PACEMAKER_LOG, fileOffset } from "../lab/pacemaker/cluster-probe.js";
import type { CloudLab } from "../lab/pacemaker/cloud-lab.js";
import type { HostWatch } from "../lab/pacemaker/host-watch.js";
import { run } from "../lab/lab-process.js";
import { waitFor } from "../lab/lab-timeline.js";
import { PEER_FENCE_COMPUTE, installNovaEvacuateDouble, installPeerFenceCompute } from "../lab/pacemaker/peer-lab.js";
import { report, useCloudLab } from "./lab-fixture.js";
import { evacuatedOnce, nodeBack, pcs, resourceIs, useHostWatches } from "./lab-steps.js";

// reconnect_interval=20s: each node is unfenced 20 s after its fencing, once its recovery (a monitor away, 10 s at
// most, then 1 s per evacuation) is done; the peer's `on` takes an attrd value purged by the reconnect for "done".
const lab = useCloudLab("peer-mixes", { computes: 3, reconnectInterval: "20s", evacuateLatencyMs: 1000 });
const watch = useHostWatches();

/** Powers a node off and waits until every instance is recovered; returns the watch. */
async function failAndRecover(l: CloudLab, node: string, afterFlag?: () => Promise<void>): Promise<HostWatch> {
  // Instances land on the spares only: never on a node that fails next, nor on one whose lab nova-compute, starved
  // on a loaded machine, the simulator takes for dead (it then queues the rebuild until that node comes back).
  await l.sim.control.setConfig({ unschedulable: Object.fromEntries(l.computes.map((c) => [c, true])) });
  await l.sim.control.resetCounts();
  const w = await watch(l, node);
  await l.powerOff(node);
  if (afterFlag) await afterFlag();
  await waitFor(`every instance of ${node} recovered`, () => w.allRecovered, {
    timeoutMs: 120_000, describe: () => `flags ${JSON.stringify(w.flags)}, reasons ${JSON.stringify(w.reasons)}, not recovered: ${w.notRecovered()}`,
  });
  await evacuatedOnce(l, w);
  return w;
}

/** Our NovaEvacuate's evacuated marker, once written (a second or two after the last instance is back). */
async function evacuatedMarker(w: HostWatch): Promise<string> {
  return waitFor(`the evacuated marker of ${w.host}`, () => w.reasons.find((r) => r.startsWith("nova-ha:evacuated")), {
    timeoutMs: 30_000, describe: () => JSON.stringify(w.reasons),
  });
}


describe("the peer's Python fence_compute (the release's fence-agents) with our NovaEvacuate", () => {
  const NODE = "compute-2";

  it("recovers every instance exactly once from the peer's evacuate=yes (no Nova marker of ours)", async () => {
    const l = lab();
    installPeerFenceCompute(l);
    const { authUrl } = l.sim;
    await pcs(l, "stonith", "create", "fence-nova-peer", PEER_FENCE_COMPUTE, `auth_url=${authUrl}`, "username=admin", "password=secret",
      "tenant_name=admin", `pcmk_host_list=${NODE}`, "pcmk_on_timeout=600s", "op", "monitor", "interval=60s", "timeout=180s", "meta", "provides=unfencing");
    // fence-nova is left as it is: the level decides which devices fence and unfence the node, and an update would
    // restart the device (a stop under load once timed out on 2.1.5, leaving the controller UNCLEAN).
    await pcs(l, "stonith", "level", "clear", "target", NODE); // pcs 0.12 needs the keyword; 0.11 takes it too
    await pcs(l, "stonith", "level", "add", "1", NODE, `power-${NODE}`, "fence-nova-peer");
    await resourceIs(l, "fence-nova-peer", "Started");
    // A new device that requires unfencing makes Pacemaker unfence every node ("because the definition of
    // fence-nova-peer changed"), restarting NovaCompute on each: that transition must end before the power goes, or a
    // NovaCompute stop left in flight on the dead node holds the fencing back for the stop's whole timeout (3.0.3).
    const settled = await run("crm_resource", ["--wait", "--timeout", "180s"], { timeoutMs: 200_000 });
    expect(settled.exitCode, settled.all).toBe(0);
    const w = await failAndRecover(l, NODE);
    expect(w.flags).toContain("yes");
    expect(w.reasons.some((r) => r.startsWith("nova-ha:fenced")), "the peer writes no marker").toBe(false);
    expect(await evacuatedMarker(w)).toMatch(new RegExp(`recovered=${w.tracked.length} failed=0`));
  });

  it("the peer's unfencing re-enables the node and NovaCompute runs again", async () => {
    const l = lab();
    await l.powerOn(NODE);
    await nodeBack(l, NODE);
    report("peer fence_compute + our NovaEvacuate: timeline", l.timeline.format(`${NODE} powered off`));
  });
});

describe("ours on both sides, the node's attributes purged right after fencing (Pacemaker 3.0.2)", () => {
  const NODE = "compute-3";

  it("recovers every instance exactly once from Nova's marker", async () => {
    const l = lab();
    const offset = fileOffset(PACEMAKER_LOG);
    let purgedByHarness = false;
    const w = await failAndRecover(l, NODE, async () => {
      // As soon as fence_compute's yes lands (attrd's log: Pacemaker 3.0.2+ purges it within milliseconds, before any
      // poll sees it), purge it, as the 3.0.2 controller does right after fencing, unless Pacemaker already did.
      await waitFor(`attrd to log evacuate=yes for ${NODE}`, () => l.attrdWrites(offset, "evacuate", NODE).some((write) => write.to === "yes"), { timeoutMs: 60_000, intervalMs: 50, describe: () => l.describe() });
      if ((await l.attrd()).get(NODE) === "yes") {
        const purged = await run("attrd_updater", ["-p", "-n", "evacuate", "-N", NODE, "-D"], { timeoutMs: 15_000 });
        expect(purged.exitCode, purged.stderr).toBe(0);
        purgedByHarness = true;
      }
      l.timeline.mark(`${NODE} attributes purged${purgedByHarness ? "" : " by Pacemaker"}`);
    });
    const writes = l.attrdWrites(offset, "evacuate", NODE).map((write) => write.to);
    if (purgedByHarness) expect(writes.slice(0, 2), `attrd wrote ${JSON.stringify(writes)}`).toEqual(["yes", ""]);
    else expect(l.logTimes(offset, new RegExp(`Removing all ${NODE} attributes`)).length, "Pacemaker's own purge").toBeGreaterThan(0);
    expect(await evacuatedMarker(w)).toMatch(new RegExp(`recovered=${w.tracked.length} failed=0`));
  });

  it("then the node is unfenced and NovaCompute runs again", async () => {
    const l = lab();
    await l.powerOn(NODE);
    await nodeBack(l, NODE);
    report("post-fencing purge: timeline", l.timeline.format(`${NODE} powered off`));
  });
});

describe("our fence_compute with the shell NovaEvacuate (its double)", () => {
  const NODE = "compute-1";

  it("the shell agent sees a compute host's flag where -A lists every host: on 3.0 as it is; on 2.1.5 (pacemaker#3027) only with -A answered as fixed versions do", async () => {
    const l = lab();
    const buggyAttrd = (await l.pacemakerVersion()).startsWith("2.");
    installNovaEvacuateDouble(l);
    await pcs(l, "resource", "disable", "nova-evacuate");
    await resourceIs(l, "nova-evacuate", "Stopped");
    const offset = fileOffset(PACEMAKER_LOG);
    await pcs(l, "resource", "create", "peer-nova-evacuate", "ocf:peers:NovaEvacuate", `auth_url=${l.sim.authUrl}`, "username=admin", "password=secret",
      "tenant_name=admin", "no_shared_storage=true", "op", "monitor", "interval=5s", "timeout=600s");
    await pcs(l, "constraint", "location", "peer-nova-evacuate", "rule", "resource-discovery=never", "score=-INFINITY", "osprole", "eq", "compute");
    await resourceIs(l, "peer-nova-evacuate", "Started");
    // A flag for a host Nova does not know: the agent, if it sees it, logs that and leaves it.
    const flagged = await run("attrd_updater", ["-p", "-n", "evacuate", "-N", "ghost-host", "-U", "yes"], { timeoutMs: 15_000 });
    expect(flagged.exitCode).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const monitors = l.logTimes(offset, /Result of monitor operation for peer-nova-evacuate/).length + l.logTimes(offset, /peer-nova-evacuate_monitor_5000/).length;
    expect(monitors).toBeGreaterThan(0);
    if (buggyAttrd) {
      expect(l.logTimes(offset, /Initiating evacuation of ghost-host/), "2.1.5 hides the flag from -A").toEqual([]);
      await pcs(l, "resource", "update", "peer-nova-evacuate", "fixed_attrd_query=true");
    }
    await waitFor("the double to see ghost-host", () => l.logTimes(offset, /Nova does not know about ghost-host/).length > 0 || undefined, { timeoutMs: 60_000, describe: () => l.describe() });
    await run("attrd_updater", ["-p", "-n", "evacuate", "-N", "ghost-host", "-U", "no"], { timeoutMs: 15_000 });
  });

  it("recovers every instance exactly once, through our fence_evacuate, and records done as attrd no alone", async () => {
    const l = lab();
    const w = await failAndRecover(l, NODE);
    await waitFor("the flag no", () => w.flags.includes("no") || undefined, { timeoutMs: 30_000, describe: () => JSON.stringify(w.flags) });
    expect(w.reasons.find((r) => r.startsWith("nova-ha:"))).toMatch(/^nova-ha:fenced /);
    expect(w.reasons.some((r) => r.startsWith("nova-ha:evacuat")), "the shell agent never writes our marker").toBe(false);
  });

  it("then our fence_compute on finishes (no under our fenced marker) and the node comes back", async () => {
    const l = lab();
    await l.powerOn(NODE);
    await nodeBack(l, NODE);
    report("our fence_compute + shell NovaEvacuate: timeline", l.timeline.format(`${NODE} powered off`));
  });
});
