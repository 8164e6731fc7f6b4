// A look at Nova: full snapshots, and the incremental view that reads only what changed between full ones.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../../src/openstack/connect.js";
import type { HostSnapshot } from "../../../../src/recovery/engine/plan-host.js";
import { NO_TAGS } from "../../../../src/recovery/engine/evacuable-tags.js";
import { NovaView, probeEvacuations, takeSnapshots, type RecoveryTarget } from "../../../../src/recovery/engine/snapshot.js";
import { fenceInSim, useSimulator, type Simulator } from "../sim-harness.js";

const HOSTS = ["compute-1", "compute-2"];

/** What planHost reads of a snapshot, in a comparable form. */
function essence(snapshot: HostSnapshot | undefined): unknown {
  const migrated = new Set(snapshot?.evacuations.map((migration) => migration.instanceUuid));
  return {
    onHost: snapshot?.onHost.map((server) => `${server.id} ${server.status} ${server.taskState}`).sort(),
    evacuations: snapshot?.evacuations.map((migration) => `${migration.id} ${migration.instanceUuid} ${migration.status}`).sort(),
    moved: [...migrated].filter((id) => !snapshot?.onHost.some((server) => server.id === id))
      .map((id) => { const server = snapshot?.changed.get(id); return `${id} ${server?.host} ${server?.status} ${server?.taskState}`; }).sort(),
  };
}

/** The routes of the requests served since the last reset, without their query. */
function routes(sim: Simulator): string[] {
  return sim.cloud.requests().map((entry) => `${entry.method} ${entry.path.replace(/\?.*/, "")}${/host=/.test(entry.path) ? "?host" : ""}${/changes-since/.test(entry.path) ? "?changes-since" : ""}`);
}

describe("NovaView against the simulator", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  let targets: RecoveryTarget[];
  useSimulator((bench) => ({ sim, openstack } = bench));
  beforeEach(async () => {
    sim.cloud.seed({ hosts: 4, serversPerHost: 6 });
    for (const host of HOSTS) await fenceInSim(sim, openstack, host);
    const since = new Date(Date.now() - 2000);
    targets = HOSTS.map((host) => ({ host, since, notBefore: 0 }));
  });
  afterEach(() => {
    sim.cloud.config.evacuateHold = false;
  });

  it("sees, between full looks, what a full look sees, with one server listing and one migration listing per host", async () => {
    const view = new NovaView(openstack, { current: () => Promise.resolve(NO_TAGS) });
    const start = Date.now();
    await view.look(targets, start, false);
    const ids = HOSTS.flatMap((host) => sim.cloud.serversOnHost(host).slice(0, 3).map((server) => server.uuid));
    await Promise.all(ids.slice(0, 4).map((id) => openstack.compute.evacuate(id, {})));
    await sim.cloud.waitIdle();
    // The second batch stays in flight, held just before it lands: both looks below must see the same Nova. (A
    // migration Nova has just accepted has no updated_at yet, so changes-since skips it until a destination claims
    // it; the engine counts such an evacuation from its server's task_state.)
    sim.cloud.config.evacuateHold = true;
    await Promise.all(ids.slice(4).map((id) => openstack.compute.evacuate(id, {})));
    for (let waited = 0; !ids.slice(4).every((id) => sim.cloud.server(id)?.taskState === "rebuild_spawning"); waited += 10) {
      if (waited > 5000) throw new Error("the held evacuations never reached rebuild_spawning");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    sim.cloud.deleteServer(sim.cloud.serversOnHost("compute-2").at(-1)?.uuid ?? "");
    sim.cloud.resetCounts();

    const incremental = await view.look(targets, Date.now(), true);

    expect(routes(sim).sort()).toEqual([
      "GET /compute/v2.1/os-migrations?changes-since",
      "GET /compute/v2.1/os-migrations?changes-since",
      "GET /compute/v2.1/servers/detail?changes-since",
    ]);
    const full = await takeSnapshots(openstack, targets, NO_TAGS, true);
    for (const host of HOSTS) {
      const [mine, truth] = [incremental.find((item) => item.host === host), full.find((item) => item.host === host)];
      expect(essence(mine)).toEqual(essence(truth));
    }
    // The deleted server left the host listing; the moved ones were seen landing.
    expect(incremental.find((item) => item.host === "compute-2")?.onHost).toHaveLength(4);
    expect(essence(incremental[0])).toMatchObject({ moved: expect.arrayContaining([expect.stringMatching(/ACTIVE null$/)]) });
    sim.cloud.config.evacuateHold = false;
    await sim.cloud.waitIdle();
  });

  it("takes a full look again after 30 s", async () => {
    const view = new NovaView(openstack, { current: () => Promise.resolve(NO_TAGS) });
    const start = Date.now();
    await view.look(targets, start, false);
    sim.cloud.resetCounts();
    await view.look(targets, start + 29_000, false);
    expect(routes(sim).filter((route) => route.endsWith("?host"))).toEqual([]);
    sim.cloud.resetCounts();
    await view.look(targets, start + 31_000, false);
    expect(routes(sim).filter((route) => route.endsWith("?host"))).toHaveLength(2);
  });

  it("fills in the tags it was given once they arrive", async () => {
    const tags = { ...NO_TAGS, flavorNames: new Set(["m1.evacuable"]) };
    const view = new NovaView(openstack, { current: () => new Promise((resolve) => setTimeout(() => resolve(tags), 20)) });
    const [first] = await view.look(targets, Date.now(), false);
    expect(first?.tags).toBe(tags);
  });
});

describe("takeSnapshots and probes against the simulator", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  useSimulator((bench) => ({ sim, openstack } = bench));
  beforeEach(async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 4 });
    await fenceInSim(sim, openstack, "compute-1");
    sim.cloud.resetCounts();
  });

  it("lists moved servers only once something moved, unless told to expect moves", async () => {
    const targets = [{ host: "compute-1", since: new Date(Date.now() - 2000), notBefore: 0 }];
    await takeSnapshots(openstack, targets, NO_TAGS);
    expect(routes(sim).filter((route) => route.endsWith("detail?changes-since"))).toEqual([]);
    await takeSnapshots(openstack, targets, NO_TAGS, true);
    expect(routes(sim).filter((route) => route.endsWith("detail?changes-since"))).toHaveLength(1);
  });

  it("probes one host's evacuations changed since a time, in one request", async () => {
    const before = Date.now() - 1000;
    const [server] = sim.cloud.serversOnHost("compute-1");
    await openstack.compute.evacuate(server?.uuid ?? "", {});
    await sim.cloud.waitIdle();
    sim.cloud.resetCounts();
    const found = await probeEvacuations(openstack, "compute-1", before);
    expect(found.map((migration) => [migration.instanceUuid, migration.status])).toEqual([[server?.uuid, "done"]]);
    expect(await probeEvacuations(openstack, "compute-1", Date.now() + 60_000)).toEqual([]);
    expect(routes(sim)).toEqual(["GET /compute/v2.1/os-migrations?changes-since", "GET /compute/v2.1/os-migrations?changes-since"]);
  });
});
