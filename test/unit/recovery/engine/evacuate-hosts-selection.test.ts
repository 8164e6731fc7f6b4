// The engine against the simulator: which instances it picks, in which order, across microversions and paging.
import { beforeEach, describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../../src/openstack/connect.js";
import { evacuateHosts } from "../../../../src/recovery/engine/evacuate-hosts.js";
import { EVACUABLE, startSimulator } from "../../../sim/index.js";
import { doubleEvacuations, evacuatePosts, fenceInSim, quiet, SIM_LATENCY_MS, simRun, useSimulator, withEvacuationLatency, type Simulator } from "../sim-harness.js";

describe.each(["2.11", "2.46", "2.93"])("instance selection at microversion %s", (maxMicroversion) => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  useSimulator((bench) => ({ sim, openstack } = bench), () => startSimulator({ seed: 7, maxMicroversion, evacuateLatencyMs: SIM_LATENCY_MS }));

  it("evacuates only the instances of tagged flavors and images, and skips the rest with a reason", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 12, taggedFlavor: true, taggedImage: true, shutoffEvery: 5 });
    const taggedImage = sim.cloud.images().find((image) => image.name === EVACUABLE.imageName)?.id;
    const onHost = sim.cloud.serversOnHost("compute-1");
    const tagged = new Set(onHost.filter((server) => server.flavorId === EVACUABLE.flavorId || server.imageId === taggedImage).map((server) => server.uuid));
    expect(tagged.size).toBeGreaterThan(0);
    expect(tagged.size).toBeLessThan(onHost.length);
    await fenceInSim(sim, openstack, "compute-1");

    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());

    expect(report).toMatchObject({ done: true, recovered: tagged.size, skipped: onHost.length - tagged.size, failed: 0 });
    expect(new Set(evacuatePosts(sim).keys())).toEqual(tagged);
    for (const server of onHost) {
      const instance = report?.instances.find((item) => item.id === server.uuid);
      if (tagged.has(server.uuid)) expect(instance?.outcome).toBe("recovered");
      else expect(instance).toMatchObject({ outcome: "skipped", reason: "not tagged evacuable (flavor, image or instance metadata)", host: "compute-1" });
    }
    expect(sim.cloud.serversOnHost("compute-1").map((server) => server.uuid).sort()).toEqual(onHost.filter((server) => !tagged.has(server.uuid)).map((server) => server.uuid).sort());
  });

  it("evacuates everything when nothing is tagged, boot-from-volume instances included", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 8, bootFromVolumeEvery: 2 });
    await fenceInSim(sim, openstack, "compute-1");
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun());
    expect(report).toMatchObject({ done: true, recovered: 8, skipped: 0 });
  });
});

describe("the engine on a larger cloud", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  useSimulator((bench) => ({ sim, openstack } = bench));
  beforeEach(() => {
    sim.cloud.config.maxLimit = 1000;
  });

  it("follows every page of servers and migrations", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 60, shutoffEvery: 4 });
    sim.cloud.config.maxLimit = 7;
    await fenceInSim(sim, openstack, "compute-1");
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({ concurrency: 32, perHostConcurrency: 32 }));
    expect(report).toMatchObject({ done: true, recovered: 60, failed: 0 });
    expect(report?.instances).toHaveLength(60);
    expect(sim.cloud.serversOnHost("compute-1")).toEqual([]);
    expect(doubleEvacuations(sim)).toEqual([]);
  });

  it("submits higher evacuation_priority first", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 6 });
    const urgent = sim.cloud.serverStore.get(sim.cloud.server("vm-00005")?.uuid ?? "");
    if (!urgent) throw new Error("no vm-00005");
    sim.cloud.serverStore.update(urgent, { metadata: { evacuation_priority: "10" } });
    await fenceInSim(sim, openstack, "compute-1");
    sim.cloud.resetCounts();
    const [report] = await evacuateHosts({ openstack, log: quiet }, ["compute-1"], simRun({ concurrency: 1 }));
    expect(report).toMatchObject({ done: true, recovered: 6 });
    const order = [...evacuatePosts(sim).keys()].map((id) => sim.cloud.server(id)?.name);
    // Then oldest first: the seed creates vm-00001 first.
    expect(order).toEqual(["vm-00005", "vm-00001", "vm-00002", "vm-00003", "vm-00004", "vm-00006"]);
  });

  it("skips an instance deleted while it was being evacuated, without holding up the host", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 6 });
    await withEvacuationLatency(sim, 300, async () => {
      await fenceInSim(sim, openstack, "compute-1");
      const doomed = sim.cloud.server("vm-00002")?.uuid ?? "";
      let deleted = false;
      const onProgress = (): void => {
        if (!deleted && evacuatePosts(sim).has(doomed)) {
          sim.cloud.deleteServer(doomed);
          deleted = true;
        }
      };
      const [report] = await evacuateHosts({ openstack, log: quiet, onProgress }, ["compute-1"], simRun());
      expect(deleted).toBe(true);
      expect(report).toMatchObject({ done: true, recovered: 5, failed: 0, pending: 0, inProgress: 0 });
      // Nova lists it as DELETED (skipped); the simulator forgets it and its migration stays unsaved (not listed).
      const line = report?.instances.find((item) => item.id === doomed);
      if (line) expect(line.outcome).toBe("skipped");
    });
  });
});
