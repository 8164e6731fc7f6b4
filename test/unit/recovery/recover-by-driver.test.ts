// A pass with recovery_driver masakari or mistral: the simulator's Nova, Masakari and Mistral fakes over HTTP, the real drivers.
import { beforeAll, describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../src/openstack/connect.js";
import { parseNovaMarker } from "../../../src/recovery/host/nova-marker.js";
import { recoveryPass } from "../../../src/recovery/recovery-pass.js";
import { fakeMasakari } from "../openstack/masakari/fake-masakari.js";
import { fakeMistral } from "../openstack/mistral/fake-mistral.js";
import { NODE, useBackendPass } from "./backend-pass-bench.js";
import { MemoryAttrd } from "./memory-attrd.js";
import { evacuatePosts, fenceInSim, simRun, type Simulator } from "./sim-harness.js";

describe("recoveryPass with a recovery back-end", () => {
  const bench = useBackendPass();
  const { deps, markerOf, posts, start } = bench;
  let sim: Simulator;
  let openstack: OpenStackConnection;
  beforeAll(() => ({ sim, openstack } = bench));

  it("hands a fenced host to Masakari, keeps it pending until Masakari finishes, then records the outcome with the notification id", async () => {
    const m = fakeMasakari({ details: ["Successfully evacuate instances 'a,b' from host 'compute-1'"] });
    let evacuatingSeen: ReturnType<typeof parseNovaMarker> | undefined;
    await start((req) => {
      // Masakari finishes once the pass has recorded the notification in the marker.
      const marker = markerOf("compute-1");
      if (marker.kind === "ours" && marker.phase === "evacuating" && marker.fields.ref && m.notifications[0]) {
        evacuatingSeen ??= marker;
        m.notifications[0].status = "finished";
      }
      return m.handler(req);
    });
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const result = await recoveryPass(deps(attrd, "masakari"), simRun());

    expect(result.reports).toEqual([expect.objectContaining({ host: "compute-1", done: true, recovered: 2, failed: 0 })]);
    expect(evacuatingSeen).toMatchObject({ kind: "ours", phase: "evacuating", fields: { by: NODE, driver: "masakari", ref: "n-1", state: "running" } });
    expect(markerOf("compute-1")).toMatchObject({ kind: "ours", phase: "evacuated", fields: { recovered: "2", failed: "0", driver: "masakari", ref: "n-1", outcome: "done" } });
    expect(attrd.values.get("compute-1")).toBe("no");
    expect(posts("masakari")).toBe(1);
    expect(evacuatePosts(sim).size).toBe(0); // our engine sent nothing: Masakari recovers
  });

  it("takes its marker back when Masakari writes its own disable reason over it, and records the end over it", async () => {
    const m = fakeMasakari({ details: ["Successfully evacuate instances 'a,b' from host 'compute-1'"] });
    let polls = 0;
    await start(async (req) => {
      const reply = m.handler(req);
      if (req.method === "POST" && req.path === "/notifications") {
        // Masakari's first task disables the host with its own reason (masakari.conf [host_failure] service_disable_reason).
        const [service] = await openstack.compute.listServices({ host: "compute-1" });
        await openstack.compute.disable(service!, "Masakari detected host failed.");
      }
      if (req.path === "/notifications/n-1" && ++polls === 3) m.notifications[0]!.status = "finished";
      return reply;
    });
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const result = await recoveryPass(deps(attrd, "masakari"), simRun());
    expect(result.reports).toEqual([expect.objectContaining({ host: "compute-1", done: true, recovered: 2 })]);
    expect(markerOf("compute-1")).toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "masakari", ref: "n-1", outcome: "done" } });
  });

  it("leaves the host pending while Masakari is down at fencing, and the next pass hands it over once Masakari is back", async () => {
    const m = fakeMasakari();
    let down = true;
    await start((req) => (down ? { status: 503, body: {} } : m.handler(req)));
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const first = await recoveryPass(deps(attrd, "masakari"), simRun({ deadline: Date.now() + 300 }));
    expect(first.reports).toEqual([expect.objectContaining({ host: "compute-1", done: false, pending: 1 })]);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuating", fields: { driver: "masakari", state: "pending" } });
    expect(attrd.values.get("compute-1")).toMatch(new RegExp(`^${NODE}@\\d+$`));

    down = false;
    const second = await recoveryPass(deps(attrd, "masakari"), simRun({ deadline: Date.now() + 300 }));
    expect(second.reports).toEqual([expect.objectContaining({ done: false, inProgress: 1 })]);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuating", fields: { driver: "masakari", ref: "n-1", state: "running" } });
    // A third pass (another controller, new drivers) follows the recorded notification: nothing sent again.
    m.notifications[0]!.status = "finished";
    const third = await recoveryPass(deps(attrd, "masakari"), simRun());
    expect(third.reports).toEqual([expect.objectContaining({ done: true })]);
    expect(posts("masakari")).toBe(1);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuated", fields: { ref: "n-1", outcome: "done" } });
  });

  it("keeps a recovery on the driver it started with when recovery_driver changed meanwhile, and sends new failures to the configured one", async () => {
    const mistral = fakeMistral();
    await start(mistral.handler);
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    await recoveryPass(deps(attrd, "mistral"), simRun({ deadline: Date.now() + 200 }));
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuating", fields: { driver: "mistral", state: "running" } });
    const [execution] = [...mistral.executions.values()];
    expect(JSON.parse(String(execution?.input))).toMatchObject({ search_opts: { host: "compute-1" }, on_shared_storage: false });

    // The operator switches to nova: compute-1 stays with Mistral, compute-2 (fenced now) goes to our engine.
    Object.assign(execution!, { state: "SUCCESS", output: JSON.stringify({ recovered: ["x", "y"], failed: {} }) });
    await fenceInSim(sim, openstack, "compute-2");
    attrd.values.set("compute-2", "yes");
    const result = await recoveryPass(deps(attrd, "nova"), simRun());
    expect(result.reports.map((r) => [r.host, r.done, r.recovered])).toEqual([["compute-2", true, 2], ["compute-1", true, 2]]);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuated", fields: { driver: "mistral", outcome: "done" } });
    expect(markerOf("compute-2")).toMatchObject({ phase: "evacuated", fields: { recovered: "2" } });
    // Mistral's (fake) recovery moved nothing: compute-1's servers are still there, and our engine sent none of them.
    const onFirst = sim.cloud.serversOnHost("compute-1").map((server) => server.uuid);
    expect(onFirst).toHaveLength(2);
    expect([...evacuatePosts(sim).keys()].filter((id) => onFirst.includes(id))).toEqual([]);
    expect(evacuatePosts(sim).size).toBe(2);
    expect(mistral.executions.size).toBe(1);
  });

  it("marks a back-end's recovery stalled past backend_stall_timeout and keeps the host pending", async () => {
    const m = fakeMasakari();
    await start(m.handler);
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    await recoveryPass(deps(attrd, "masakari"), simRun({ deadline: Date.now() + 200 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const later = await recoveryPass(deps(attrd, "masakari", { stallAfterMs: 10 }), simRun({ deadline: Date.now() + 200 }));
    expect(later.reports).toEqual([expect.objectContaining({ done: false })]);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuating", fields: { driver: "masakari", ref: "n-1", state: "stalled" } });
    expect(posts("masakari")).toBe(1);
  });
});
