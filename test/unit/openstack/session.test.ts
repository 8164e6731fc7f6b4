import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Transport } from "../../../src/openstack/http.js";
import { Session, type SessionState } from "../../../src/openstack/session.js";
import { EXPIRY_MARGIN_MS } from "../../../src/openstack/token-holder.js";
import { startFakeCloud, type FakeCloud } from "./fake-cloud.js";

let cloud: FakeCloud;
let transport: Transport;
afterEach(async () => {
  transport.close();
  await cloud.close();
});

async function setup(options: { tokenTtlMs?: number } = {}): Promise<void> {
  cloud = await startFakeCloud(options);
  transport = new Transport({ connectTimeoutMs: 1000, readTimeoutMs: 1000, logger: pino({ level: "silent" }), retries: 0 });
  cloud.route("GET /compute/v2.1/ping", () => ({ body: { pong: true } }));
}

const tokenRequests = (): number => cloud.requests.filter((r) => r.path === "/identity/v3/auth/tokens").length;

describe("Session", () => {
  it("authenticates once and reuses the token", async () => {
    await setup();
    const renewed: SessionState[] = [];
    const session = new Session(transport, cloud.config(), { onRenew: (s) => renewed.push(s) });
    for (let i = 0; i < 3; i++) await session.request("compute", { method: "GET", path: "/ping" });
    expect(tokenRequests()).toBe(1);
    expect(renewed).toHaveLength(1);
    expect(renewed[0]?.endpoints).toEqual({ compute: cloud.computeUrl, image: cloud.imageUrl });
    expect(cloud.apiRequests().map((r) => r.headers["x-auth-token"])).toEqual([cloud.issued[0], cloud.issued[0], cloud.issued[0]]);
  });

  it("renews a token that expires within the margin before using it", async () => {
    await setup({ tokenTtlMs: EXPIRY_MARGIN_MS + 30_000 });
    let now = Date.now();
    const session = new Session(transport, cloud.config(), { now: () => now });
    await session.request("compute", { method: "GET", path: "/ping" });
    now += 20_000;
    await session.request("compute", { method: "GET", path: "/ping" });
    expect(tokenRequests()).toBe(1);
    now += 20_000;
    await session.request("compute", { method: "GET", path: "/ping" });
    expect(tokenRequests()).toBe(2);
    expect(cloud.apiRequests()[2]?.headers["x-auth-token"]).toBe(cloud.issued[1]);
  });

  it("answers a 401 with exactly one re-authentication and one retry", async () => {
    await setup();
    const session = new Session(transport, cloud.config());
    await session.request("compute", { method: "GET", path: "/ping" });
    cloud.revoke(cloud.issued[0] as string);
    const res = await session.request("compute", { method: "GET", path: "/ping" });
    expect(res.data).toEqual({ pong: true });
    expect(tokenRequests()).toBe(2);
    expect(cloud.apiRequests()).toHaveLength(3);
  });

  it("gives up when the fresh token is refused too", async () => {
    await setup();
    cloud.route("GET /compute/v2.1/always401", () => ({ status: 401, body: { error: { message: "nope" } } }));
    const session = new Session(transport, cloud.config());
    await expect(session.request("compute", { method: "GET", path: "/always401" })).rejects.toMatchObject({ kind: "auth", status: 401 });
    expect(tokenRequests()).toBe(2);
    expect(cloud.apiRequests()).toHaveLength(2);
  });

  it("re-authenticates once for many requests refused at the same time", async () => {
    await setup();
    const session = new Session(transport, cloud.config());
    await session.request("compute", { method: "GET", path: "/ping" });
    cloud.revoke(cloud.issued[0] as string);
    await Promise.all(Array.from({ length: 5 }, () => session.request("compute", { method: "GET", path: "/ping" })));
    expect(tokenRequests()).toBe(2);
  });

  it("starts from a given state without contacting Keystone", async () => {
    await setup();
    const first = new Session(transport, cloud.config());
    const state = await first.current();
    const second = new Session(transport, cloud.config(), { initial: state });
    await second.request("compute", { method: "GET", path: "/ping" });
    expect(tokenRequests()).toBe(1);
  });

  it("says which endpoint is missing when the catalog had no image service", async () => {
    await setup();
    const state: SessionState = { token: "t", expiresAt: Date.now() + 3_600_000, endpoints: { compute: cloud.computeUrl, image: null } };
    const session = new Session(transport, cloud.config({ regionName: "RegionOne" }), { initial: state });
    await expect(session.request("image", { method: "GET", path: "/v2/images" })).rejects.toThrow(
      "the Keystone catalog has no image endpoint with interface internal in region RegionOne",
    );
  });
});
