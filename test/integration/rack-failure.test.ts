// End to end in a real Pacemaker cluster: two compute nodes die one after the other, as when a rack loses power. The
// second joins the recovery that NovaEvacuate's monitor is running for the first, and each is done on its own.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { PACEMAKER_LOG, fileOffset } from "../lab/pacemaker/cluster-probe.js";
import { HostWatch } from "../lab/pacemaker/host-watch.js";
import { waitFor } from "../lab/lab-timeline.js";
import { evacuateRequestsPerServer } from "../lab/pacemaker/sim-process.js";
import { report, useCloudLab } from "./lab-fixture.js";

const FIRST = "compute-1";
const SECOND = "compute-2";
// Rebuilds take 8 s: the second node fails 2 s into the first one's. reconnect_interval 90s: neither node is
// unfenced during the test (a waiting unfencing would hold the cluster's transitions).
const lab = useCloudLab("rack-failure", { evacuateLatencyMs: 8000, reconnectInterval: "90s" });

describe("two compute nodes die one after the other", () => {
  const watches: HostWatch[] = [];
  let logOffset = 0;
  afterAll(async () => {
    for (const watch of watches) await watch.stop();
  });

  it("the second, fenced while NovaEvacuate's monitor recovers the first, joins that monitor before the first host is done", async () => {
    const l = lab();
    // The second node must not be a destination of the first one's instances: it is about to fail too.
    await l.sim.control.setConfig({ unschedulable: { [SECOND]: true } });
    await l.sim.control.resetCounts();
    const [first, second] = [await HostWatch.start(FIRST, l, l.sim.control, l.timeline), await HostWatch.start(SECOND, l, l.sim.control, l.timeline)];
    watches.push(first, second);
    logOffset = fileOffset(PACEMAKER_LOG);

    await l.powerOff(FIRST);
    await waitFor(`${FIRST}'s evacuations to start`, () => l.timeline.at(`${FIRST} first evacuation`), { timeoutMs: 60_000, describe: () => l.describe() });
    await sleep(2000);
    await l.powerOff(SECOND);
    await waitFor("every instance of both nodes recovered", () => first.allRecovered && second.allRecovered, {
      timeoutMs: 120_000, describe: () => `${FIRST}: ${first.notRecovered()}; ${SECOND}: ${second.notRecovered()}`,
    });

    // A monitor runs until its hosts are done and Pacemaker never runs two at once: the second host's evacuations,
    // begun before the first host was done, came from the monitor that was recovering the first.
    expect(l.timeline.require(`${SECOND} first evacuation`)).toBeLessThan(l.timeline.require(`${FIRST} all recovered`));
    const joined = await waitFor("NovaEvacuate's log line for the host that joined", () => {
      const times = l.logTimes(logOffset, new RegExp(`host joins the recovery under way.* host=${SECOND}\\b`));
      return times.length > 0 ? times : undefined;
    }, { timeoutMs: 30_000 });
    expect(joined).toHaveLength(1);
    const perServer = evacuateRequestsPerServer(await l.sim.control.requests());
    for (const watch of [first, second]) expect(watch.tracked.map((t) => perServer.get(t.id)), watch.host).toEqual(watch.tracked.map(() => 1));
    const servers = await l.sim.control.servers();
    expect(servers.filter((s) => first.tracked.some((t) => t.id === s.uuid)).every((s) => s.host !== SECOND)).toBe(true);
  });

  it("each node is recorded done (evacuated marker, then evacuate=no) as soon as its own instances are back", async () => {
    const l = lab();
    const [first, second] = watches as [HostWatch, HostWatch];
    for (const watch of [first, second]) {
      await waitFor(`${watch.host}: flag no and the evacuated marker`, () => watch.flags.includes("no") && watch.reasons.some((r) => r.startsWith("nova-ha:evacuated")), {
        timeoutMs: 60_000, describe: () => `flags ${JSON.stringify(watch.flags)}, reasons ${JSON.stringify(watch.reasons)}`,
      });
      expect(watch.reasons.find((r) => r.startsWith("nova-ha:evacuated"))).toMatch(new RegExp(`recovered=${watch.tracked.length} failed=0`));
    }
    // The first node's "no" came while the second node's instances were still being rebuilt.
    expect(l.timeline.require(`${FIRST} flag no`)).toBeLessThan(l.timeline.require(`${SECOND} all recovered`));
    const order = [`${FIRST} powered off`, `${FIRST} flag yes`, `${FIRST} first evacuation`, `${SECOND} powered off`, `${SECOND} flag yes`,
      `${SECOND} first evacuation`, `${FIRST} all recovered`, `${FIRST} flag no`, `${SECOND} all recovered`, `${SECOND} flag no`];
    report("a rack fails node after node: timeline", order.map((label) => `${l.timeline.seconds(order[0]!, label).toFixed(2).padStart(7)} s  ${label}`).join("\n"));
  });
});
