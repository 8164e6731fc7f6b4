import { afterEach, describe, expect, it } from "vitest";
import { backendEndpoint } from "../../../src/openstack/backend-session.js";
import { startFakeBackends, type FakeBackends } from "./masakari/fake-backends.js";

let fake: FakeBackends | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("BackendSession", () => {
  it("sends to the back-end's catalog endpoint with the token", async () => {
    fake = await startFakeBackends(() => ({ body: { ok: true } }));
    const res = await fake.session("mistral").request({ method: "GET", path: "/workflows" });
    expect(res.data).toEqual({ ok: true });
    const [call] = fake.calls("mistral");
    expect(call?.path).toBe("/workflows");
    expect(call?.headers["x-auth-token"]).toBe("tok-1");
  });

  it("authenticates again once on a 401 and retries", async () => {
    let first = true;
    fake = await startFakeBackends(() => {
      if (first) {
        first = false;
        return { status: 401, body: {} };
      }
      return { body: {} };
    });
    await fake.session("masakari").request({ method: "GET", path: "/segments" });
    expect(fake.tokens).toEqual(["tok-1", "tok-2"]);
    expect(fake.calls("masakari").map((c) => c.headers["x-auth-token"])).toEqual(["tok-1", "tok-2"]);
  });

  it("renews a token that would expire within the minimum lifetime asked for", async () => {
    fake = await startFakeBackends(() => ({ body: {} }), { tokenLifeMs: 10 * 60_000 });
    const session = fake.session("mistral");
    await session.request({ method: "GET", path: "/executions" });
    await session.request({ method: "GET", path: "/executions" });
    expect(fake.tokens).toHaveLength(1);
    await session.request({ method: "POST", path: "/executions", minTokenLifeMs: 15 * 60_000 });
    expect(fake.tokens).toHaveLength(2);
  });

  it("says which catalog types it looked for when the back-end is not registered", () => {
    expect(() => backendEndpoint([{ type: "compute", endpoints: [] }], "masakari", "public", "RegionOne"))
      .toThrow("the Keystone catalog has no instance-ha/ha endpoint with interface public in region RegionOne");
  });
});
