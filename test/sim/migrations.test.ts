import { beforeAll, describe, expect, it } from "vitest";
import { novaTime } from "./clock.js";
import { call } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

let beforeEvacuations: number;
const fx = useSimulator({ seed: 21, evacuateLatencyMs: 10, cloud: { hosts: 3, serversPerHost: 5 } });
beforeAll(async () => {
  for (const host of ["compute-1", "compute-2"]) {
    fx.sim.cloud.killHost(host);
    const svc = fx.sim.cloud.computeService(host);
    if (svc) svc.forcedDown = true;
  }
  // Nova stores whole seconds: records of this very second are stamped at its start.
  beforeEvacuations = fx.sim.cloud.stamp(fx.sim.cloud.clock.now());
  for (const s of fx.sim.cloud.serversOnHost("compute-1")) expect((await fx.client.evacuate(s.uuid)).status).toBe(200);
  await fx.sim.cloud.waitIdle();
  const other = fx.sim.cloud.serversOnHost("compute-2")[0];
  fx.sim.cloud.config.evacuateLatencyMs = 60_000;
  expect((await fx.client.evacuate(other?.uuid ?? "")).status).toBe(200);
});

describe("GET /os-migrations", () => {
  it("filters evacuations by source compute and shows the Nova fields", async () => {
    const a = await fx.client.nova("/os-migrations?migration_type=evacuation&source_compute=compute-1", { version: "2.59" });
    expect(a.status).toBe(200);
    expect(a.body.migrations).toHaveLength(5);
    const m = a.body.migrations[0];
    expect(Object.keys(m).sort()).toEqual(
      ["created_at", "dest_compute", "dest_host", "dest_node", "id", "instance_uuid", "migration_type", "new_instance_type_id", "old_instance_type_id", "source_compute", "source_node", "status", "updated_at", "uuid"].sort(),
    );
    expect(m).toMatchObject({ source_compute: "compute-1", dest_compute: "compute-3", dest_node: "compute-3", status: "done", migration_type: "evacuation" });
    expect(m.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(a.body.migrations.map((x: { id: number }) => x.id)).toEqual([5, 4, 3, 2, 1]);
  });

  it.each([
    ["2.1", ["migration_type", "uuid"], []],
    ["2.23", ["uuid"], ["migration_type"]],
    ["2.59", ["user_id"], ["migration_type", "uuid"]],
    ["2.80", [], ["migration_type", "uuid", "user_id", "project_id"]],
  ])("at %s hides %j and shows %j", async (version, hidden, shown) => {
    const m = (await fx.client.nova("/os-migrations?source_compute=compute-1", { version })).body.migrations[0];
    for (const k of hidden) expect(k in m).toBe(false);
    for (const k of shown) expect(k in m).toBe(true);
  });

  it("matches host as source or destination and filters by status", async () => {
    const asDest = await fx.client.nova("/os-migrations?host=compute-3&status=done", { version: "2.59" });
    expect(asDest.body.migrations).toHaveLength(5);
    const accepted = await fx.client.nova("/os-migrations?status=accepted", { version: "2.59" });
    expect(accepted.body.migrations.map((m: { source_compute: string }) => m.source_compute)).toEqual(["compute-2"]);
  });

  it("pages with limit and marker from 2.59 and links the next page", async () => {
    const first = await fx.client.nova("/os-migrations?limit=4", { version: "2.59" });
    expect(first.body.migrations.map((m: { id: number }) => m.id)).toEqual([6, 5, 4, 3]);
    const next = first.body.migrations_links[0].href;
    expect(next).toBe(`${fx.sim.baseUrl}/compute/v2.1/os-migrations?limit=4&marker=${first.body.migrations[3].uuid}`);
    const second = await call(next, { headers: { "X-Auth-Token": await fx.client.login(), "OpenStack-API-Version": "compute 2.59" } });
    expect(second.body.migrations.map((m: { id: number }) => m.id)).toEqual([2, 1]);
    expect(second.body.migrations_links).toBeUndefined();
  });

  it("ignores limit before 2.59 and refuses unknown parameters from 2.59", async () => {
    expect((await fx.client.nova("/os-migrations?limit=1&foo=bar", { version: "2.58" })).body.migrations).toHaveLength(6);
    expect((await fx.client.nova("/os-migrations?foo=bar", { version: "2.59" })).status).toBe(400);
    expect((await fx.client.nova("/os-migrations?marker=nope", { version: "2.59" })).body.badRequest.message).toBe("Marker nope could not be found.");
  });

  it("filters changes-since on updated_at, leaving out records never updated", async () => {
    const since = encodeURIComponent(novaTime(beforeEvacuations));
    const a = await fx.client.nova(`/os-migrations?changes-since=${since}`, { version: "2.59" });
    expect(a.body.migrations.map((m: { status: string }) => m.status)).toEqual(["done", "done", "done", "done", "done"]);
    const future = encodeURIComponent(novaTime(fx.sim.cloud.clock.now() + 60_000));
    expect((await fx.client.nova(`/os-migrations?changes-since=${future}`, { version: "2.59" })).body.migrations).toEqual([]);
    expect((await fx.client.nova("/os-migrations?changes-since=yesterday", { version: "2.59" })).status).toBe(400);
  });
});
