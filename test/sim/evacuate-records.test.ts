import { describe, expect, it } from "vitest";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 6, evacuateLatencyMs: 20 }, { hosts: 3, serversPerHost: 2 });

describe("evacuate records", () => {
  it("records every evacuate request, refused (with Nova's message) or accepted", async () => {
    const [victim] = fx.sim.cloud.serversOnHost("compute-1");
    const id = victim?.uuid ?? "";
    expect((await fx.client.evacuate(id)).status).toBe(400);
    fx.sim.cloud.killHost("compute-1");
    const service = fx.sim.cloud.computeService("compute-1");
    if (service) service.forcedDown = true;
    fx.sim.cloud.setServerState(id, { taskState: "rebooting" });
    expect((await fx.client.evacuate(id)).status).toBe(200);
    expect(fx.sim.cloud.evacuateRecords.all(id)).toMatchObject([
      { accepted: false, status: 400, message: "Compute service of compute-1 is still in use.", sourceHost: "compute-1" },
      { accepted: true, status: 200, taskStateBefore: "rebooting", sourceHost: "compute-1" },
    ]);
  });
});

describe("timestamps", () => {
  it("stores whole seconds by default, as Nova on MariaDB does", async () => {
    fx.sim.cloud.killHost("compute-2");
    const service = fx.sim.cloud.computeService("compute-2");
    if (service) service.forcedDown = true;
    for (const s of fx.sim.cloud.serversOnHost("compute-2")) expect((await fx.client.evacuate(s.uuid)).status).toBe(200);
    await fx.sim.cloud.waitIdle();
    const migrations = (await fx.client.nova("/os-migrations", { version: "2.59" })).body.migrations as { created_at: string; updated_at: string }[];
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) {
      expect(m.created_at).toMatch(/\.000000$/);
      expect(m.updated_at).toMatch(/\.000000$/);
    }
    for (const s of fx.sim.cloud.servers()) expect([s.createdAt % 1000, s.updatedAt % 1000]).toEqual([0, 0]);
    const services = (await fx.client.nova("/os-services", { version: "2.53" })).body.services as { updated_at: string }[];
    for (const s of services) expect(s.updated_at).toMatch(/\.000000$/);
  });
});
