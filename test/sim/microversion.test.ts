import { describe, expect, it } from "vitest";
import { atLeast, negotiate, parseMicroversion } from "./microversion.js";
import { call } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

describe("microversion negotiation (pure)", () => {
  it.each([
    [{}, "2.1"],
    [{ "openstack-api-version": "compute 2.53" }, "2.53"],
    [{ "openstack-api-version": "identity 3.0, compute 2.60" }, "2.60"],
    [{ "x-openstack-nova-api-version": "2.11" }, "2.11"],
    [{ "openstack-api-version": "compute 2.20", "x-openstack-nova-api-version": "2.11" }, "2.20"],
    [{ "openstack-api-version": "compute latest" }, "2.93"],
  ])("reads %j as %s", (headers, expected) => {
    const n = negotiate(headers, "2.93");
    expect(n.ok && `${n.version.major}.${n.version.minor}`).toBe(expected);
  });

  it.each([
    ["compute 2.94", 406, "Version 2.94 is not supported by the API. Minimum is 2.1 and maximum is 2.93."],
    ["compute 3.0", 406, "Version 3.0 is not supported by the API. Minimum is 2.1 and maximum is 2.93."],
    ["compute 2.05", 400, "API Version String 2.05 is of invalid format. Must be of format MajorNum.MinorNum."],
    ["compute two", 400, "API Version String two is of invalid format. Must be of format MajorNum.MinorNum."],
  ])("refuses %s with %i", (header, status, message) => {
    expect(negotiate({ "openstack-api-version": header }, "2.93")).toMatchObject({ ok: false, status, message });
  });

  it("compares versions numerically, not as strings", () => {
    expect(atLeast(parseMicroversion("2.100"), "2.53")).toBe(true);
    expect(atLeast(parseMicroversion("2.9"), "2.11")).toBe(false);
  });
});

describe("microversions over HTTP", () => {
  const fx = useSimulator({ seed: 1, maxMicroversion: "2.60" });

  it("echoes the negotiated version in both headers", async () => {
    const a = await fx.client.nova("/os-services", { version: "2.53" });
    expect(a.headers.get("openstack-api-version")).toBe("compute 2.53");
    expect(a.headers.get("x-openstack-nova-api-version")).toBe("2.53");
    expect(a.headers.get("vary")).toContain("OpenStack-API-Version");
  });

  it("uses 2.1 without a header and the configured maximum for latest", async () => {
    expect((await fx.client.nova("/os-services")).headers.get("x-openstack-nova-api-version")).toBe("2.1");
    expect((await fx.client.nova("/os-services", { version: "latest" })).headers.get("x-openstack-nova-api-version")).toBe("2.60");
  });

  it("answers 406 above the configured maximum", async () => {
    const a = await fx.client.nova("/os-services", { version: "2.61" });
    expect(a.status).toBe(406);
    expect(a.body.computeFault.message).toBe("Version 2.61 is not supported by the API. Minimum is 2.1 and maximum is 2.60.");
  });

  it("serves the version documents without a token", async () => {
    const root = await call(`${fx.sim.baseUrl}/compute/`);
    expect(root.status).toBe(200);
    expect(root.body.versions.map((v: { id: string }) => v.id)).toEqual(["v2.0", "v2.1"]);
    const v21 = await call(`${fx.sim.baseUrl}/compute/v2.1/`);
    expect(v21.body.version).toMatchObject({ id: "v2.1", status: "CURRENT", version: "2.60", min_version: "2.1" });
    expect(v21.body.version.links[0].href).toBe(`${fx.sim.baseUrl}/compute/v2.1/`);
  });
});
