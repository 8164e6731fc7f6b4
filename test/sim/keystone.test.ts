import { describe, expect, it } from "vitest";
import { DEFAULT_APP_CREDENTIAL } from "./identity-store.js";
import { call, passwordAuth } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 7, tokenTtlSeconds: 60, users: [{ name: "admin", password: "secret", project: "admin" }, { name: "ops", password: "pw", project: "ops", domain: "Ops" }] });

const tokens = (): string => `${fx.sim.authUrl}/auth/tokens`;

describe("Keystone version discovery", () => {
  it("answers 300 with the v3 version at /identity", async () => {
    const a = await call(`${fx.sim.baseUrl}/identity`);
    expect(a.status).toBe(300);
    expect(a.body.versions.values[0]).toMatchObject({ id: "v3.14", status: "stable", links: [{ rel: "self", href: `${fx.sim.baseUrl}/identity/v3/` }] });
    expect(a.headers.get("x-openstack-request-id")).toMatch(/^req-[0-9a-f-]{36}$/);
  });

  it("answers 200 with the version document at /identity/v3", async () => {
    const a = await call(fx.sim.authUrl);
    expect(a.status).toBe(200);
    expect(a.body.version.id).toBe("v3.14");
  });
});

describe("Keystone password authentication", () => {
  it("issues a project-scoped token with catalog and roles", async () => {
    const a = await call(tokens(), { method: "POST", body: passwordAuth() });
    expect(a.status).toBe(201);
    expect(a.headers.get("x-subject-token")).toMatch(/^gAAAAAB/);
    const t = a.body.token;
    expect(t.methods).toEqual(["password"]);
    expect(t.project.name).toBe("admin");
    expect(t.roles.map((r: { name: string }) => r.name)).toContain("admin");
    expect(Date.parse(t.expires_at) - Date.parse(t.issued_at)).toBe(60_000);
    const compute = t.catalog.find((s: { type: string }) => s.type === "compute");
    expect(compute.endpoints.map((e: { interface: string }) => e.interface).sort()).toEqual(["admin", "internal", "public"]);
    expect(compute.endpoints[0]).toMatchObject({ region_id: "RegionOne", url: `${fx.sim.baseUrl}/compute/v2.1` });
    expect(t.catalog.find((s: { type: string }) => s.type === "image").endpoints[0].url).toBe(`${fx.sim.baseUrl}/image`);
  });

  it("accepts the user and project by id, and domains by id", async () => {
    const user = fx.sim.cloud.identity.users[1];
    const byId = { auth: { identity: { methods: ["password"], password: { user: { id: user?.id, password: "pw" } } }, scope: { project: { id: user?.project.id } } } };
    expect((await call(tokens(), { method: "POST", body: byId })).status).toBe(201);
    const byDomainId = passwordAuth("admin", "secret", { name: "admin", domain: { id: "default" } });
    expect((await call(tokens(), { method: "POST", body: byDomainId })).status).toBe(201);
  });

  it.each([
    ["a wrong password", passwordAuth("admin", "nope")],
    ["an unknown user", passwordAuth("nobody", "secret")],
    ["a project the user has no role on", passwordAuth("admin", "secret", { name: "ops", domain: { name: "Ops" } })],
  ])("answers 401 for %s", async (_what, body) => {
    const a = await call(tokens(), { method: "POST", body });
    expect(a.status).toBe(401);
    expect(a.body.error).toEqual({ code: 401, title: "Unauthorized", message: "The request you have made requires authentication." });
  });

  it("answers 400 when a user name comes without a domain", async () => {
    const body = { auth: { identity: { methods: ["password"], password: { user: { name: "admin", password: "secret" } } } } };
    const a = await call(tokens(), { method: "POST", body });
    expect(a.status).toBe(400);
    expect(a.body.error.message).toMatch(/^Expecting to find domain in user/);
  });
});

describe("Keystone application credentials", () => {
  const appcred = (cred: Record<string, unknown>): unknown => ({ auth: { identity: { methods: ["application_credential"], application_credential: cred } } });

  it("authenticates by id and secret", async () => {
    const a = await call(tokens(), { method: "POST", body: appcred({ id: DEFAULT_APP_CREDENTIAL.id, secret: DEFAULT_APP_CREDENTIAL.secret }) });
    expect(a.status).toBe(201);
    expect(a.body.token.methods).toEqual(["application_credential"]);
    expect(a.body.token.application_credential).toMatchObject({ id: DEFAULT_APP_CREDENTIAL.id, name: "ha-agents" });
  });

  it("authenticates by name and owning user", async () => {
    const body = appcred({ name: "ha-agents", user: { name: "admin", domain: { name: "Default" } }, secret: DEFAULT_APP_CREDENTIAL.secret });
    expect((await call(tokens(), { method: "POST", body })).status).toBe(201);
  });

  it("answers 401 for a wrong secret", async () => {
    const a = await call(tokens(), { method: "POST", body: appcred({ id: DEFAULT_APP_CREDENTIAL.id, secret: "wrong" }) });
    expect(a.status).toBe(401);
  });
});

describe("tokens on Nova and Glance", () => {
  it("rejects a missing or unknown token with 401 and a WWW-Authenticate header", async () => {
    for (const headers of [{}, { "X-Auth-Token": "bogus" }] as Record<string, string>[]) {
      const a = await call(`${fx.sim.baseUrl}/compute/v2.1/os-services`, { headers });
      expect(a.status).toBe(401);
      expect(a.headers.get("www-authenticate")).toBe(`Keystone uri="${fx.sim.baseUrl}/identity"`);
      expect(a.headers.get("x-compute-request-id")).toMatch(/^req-/);
    }
    expect((await call(`${fx.sim.baseUrl}/image/v2/images`, { headers: { "X-Auth-Token": "bogus" } })).status).toBe(401);
  });

  it("rejects a token once its lifetime has passed", async () => {
    const token = await fx.client.login();
    expect((await fx.client.nova("/os-services", { token })).status).toBe(200);
    fx.sim.cloud.clock.advance(61_000);
    try {
      expect((await fx.client.nova("/os-services", { token })).status).toBe(401);
    } finally {
      fx.sim.cloud.clock.resetOffset();
    }
  });

  it("validates and revokes tokens through GET and DELETE /v3/auth/tokens", async () => {
    const admin = await fx.client.login();
    const subject = (await call(tokens(), { method: "POST", body: passwordAuth() })).headers.get("x-subject-token") ?? "";
    const headers = { "X-Auth-Token": admin, "X-Subject-Token": subject };
    expect((await call(tokens(), { headers })).status).toBe(200);
    expect((await call(tokens(), { method: "DELETE", headers })).status).toBe(204);
    expect((await call(tokens(), { headers })).status).toBe(404);
  });
});
