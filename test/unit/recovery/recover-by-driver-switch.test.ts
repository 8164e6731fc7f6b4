// recovery_driver switched while a back-end holds a host's recovery: the hand-over is followed to its end where it is,
// never started again through the new driver; a hand-over that never reached its back-end goes to the new driver.
import { beforeAll, describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../src/openstack/connect.js";
import { createMasakariApi } from "../../../src/openstack/masakari/masakari-api.js";
import type { DriverName } from "../../../src/recovery/drivers/driver-choice.js";
import { executionIdOf } from "../../../src/recovery/drivers/mistral-driver.js";
import { evacuatingMarker } from "../../../src/recovery/host/host-recovery-state.js";
import { parseNovaMarker } from "../../../src/recovery/host/nova-marker.js";
import { recoveryPass } from "../../../src/recovery/recovery-pass.js";
import { memoryLogger } from "../openstack/fake-server.js";
import { fakeMasakari } from "../openstack/masakari/fake-masakari.js";
import { fakeMistral } from "../openstack/mistral/fake-mistral.js";
import { NODE, useBackendPass } from "./backend-pass-bench.js";
import { MemoryAttrd } from "./memory-attrd.js";
import { evacuatePosts, fenceInSim, simRun, type Simulator } from "./sim-harness.js";

const SWITCH_WARNING = /recovery_driver changed while the host's recovery was under way/;

describe("recoveryPass after recovery_driver changed while a back-end holds a host", () => {
  const bench = useBackendPass();
  const { markerOf, posts, start } = bench;
  let sim: Simulator;
  let openstack: OpenStackConnection;
  beforeAll(() => ({ sim, openstack } = bench));
  const log = memoryLogger();
  const deps = (attrd: MemoryAttrd, configured: DriverName) => bench.deps(attrd, configured, { log: log.logger });
  const inProgress = () => new MemoryAttrd({ "compute-1": `${NODE}@${Math.floor(Date.now() / 1000) - 5}` });

  /** compute-1 fenced and picked up earlier with `fields` (driver, ref, state) in its evacuating marker. */
  async function handedOver(fields: Record<string, string>, since = new Date(Date.now() - 2_000)): Promise<Date> {
    await fenceInSim(sim, openstack, "compute-1");
    const [service] = await openstack.compute.listServices({ host: "compute-1" });
    await openstack.compute.disable(service!, evacuatingMarker(new Date(since.getTime() + 500), since, NODE, fields));
    return since;
  }

  it("follows the Masakari notification the marker records to its end when recovery_driver is now nova, says so, and evacuates nothing itself", async () => {
    const m = fakeMasakari({ details: ["Successfully evacuate instances 'a,b' from host 'compute-1'"] });
    m.notifications.push({ notification_uuid: "n-7", status: "running", type: "COMPUTE_HOST", generated_time: "2026-12-07T03:00:00.000000", source_host_uuid: "h-1" });
    let during: ReturnType<typeof parseNovaMarker> | undefined;
    let polls = 0;
    const fake = await start((req) => {
      if (req.path === "/notifications/n-7" && ++polls === 3) {
        during = markerOf("compute-1");
        m.notifications[0]!.status = "finished";
      }
      return m.handler(req);
    });
    await handedOver({ driver: "masakari", ref: "n-7", state: "running" });
    const result = await recoveryPass(deps(inProgress(), "nova"), simRun());
    expect(result.reports).toEqual([expect.objectContaining({ host: "compute-1", done: true, recovered: 2 })]);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuated", fields: { driver: "masakari", ref: "n-7", outcome: "done" } });
    expect(evacuatePosts(sim).size).toBe(0);
    expect(posts("masakari")).toBe(0);
    // nova-ha status reads the switch from the marker while the recovery runs.
    expect(during).toMatchObject({ phase: "evacuating", fields: { driver: "masakari", ref: "n-7", configured: "nova" } });
    expect(log.lines.find((line) => SWITCH_WARNING.test(String(line.msg)))).toMatchObject({ level: 40, host: "compute-1", driver: "masakari", recovery_driver: "nova" });
  });

  it("keeps a host whose service Masakari disabled with its own reason on Masakari when recovery_driver is now nova", async () => {
    const m = fakeMasakari({ details: ["Successfully evacuate instances 'a,b' from host 'compute-1'"] });
    const fake = await start((req) => {
      if (req.path === "/notifications/n-1" && req.method === "GET" && m.notifications[0]) m.notifications[0].status = "finished";
      return m.handler(req);
    });
    await fenceInSim(sim, openstack, "compute-1");
    // Masakari was notified (by an earlier pass), and its first task wrote its own reason over our marker.
    await createMasakariApi(fake.session("masakari")).notifyHostDown("compute-1", new Date().toISOString().replace(/\.\d+Z$/, "Z"));
    const [service] = await openstack.compute.listServices({ host: "compute-1" });
    await openstack.compute.disable(service!, "Masakari detected host failed.");
    const result = await recoveryPass(deps(inProgress(), "nova"), simRun());
    expect(evacuatePosts(sim).size).toBe(0);
    expect(posts("masakari")).toBe(1);
    expect(result.reports).toEqual([expect.objectContaining({ host: "compute-1", done: true })]);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuated", fields: { driver: "masakari", ref: "n-1", outcome: "done" } });
  });

  it("hands a host whose Masakari hand-over never reached Masakari to the new driver, and recovers it once", async () => {
    const m = fakeMasakari();
    const fake = await start(m.handler);
    const since = await handedOver({ driver: "masakari", state: "pending" });
    const attrd = inProgress();
    const first = await recoveryPass(deps(attrd, "nova"), simRun({ deadline: Date.now() + 1_000 }));
    expect(first.reports).toEqual([expect.objectContaining({ host: "compute-1", done: false })]);
    expect(posts("masakari")).toBe(0);
    const released = markerOf("compute-1");
    expect(released).toMatchObject({ phase: "evacuating", fields: { since: since.toISOString() } });
    expect(released.kind === "ours" && released.fields.driver).toBeFalsy();

    const second = await recoveryPass(deps(attrd, "nova"), simRun());
    expect(second.reports).toEqual([expect.objectContaining({ host: "compute-1", done: true, recovered: 2 })]);
    expect([...evacuatePosts(sim).values()]).toEqual([1, 1]);
    expect(posts("masakari")).toBe(0);
    expect(m.notifications).toHaveLength(0);
  });

  it("leaves the host pending, sending nothing anywhere, while the back-end that holds the hand-over cannot be asked", async () => {
    const fake = await start(() => ({ status: 503, body: {} }));
    await handedOver({ driver: "masakari", state: "pending" });
    const result = await recoveryPass(deps(inProgress(), "nova"), simRun({ deadline: Date.now() + 300 }));
    expect(result.reports).toEqual([expect.objectContaining({ host: "compute-1", done: false, pending: 1 })]);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuating", fields: { driver: "masakari", state: "pending", configured: "nova" } });
    expect(evacuatePosts(sim).size).toBe(0);
    expect(posts("masakari")).toBe(0);
  });

  it("moves a Mistral hand-over whose execution was never created (its id recorded while Mistral was down) to Masakari, never starting it in Mistral", async () => {
    const mistral = fakeMistral();
    const m = fakeMasakari();
    const fake = await start((req) => (req.path.startsWith("/executions") || req.path.startsWith("/tasks") ? mistral.handler(req) : m.handler(req)));
    const since = new Date(Date.now() - 2_000);
    await handedOver({ driver: "mistral", ref: executionIdOf("compute-1", `compute-1@${since.toISOString()}`), state: "pending" }, since);
    const attrd = inProgress();
    await recoveryPass(deps(attrd, "masakari"), simRun({ deadline: Date.now() + 1_000 }));
    expect(mistral.executions.size).toBe(0);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuating", fields: { driver: "masakari" } });
    await recoveryPass(deps(attrd, "masakari"), simRun({ deadline: Date.now() + 300 }));
    expect(m.notifications).toHaveLength(1);
    expect(markerOf("compute-1")).toMatchObject({ phase: "evacuating", fields: { driver: "masakari", ref: "n-1" } });
    expect(mistral.executions.size).toBe(0);
  });
});
