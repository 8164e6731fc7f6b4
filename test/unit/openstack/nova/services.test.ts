import { afterEach, describe, expect, it } from "vitest";
import type { ComputeService } from "../../../../src/openstack/types.js";
import { openCloudSession, type CloudSession } from "../cloud-session.js";

let session: CloudSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const rawService = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: "8e8f3c58-0f5a-4c43-9c2c-7f0b1b1b1b1b",
  binary: "nova-compute",
  host: "compute-1",
  zone: "nova",
  status: "enabled",
  state: "up",
  forced_down: false,
  disabled_reason: null,
  updated_at: "2024-05-01T10:00:00.000000",
  ...over,
});

const service: ComputeService = {
  id: "8e8f3c58-0f5a-4c43-9c2c-7f0b1b1b1b1b",
  host: "compute-1",
  binary: "nova-compute",
  zone: "nova",
  status: "enabled",
  state: "up",
  forcedDown: false,
  disabledReason: null,
  updatedAt: "2024-05-01T10:00:00.000000",
};

describe("listServices", () => {
  it("asks for nova-compute services of a host at the negotiated microversion and normalises them", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/os-services", () => ({ body: { services: [rawService(), rawService({ id: 7, host: "compute-2", state: "down", forced_down: true, disabled_reason: "fenced" })] } }));
    const services = await session.os.compute.listServices({ host: "compute-1" });
    expect(services).toEqual([service, { ...service, id: "7", host: "compute-2", state: "down", forcedDown: true, disabledReason: "fenced" }]);
    const [req] = session.cloud.apiRequests();
    expect(Object.fromEntries(req?.query ?? [])).toEqual({ binary: "nova-compute", host: "compute-1" });
    expect(req?.headers["openstack-api-version"]).toBe("compute 2.94");
    expect(req?.headers["x-openstack-nova-api-version"]).toBe("2.94");
  });

  it("sends no host filter when none is given", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/os-services", () => ({ body: { services: [] } }));
    await session.os.compute.listServices();
    expect(Object.fromEntries(session.cloud.apiRequests()[0]?.query ?? [])).toEqual({ binary: "nova-compute" });
  });

  it("refuses a record with an unknown state instead of guessing", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/os-services", () => ({ body: { services: [rawService({ state: "unknown" })] } }));
    await expect(session.os.compute.listServices()).rejects.toMatchObject({ kind: "invalid-response" });
  });
});

describe("service updates from microversion 2.53", () => {
  it.each([
    ["forceDown", (s: CloudSession) => s.os.compute.forceDown(service, true), { forced_down: true }],
    ["disable", (s: CloudSession) => s.os.compute.disable(service, "fenced by nova-ha"), { status: "disabled", disabled_reason: "fenced by nova-ha" }],
    ["enable", (s: CloudSession) => s.os.compute.enable(service), { status: "enabled" }],
  ] as const)("%s is PUT /os-services/{uuid} with the changed field", async (_name, call, body) => {
    session = await openCloudSession("2.53");
    const path = `/compute/v2.1/os-services/${service.id}`;
    session.cloud.route(`PUT ${path}`, (req) => ({ body: { service: rawService({ ...(req.body as object), forced_down: true, state: "down" }) } }));
    const updated = await call(session);
    const [req] = session.cloud.apiRequests();
    expect([req?.method, req?.path, req?.body]).toEqual(["PUT", path, body]);
    expect(updated.forcedDown).toBe(true);
    expect(updated.state).toBe("down");
  });

  it("cuts a reason to the 255 characters Nova keeps", async () => {
    session = await openCloudSession("2.60");
    session.cloud.route(`PUT /compute/v2.1/os-services/${service.id}`, () => ({ body: { service: rawService({ status: "disabled" }) } }));
    await session.os.compute.disable(service, "x".repeat(300));
    expect((session.cloud.apiRequests()[0]?.body as { disabled_reason: string }).disabled_reason).toHaveLength(255);
  });
});

describe("service updates before microversion 2.53", () => {
  const legacy: ComputeService = { ...service, id: "7" };

  it.each([
    ["forceDown", (s: CloudSession) => s.os.compute.forceDown(legacy, true), "force-down", { host: "compute-1", binary: "nova-compute", forced_down: true }, { forcedDown: true, state: "down" }],
    ["un-forceDown", (s: CloudSession) => s.os.compute.forceDown({ ...legacy, forcedDown: true, state: "down" }, false), "force-down", { host: "compute-1", binary: "nova-compute", forced_down: false }, { forcedDown: false, state: "down" }],
    ["disable", (s: CloudSession) => s.os.compute.disable(legacy, "fenced"), "disable-log-reason", { host: "compute-1", binary: "nova-compute", disabled_reason: "fenced" }, { status: "disabled", disabledReason: "fenced" }],
    ["enable", (s: CloudSession) => s.os.compute.enable({ ...legacy, status: "disabled", disabledReason: "x" }), "enable", { host: "compute-1", binary: "nova-compute" }, { status: "enabled", disabledReason: null }],
  ] as const)("%s is PUT /os-services/%s by host and binary", async (_name, call, action, body, changed) => {
    session = await openCloudSession("2.52");
    session.cloud.route(`PUT /compute/v2.1/os-services/${action}`, (req) => ({ body: { service: req.body } }));
    const updated = await call(session);
    const [req] = session.cloud.apiRequests();
    expect(req?.body).toEqual(body);
    expect(req?.headers["x-openstack-nova-api-version"]).toBe("2.52");
    expect(updated).toMatchObject({ ...changed, id: "7", host: "compute-1" });
  });
});
