// The engine under what real clouds have: clocks apart, whole-second timestamps, a Glance that fails, stray task
// states, and a selection that must not change as instances leave the host.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../../src/openstack/connect.js";
import { evacuateHosts } from "../../../../src/recovery/engine/evacuate-hosts.js";
import { formatNovaMarker } from "../../../../src/recovery/host/nova-marker.js";
import { EVACUABLE } from "../../../sim/index.js";
import { doubleEvacuations, evacuatePosts, fenceInSim, quiet, simRun, useSimulator, withEvacuationLatency, type Simulator } from "../sim-harness.js";

describe("the engine under real-cloud conditions", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  useSimulator((bench) => ({ sim, openstack } = bench));
  beforeEach(() => {
    sim.cloud.config.wholeSecondTimestamps = true;
    sim.cloud.resetCounts();
  });
  afterEach(() => {
    sim.cloud.clock.resetOffset();
    sim.cloud.clearFailures();
  });

  it.each([-5_000, -3_500, 3_500, 5_000])("evacuates each instance exactly once when Nova's clock is %i ms from ours", async (offset) => {
    sim.cloud.seed({ hosts: 4, serversPerHost: 12 });
    sim.cloud.clock.advance(offset);
    await withEvacuationLatency(sim, 1_200, async () => {
      await fenceInSim(sim, openstack, "compute-1");
      const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({ perHostConcurrency: 4, concurrency: 4 }));
      expect(report).toMatchObject({ done: true, recovered: 12, failed: 0 });
    });
    expect(doubleEvacuations(sim)).toEqual([]);
    expect([...evacuatePosts(sim).values()]).toEqual(Array(12).fill(1));
  });

  it("counts the evacuations of a fence whose marker the fencing node stamped ahead of Nova's clock", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 4 });
    await fenceInSim(sim, openstack, "compute-1", { marker: false });
    const [service] = await openstack.compute.listServices({ host: "compute-1" });
    if (!service) throw new Error("no service");
    await openstack.compute.disable(service, formatNovaMarker("fenced", new Date(Date.now() + 5_000), { by: "test" }));

    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());

    expect(report).toMatchObject({ done: true, recovered: 4, failed: 0, skipped: 0 });
    expect(report?.instances.every((instance) => instance.host !== "compute-1")).toBe(true);
  });

  it("keeps the selection of instance-metadata tags once the tagged instance has left the host", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 5 });
    const tagged = sim.cloud.serversOnHost("compute-1")[2];
    if (!tagged) throw new Error("no server");
    sim.cloud.setServerMetadata(tagged.uuid, { evacuable: "true" });
    await fenceInSim(sim, openstack, "compute-1");

    // A first monitor sends the request and ends; the next one finds the tagged instance gone from the host.
    const [first] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({ waitForCompletion: false }));
    expect(first?.submitted).toBe(1);
    await sim.cloud.waitIdle();
    const [second] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());

    expect(second).toMatchObject({ done: true, recovered: 1, skipped: 4 });
    expect([...evacuatePosts(sim).keys()]).toEqual([tagged.uuid]);
  });

  it("waits instead of widening the selection while Glance cannot say which images are tagged", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 6, taggedImage: true });
    const image = sim.cloud.images().find((item) => item.name === EVACUABLE.imageName)?.id;
    const onHost = sim.cloud.serversOnHost("compute-1");
    const tagged = onHost.filter((server) => server.imageId === image).map((server) => server.uuid);
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.length).toBeLessThan(onHost.length);
    await fenceInSim(sim, openstack, "compute-1");
    let glanceDown = true;
    const failingGlance = {
      ...openstack,
      image: {
        listImagesWithTag: async (tag: string) => {
          if (glanceDown) throw Object.assign(new Error("Glance GET /v2/images: 503 Service Unavailable"), { status: 503 });
          return openstack.image.listImagesWithTag(tag);
        },
      },
    };

    const [waiting] = await evacuateHosts({ openstack: failingGlance, log: quiet }, ["compute-1"], simRun({ deadline: Date.now() + 1_500 }));
    expect(waiting?.done).toBe(false);
    expect(evacuatePosts(sim).size).toBe(0);

    glanceDown = false;
    const [report] = await evacuateHosts({ openstack: failingGlance, log: quiet }, ["compute-1"], simRun());
    expect(report).toMatchObject({ done: true, recovered: tagged.length, skipped: onHost.length - tagged.length });
    expect(new Set(evacuatePosts(sim).keys())).toEqual(new Set(tagged));
  });

  it("evacuates an instance whose host died in the middle of a reboot at once", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 3 });
    const rebooting = sim.cloud.serversOnHost("compute-1")[0];
    if (!rebooting) throw new Error("no server");
    await fenceInSim(sim, openstack, "compute-1");
    sim.cloud.setServerState(rebooting.uuid, { taskState: "rebooting" });

    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({ deadline: Date.now() + 5_000 }));

    expect(report).toMatchObject({ done: true, recovered: 3, failed: 0 });
    expect(evacuatePosts(sim).get(rebooting.uuid)).toBe(1);
  });

  it("asks for the caches to be saved the moment a refusal or an original power state is learned, not at the end", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 3 });
    const refused = sim.cloud.serversOnHost("compute-1")[1];
    if (!refused) throw new Error("no server");
    sim.cloud.injectFailure({ kind: "evacuate-500", server: refused.uuid, times: 1 });
    await fenceInSim(sim, openstack, "compute-1");
    const failures = new Map();
    const originalStates = new Map();
    const saved: { failures: number; states: number }[] = [];
    const [report] = await evacuateHosts(
      { openstack, log: quiet, failures, originalStates, onMemoryChanged: () => saved.push({ failures: failures.size, states: originalStates.size }) },
      ["compute-1"], simRun(),
    );
    expect(report).toMatchObject({ done: true, recovered: 3 });
    expect(saved[0]).toEqual({ failures: 0, states: 3 });
    expect(saved.some((entry) => entry.failures === 1)).toBe(true);
  });
});
