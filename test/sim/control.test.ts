import { describe, expect, it } from "vitest";
import { call, eventually } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 12, evacuateLatencyMs: 10 });

describe("request counters and log", () => {
  it("counts requests by service, route and status, and resets", async () => {
    fx.sim.cloud.resetCounts();
    await fx.client.login();
    await fx.client.nova("/os-services?host=compute-1", { version: "2.53" });
    await fx.client.nova("/os-services", { version: "2.53" });
    await fx.client.nova("/servers/detail?all_tenants=1", { version: "2.53" });
    await fx.client.nova("/servers/00000000-0000-4000-8000-000000000000", { version: "2.53" });
    await fx.client.glance("/v2/images");
    await fx.client.control("/state");
    const counts = fx.sim.cloud.counts();
    expect(counts.total).toBe(6);
    expect(counts.byService).toEqual({ identity: 1, compute: 4, image: 1 });
    expect(counts.byRoute["GET /compute/v2.1/os-services"]).toBe(2);
    expect(counts.byRoute["POST /identity/v3/auth/tokens"]).toBe(1);
    expect(counts.byStatus).toEqual({ "200": 4, "201": 1, "404": 1 });
    const log = fx.sim.cloud.requests();
    expect(log.at(-1)).toMatchObject({ method: "GET", path: "/image/v2/images", service: "image", status: 200 });
    expect(log[1]?.microversion).toBe("2.53");
    const viaHttp = await fx.client.control("/counts");
    expect(viaHttp.body.total).toBe(6);
    await fx.client.control("/counts/reset", "POST");
    expect(fx.sim.cloud.counts().total).toBe(0);
  });

  it("counts unmatched routes and answers them with the service's 404", async () => {
    fx.sim.cloud.resetCounts();
    const a = await fx.client.nova("/os-aggregates", { version: "2.53" });
    expect(a.status).toBe(404);
    expect(a.body.itemNotFound.code).toBe(404);
    expect(fx.sim.cloud.counts().byRoute).toEqual({ "GET unmatched": 1 });
  });
});

describe("control API", () => {
  it("reseeds the cloud", async () => {
    const a = await fx.client.control("/reset", "POST", { hosts: ["alpha", "beta"], serversPerHost: 3, externalHeartbeat: ["beta"] });
    expect(a.body).toMatchObject({ hosts: 2, servers: 6, seed: 12 });
    const state = (await fx.client.control("/state")).body;
    expect(state.hosts.map((h: { name: string; externalHeartbeat: boolean }) => [h.name, h.externalHeartbeat])).toEqual([["alpha", false], ["beta", true]]);
    expect((await fx.client.control("/servers?host=alpha")).body.servers).toHaveLength(3);
  });

  it("kills and revives hosts, and advances the clock", async () => {
    await fx.client.control("/reset", "POST", { hosts: 2, serversPerHost: 1 });
    expect((await fx.client.control("/hosts/compute-1/kill", "POST")).status).toBe(200);
    await fx.client.control("/clock/advance", "POST", { seconds: 61 });
    const down = (await fx.client.control("/services")).body.services.find((s: { host: string }) => s.host === "compute-1");
    expect(down.state).toBe("down");
    await fx.client.control("/hosts/compute-1/revive", "POST");
    expect((await fx.client.control("/services")).body.services.find((s: { host: string }) => s.host === "compute-1").state).toBe("up");
    expect((await fx.client.control("/hosts/nowhere/kill", "POST")).status).toBe(404);
    fx.sim.cloud.clock.resetOffset();
  });

  it("sets latency through the config and rejects unknown keys", async () => {
    const a = await fx.client.control("/config", "PUT", { evacuateLatencyMs: 25, evacuateJitterMs: 5 });
    expect(a.body).toMatchObject({ evacuateLatencyMs: 25, evacuateJitterMs: 5 });
    expect((await fx.client.control("/config", "PUT", { latency: 1 })).status).toBe(400);
    expect((await fx.client.control("/config", "PUT", { maxMicroversion: "two" })).status).toBe(400);
  });

  it("injects failures, forces server states and reports migrations", async () => {
    await fx.client.control("/reset", "POST", { hosts: 2, serversPerHost: 2 });
    fx.sim.cloud.killHost("compute-1");
    const svc = fx.sim.cloud.computeService("compute-1");
    if (svc) svc.forcedDown = true;
    const [a, b] = fx.sim.cloud.serversOnHost("compute-1");
    expect((await fx.client.control("/failures", "POST", { kind: "migration-fail", server: a?.uuid })).status).toBe(201);
    expect((await fx.client.control("/failures", "POST", { kind: "explode" })).status).toBe(400);
    expect((await fx.client.control(`/servers/${b?.uuid}/state`, "PUT", { vmState: "paused" })).body.server.vmState).toBe("paused");
    expect((await fx.client.evacuate(b?.uuid ?? "")).status).toBe(409);
    expect((await fx.client.evacuate(a?.uuid ?? "")).status).toBe(200);
    const migrations = await eventually(async () => {
      const m = (await fx.client.control("/migrations?source=compute-1")).body.migrations;
      return m[0]?.status === "failed" ? m : undefined;
    });
    expect(migrations).toHaveLength(1);
    expect((await fx.client.control("/idle")).body).toEqual({ idle: true, inFlight: 0, lost: 0 });
  });

  it("answers 404 outside the known services", async () => {
    expect((await call(`${fx.sim.baseUrl}/volume/v3`)).status).toBe(404);
  });
});
