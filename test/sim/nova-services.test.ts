import { describe, expect, it } from "vitest";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 3, evacuateLatencyMs: 20 }, { hosts: 3, serversPerHost: 2 });

const computeOf = (host: string) => fx.sim.cloud.services().find((s) => s.host === host && s.binary === "nova-compute");

describe("GET /os-services", () => {
  it("filters by binary and host", async () => {
    const all = await fx.client.nova("/os-services", { version: "2.53" });
    expect(all.body.services.map((s: { binary: string }) => s.binary)).toEqual(["nova-scheduler", "nova-conductor", "nova-compute", "nova-compute", "nova-compute"]);
    const one = await fx.client.nova("/os-services?binary=nova-compute&host=compute-2", { version: "2.53" });
    expect(one.body.services).toHaveLength(1);
    expect(one.body.services[0]).toMatchObject({ host: "compute-2", binary: "nova-compute", status: "enabled", state: "up", zone: "nova", disabled_reason: null, forced_down: false });
    expect(one.body.services[0].updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  it.each([
    ["2.1", "number", false],
    ["2.11", "number", true],
    ["2.52", "number", true],
    ["2.53", "string", true],
  ])("at %s shows a %s id and forced_down=%s", async (version, idType, hasForcedDown) => {
    const a = await fx.client.nova("/os-services?binary=nova-compute&host=compute-1", { version });
    const svc = a.body.services[0];
    expect(typeof svc.id).toBe(idType);
    expect("forced_down" in svc).toBe(hasForcedDown);
    if (idType === "string") expect(svc.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
  });

  it("refuses unknown query parameters from 2.75", async () => {
    expect((await fx.client.nova("/os-services?foo=1", { version: "2.74" })).status).toBe(200);
    expect((await fx.client.nova("/os-services?foo=1", { version: "2.75" })).status).toBe(400);
  });
});

describe("service updates before 2.53 (by host and binary)", () => {
  const put = (action: string, body: unknown, version = "2.11") => fx.client.nova(`/os-services/${action}`, { method: "PUT", version, body });

  it("forces down, disables with a reason and enables again", async () => {
    const down = await put("force-down", { host: "compute-1", binary: "nova-compute", forced_down: true });
    expect(down.status).toBe(200);
    expect(down.body).toEqual({ service: { host: "compute-1", binary: "nova-compute", forced_down: true } });
    expect(computeOf("compute-1")).toMatchObject({ state: "down", forcedDown: true });
    const disabled = await put("disable-log-reason", { host: "compute-1", binary: "nova-compute", disabled_reason: "fenced" });
    expect(disabled.body).toEqual({ service: { host: "compute-1", binary: "nova-compute", status: "disabled", disabled_reason: "fenced" } });
    expect(computeOf("compute-1")).toMatchObject({ status: "disabled", disabledReason: "fenced" });
    const plain = await put("disable", { host: "compute-2", binary: "nova-compute" });
    expect(plain.body).toEqual({ service: { host: "compute-2", binary: "nova-compute", status: "disabled" } });
    await put("force-down", { host: "compute-1", binary: "nova-compute", forced_down: false });
    const enabled = await put("enable", { host: "compute-1", binary: "nova-compute" });
    expect(enabled.body.service.status).toBe("enabled");
    expect(computeOf("compute-1")).toMatchObject({ state: "up", status: "enabled", disabledReason: null });
    expect(computeOf("compute-1")?.reasonHistory.at(-1)).toBe("fenced");
  });

  it.each([
    ["force-down below 2.11", "force-down", { host: "compute-1", binary: "nova-compute", forced_down: true }, "2.10", 400],
    ["an unknown action", "reboot", { host: "compute-1", binary: "nova-compute" }, "2.11", 404],
    ["a missing host", "disable", { binary: "nova-compute" }, "2.11", 400],
    ["a non-compute binary", "disable", { host: "controller", binary: "nova-scheduler" }, "2.11", 400],
    ["an unknown host", "disable", { host: "nowhere", binary: "nova-compute" }, "2.11", 404],
    ["a missing reason", "disable-log-reason", { host: "compute-1", binary: "nova-compute" }, "2.11", 400],
  ])("refuses %s", async (_what, action, body, version, status) => {
    expect((await put(action, body, version)).status).toBe(status);
  });
});

describe("service updates from 2.53 (by uuid)", () => {
  const put = (id: string, body: unknown) => fx.client.nova(`/os-services/${id}`, { method: "PUT", version: "2.53", body });

  it("forces down and disables in one call and answers the full record", async () => {
    const uuid = computeOf("compute-3")?.uuid ?? "";
    const a = await put(uuid, { forced_down: true, status: "disabled", disabled_reason: "fenced by pacemaker" });
    expect(a.status).toBe(200);
    expect(a.body.service).toMatchObject({ id: uuid, host: "compute-3", state: "down", status: "disabled", forced_down: true, disabled_reason: "fenced by pacemaker" });
    const back = await put(uuid, { forced_down: false, status: "enabled" });
    expect(back.body.service).toMatchObject({ state: "up", status: "enabled", forced_down: false, disabled_reason: null });
    // The record of reasons keeps one that is gone now (a marker that lived only a moment).
    expect(computeOf("compute-3")?.reasonHistory.at(-1)).toBe("fenced by pacemaker");
  });

  it.each([
    ["an action path", "disable", {}, 400, "Invalid uuid disable"],
    ["an unknown uuid", "00000000-0000-4000-8000-000000000000", { status: "disabled" }, 404, "Service 00000000-0000-4000-8000-000000000000 could not be found."],
    ["an empty body", "COMPUTE", {}, 400, "No updates were requested. Fields 'status' or 'forced_down' should be specified."],
    ["a reason with status enabled", "COMPUTE", { status: "enabled", disabled_reason: "x" }, 400, "Specifying 'disabled_reason' with status 'enabled' is invalid."],
    ["a host field", "COMPUTE", { host: "compute-1", status: "disabled" }, 400, "Additional properties are not allowed ('host' was unexpected)"],
  ])("refuses %s", async (_what, id, body, status, message) => {
    const a = await put(id === "COMPUTE" ? (computeOf("compute-1")?.uuid ?? "") : id, body);
    expect(a.status).toBe(status);
    expect(a.body[status === 404 ? "itemNotFound" : "badRequest"].message).toBe(message);
  });

  it("refuses to update a non-compute service", async () => {
    const scheduler = fx.sim.cloud.services().find((s) => s.binary === "nova-scheduler");
    expect((await put(scheduler?.uuid ?? "", { status: "disabled" })).status).toBe(400);
  });

  it("refuses to force a host up while done evacuations wait for its restart", async () => {
    const uuid = computeOf("compute-1")?.uuid ?? "";
    fx.sim.cloud.killHost("compute-1");
    await put(uuid, { forced_down: true });
    const server = fx.sim.cloud.serversOnHost("compute-1")[0];
    expect((await fx.client.evacuate(server?.uuid ?? "")).status).toBe(200);
    await fx.sim.cloud.waitIdle();
    const refused = await put(uuid, { forced_down: false });
    expect(refused.status).toBe(400);
    expect(refused.body.badRequest.message).toMatch(/^Unable to force up host compute-1 as `done` evacuation migration records remain/);
    fx.sim.cloud.reviveHost("compute-1");
    expect(fx.sim.cloud.migrations({ sourceCompute: "compute-1" })[0]?.status).toBe("completed");
    expect((await put(uuid, { forced_down: false })).status).toBe(200);
  });

  it("makes disabling a dead compute Nova still sees up wait for the RPC timeout", async () => {
    fx.sim.cloud.config.rpcTimeoutMs = 150;
    try {
      fx.sim.cloud.killHost("compute-2");
      const uuid = computeOf("compute-2")?.uuid ?? "";
      let started = Date.now();
      await put(uuid, { status: "disabled" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      await put(uuid, { forced_down: true });
      started = Date.now();
      await put(uuid, { status: "enabled" });
      expect(Date.now() - started).toBeLessThan(140);
    } finally {
      fx.sim.cloud.config.rpcTimeoutMs = 0;
    }
  });
});
