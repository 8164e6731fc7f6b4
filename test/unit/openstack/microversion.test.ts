import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Transport } from "../../../src/openstack/http.js";
import {
  chooseMicroversion,
  compareMicroversions,
  microversionHeaders,
  negotiateMicroversion,
  OUR_MAX,
  OUR_MIN,
  supports,
  versionDocumentUrl,
} from "../../../src/openstack/microversion.js";
import { startFakeServer, type FakeHandler, type FakeServer } from "./fake-server.js";

describe("compareMicroversions", () => {
  it.each([
    ["2.9", "2.11", -1],
    ["2.11", "2.9", 1],
    ["2.53", "2.53", 0],
    ["3.0", "2.99", 1],
    ["2.100", "2.95", 1],
  ])("%s vs %s → %i", (a, b, sign) => {
    expect(Math.sign(compareMicroversions(a, b))).toBe(sign);
  });

  it("refuses something that is not a microversion", () => {
    expect(() => compareMicroversions("2", "2.1")).toThrow("not a microversion: 2");
  });
});

describe("supports", () => {
  it("is true from the version on", () => {
    expect(supports("2.53", "2.53")).toBe(true);
    expect(supports("2.94", "2.61")).toBe(true);
    expect(supports("2.52", "2.53")).toBe(false);
  });
});

describe("chooseMicroversion", () => {
  it.each([
    ["2.1", "2.96", OUR_MAX],
    ["2.1", "2.95", OUR_MAX],
    ["2.1", "2.94", "2.94"],
    ["2.1", "2.60", "2.60"],
    ["2.1", "2.11", "2.11"],
  ])("server %s–%s → %s", (min, max, chosen) => {
    expect(chooseMicroversion(min, max)).toBe(chosen);
  });

  it("pins below 2.95, which would leave evacuated instances stopped", () => {
    expect(compareMicroversions(OUR_MAX, "2.95")).toBeLessThan(0);
    expect(OUR_MIN).toBe("2.11");
  });

  it.each([
    ["2.1", "2.10", /offers microversions up to 2\.10, we need at least 2\.11/],
    ["", "", /offers no microversions/],
    ["2.95", "2.99", /requires microversion 2\.95 or newer/],
  ])("server %s–%s is unsupported", (min, max, message) => {
    expect(() => chooseMicroversion(min, max)).toThrow(message);
    try {
      chooseMicroversion(min, max);
    } catch (error) {
      expect((error as { kind?: string }).kind).toBe("unsupported");
    }
  });
});

describe("microversionHeaders", () => {
  it("carries the new and the legacy header", () => {
    expect(microversionHeaders("2.53")).toEqual({ "OpenStack-API-Version": "compute 2.53", "X-OpenStack-Nova-API-Version": "2.53" });
  });
});

describe("versionDocumentUrl", () => {
  it.each([
    ["http://nova:8774/v2.1", undefined, "http://nova:8774/v2.1/"],
    ["http://nova:8774/v2.1/", undefined, "http://nova:8774/v2.1/"],
    ["http://nova:8774/v2.1/0123456789abcdef0123456789abcdef", undefined, "http://nova:8774/v2.1/"],
    ["http://nova:8774/v2.1/proj-x", "proj-x", "http://nova:8774/v2.1/"],
    ["https://cloud/compute/v2.1", undefined, "https://cloud/compute/v2.1/"],
    ["http://nova:8774", undefined, "http://nova:8774/"],
  ])("%s (project %s) → %s", (endpoint, project, url) => {
    expect(versionDocumentUrl(endpoint, project)).toBe(url);
  });
});

describe("negotiateMicroversion", () => {
  let server: FakeServer | undefined;
  let transport: Transport | undefined;
  afterEach(async () => {
    transport?.close();
    await server?.close();
  });

  async function negotiate(handler: FakeHandler, endpointPath = "/v2.1"): Promise<string> {
    server = await startFakeServer(handler);
    transport = new Transport({ connectTimeoutMs: 1000, readTimeoutMs: 1000, logger: pino({ level: "silent" }), retries: 0 });
    return negotiateMicroversion(transport, `${server.url}${endpointPath}`);
  }

  it("reads the version document of the endpoint with one unauthenticated GET", async () => {
    const chosen = await negotiate(() => ({ body: { version: { id: "v2.1", min_version: "2.1", version: "2.79" } } }));
    expect(chosen).toBe("2.79");
    expect(server?.requests.map((r) => [r.method, r.path, r.headers["x-auth-token"]])).toEqual([["GET", "/v2.1/", undefined]]);
  });

  it("picks v2.1 out of a versions list", async () => {
    const versions = [
      { id: "v2.0", min_version: "", version: "" },
      { id: "v2.1", min_version: "2.1", version: "2.90" },
    ];
    expect(await negotiate(() => ({ body: { versions } }), "")).toBe("2.90");
  });

  it("fails clearly on an answer that is not a version document", async () => {
    await expect(negotiate(() => ({ raw: "<html>proxy error</html>", headers: { "Content-Type": "text/html" } }))).rejects.toThrow(
      /Nova sent an unexpected answer to GET \/v2\.1\/: the body is not JSON/,
    );
  });
});
