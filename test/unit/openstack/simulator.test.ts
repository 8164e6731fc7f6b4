// The OpenStack client against the Keystone + Nova + Glance simulator: auth, tokens, microversions, paging, errors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { connectOpenStack, type OpenStackConnection } from "../../../src/openstack/connect.js";
import { Transport } from "../../../src/openstack/http.js";
import { Session } from "../../../src/openstack/session.js";
import { EXPIRY_MARGIN_MS } from "../../../src/openstack/token-holder.js";
import type { CloudConfig } from "../../../src/openstack/types.js";
import { DEFAULT_APP_CREDENTIAL } from "../../sim/identity-store.js";
import { startSimulator, type SimOptions, type Simulator } from "../../sim/index.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function simulator(options: SimOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ seed: 7, ...options });
  cleanups.push(() => sim.stop());
  return sim;
}

function configOf(sim: Simulator, overrides: Partial<CloudConfig> = {}): CloudConfig {
  return {
    authUrl: sim.authUrl,
    username: "admin",
    password: "secret",
    projectName: "admin",
    userDomainName: "Default",
    projectDomainName: "Default",
    interface: "internal",
    insecure: false,
    connectTimeoutMs: 2_000,
    readTimeoutMs: 5_000,
    ...overrides,
  };
}

async function connect(sim: Simulator, overrides: Partial<CloudConfig> = {}, tokenCachePath?: string): Promise<OpenStackConnection> {
  const os = await connectOpenStack(configOf(sim, overrides), { logger: pino({ level: "silent" }), tokenCachePath, retries: 2 });
  cleanups.push(() => os.close());
  return os;
}

const identityCalls = (sim: Simulator): number => sim.cloud.counts().byService.identity ?? 0;

describe("against the simulator: authentication and tokens", () => {
  it("authenticates with a password and reuses the token for every call", async () => {
    const sim = await simulator();
    const os = await connect(sim);
    for (let i = 0; i < 5; i++) await os.compute.listServices();
    expect(identityCalls(sim)).toBe(1);
    expect(os.requestCounts).toEqual({ identity: 1, compute: 6 });
  });

  it("authenticates with an application credential", async () => {
    const sim = await simulator();
    const { id, secret } = DEFAULT_APP_CREDENTIAL;
    const os = await connect(sim, { username: undefined, password: undefined, projectName: undefined, applicationCredentialId: id, applicationCredentialSecret: secret });
    expect((await os.compute.listServices()).length).toBeGreaterThan(0);
  });

  it("reports wrong credentials as kind auth", async () => {
    const sim = await simulator();
    await expect(connect(sim, { password: "not-the-password" })).rejects.toMatchObject({ kind: "auth", status: 401 });
  });

  it("renews the token before it expires", async () => {
    const sim = await simulator({ tokenTtlSeconds: 3600 });
    let now = Date.now();
    const transport = new Transport({ connectTimeoutMs: 2000, readTimeoutMs: 5000, logger: pino({ level: "silent" }) });
    cleanups.push(() => transport.close());
    const session = new Session(transport, configOf(sim), { now: () => now });
    await session.request("compute", { method: "GET", path: "/os-services" });
    now += 3600_000 - EXPIRY_MARGIN_MS + 1_000;
    await session.request("compute", { method: "GET", path: "/os-services" });
    expect(identityCalls(sim)).toBe(2);
  });

  it("re-authenticates once when the cloud says the token expired", async () => {
    const sim = await simulator({ tokenTtlSeconds: 3600 });
    const os = await connect(sim);
    sim.cloud.clock.advance(2 * 3600_000);
    await os.compute.listServices();
    expect(identityCalls(sim)).toBe(2);
    expect(sim.cloud.counts().byStatus["401"]).toBe(1);
  });

  it("lets a second process with the token cache make one request for an idle monitor pass", async () => {
    const sim = await simulator();
    const dir = mkdtempSync(join(tmpdir(), "sim-cache-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await connect(sim, {}, join(dir, "cache.json"));
    sim.cloud.resetCounts();
    const os = await connect(sim, {}, join(dir, "cache.json"));
    await os.compute.listServices({ host: "compute-1" });
    expect(sim.cloud.counts().total).toBe(1);
    expect(os.requestCounts).toEqual({ compute: 1 });
  });
});

describe("against the simulator: microversions", () => {
  it.each([
    [undefined, "2.93"],
    ["2.96", "2.94"],
    ["2.53", "2.53"],
    ["2.11", "2.11"],
  ])("negotiates with a Nova offering up to %s → %s", async (max, chosen) => {
    const sim = await simulator(max === undefined ? {} : { maxMicroversion: max });
    const os = await connect(sim);
    expect(os.compute.microversion).toBe(chosen);
    await os.compute.listServices();
    expect(sim.cloud.requests().pop()?.microversion).toBe(chosen);
  });

  it("refuses a Nova older than 2.11", async () => {
    const sim = await simulator({ maxMicroversion: "2.10" });
    await expect(connect(sim)).rejects.toMatchObject({ kind: "unsupported" });
  });

  it.each(["2.93", "2.52"])("forces down, disables and enables a service at %s", async (max) => {
    const sim = await simulator({ maxMicroversion: max });
    const os = await connect(sim);
    const [service] = await os.compute.listServices({ host: "compute-1" });
    if (!service) throw new Error("no service");
    const down = await os.compute.forceDown(service, true);
    const disabled = await os.compute.disable(down, "fenced by test");
    expect(disabled).toMatchObject({ forcedDown: true, state: "down", status: "disabled", disabledReason: "fenced by test" });
    const view = sim.cloud.services().find((s) => s.host === "compute-1" && s.binary === "nova-compute");
    expect(view).toMatchObject({ forcedDown: true, status: "disabled", disabledReason: "fenced by test", state: "down" });
    await os.compute.enable(await os.compute.forceDown(disabled, false));
    expect(sim.cloud.services().find((s) => s.host === "compute-1" && s.binary === "nova-compute")).toMatchObject({ forcedDown: false, status: "enabled" });
  });
});

describe("against the simulator: listings", () => {
  it("lists 2,500 servers of one host over three pages", async () => {
    const sim = await simulator({ cloud: { hosts: 2, serversPerHost: 2500 } });
    const os = await connect(sim);
    sim.cloud.resetCounts();
    const servers = await os.compute.listServersOnHost("compute-1");
    expect(servers).toHaveLength(2500);
    expect(new Set(servers.map((s) => s.id)).size).toBe(2500);
    expect(servers.every((s) => s.host === "compute-1")).toBe(true);
    expect(sim.cloud.counts().total).toBe(3);
  });

  it("lists flavors with extra specs, embedded or one by one", async () => {
    for (const max of ["2.93", "2.60"]) {
      const sim = await simulator({ maxMicroversion: max, cloud: { hosts: 1, serversPerHost: 1, taggedFlavor: true } });
      const os = await connect(sim);
      const tagged = (await os.compute.listFlavors()).find((f) => f.name === "ha.evacuable");
      expect(tagged?.extraSpecs).toMatchObject({ evacuable: "true" });
    }
  });

  it("lists every image with a tag across Glance pages", async () => {
    const sim = await simulator({ cloud: { hosts: 1, serversPerHost: 1, taggedImage: true, extraTaggedImages: 1200, extraImages: 10 } });
    const os = await connect(sim);
    const images = await os.image.listImagesWithTag("evacuable");
    expect(images).toHaveLength(1201);
    expect(images.every((i) => i.tags.includes("evacuable"))).toBe(true);
    expect(os.requestCounts.image).toBe(2);
  });
});

describe("against the simulator: evacuation and errors", () => {
  it("evacuates the servers of a dead host and finds their migration records", async () => {
    // A latency of 20 ms lets the simulator's rebuild steps fire out of order (see the report); 200 ms does not.
    const sim = await simulator({ evacuateLatencyMs: 200, cloud: { hosts: 3, serversPerHost: 5 } });
    const os = await connect(sim);
    const started = new Date(sim.cloud.clock.now() - 1000).toISOString();
    sim.cloud.killHost("compute-1");
    const [service] = await os.compute.listServices({ host: "compute-1" });
    if (!service) throw new Error("no service");
    await os.compute.forceDown(service, true);
    const servers = await os.compute.listServersOnHost("compute-1");
    for (const server of servers) await os.compute.evacuate(server.id);
    await sim.cloud.waitIdle();
    const migrations = await os.compute.listEvacuations({ sourceCompute: "compute-1", changesSince: started });
    expect(migrations.map((m) => m.instanceUuid).sort()).toEqual(servers.map((s) => s.id).sort());
    expect(migrations.every((m) => m.migrationType === "evacuation" && m.destCompute !== "compute-1")).toBe(true);
    const left = await os.compute.listServersOnHost("compute-1");
    expect(left.map((s) => [s.id, s.status, sim.cloud.server(s.id)?.fault?.message])).toEqual([]);
  });

  it("maps Nova's refusal to evacuate from a live host to bad-request with the reason", async () => {
    const sim = await simulator();
    const os = await connect(sim);
    const [server] = await os.compute.listServersOnHost("compute-2");
    const error = await os.compute.evacuate(server?.id ?? "").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "bad-request", status: 400 });
    expect((error as Error).message).toMatch(/still in use/);
    expect((error as { requestId?: string }).requestId).toMatch(/^req-/);
  });

  it("returns null for a server Nova does not know", async () => {
    const sim = await simulator();
    const os = await connect(sim);
    expect(await os.compute.getServer("00000000-0000-0000-0000-000000000000")).toBeNull();
  });

  it("does not retry an evacuate that failed with HTTP 500", async () => {
    const sim = await simulator({ evacuateLatencyMs: 20 });
    const os = await connect(sim);
    sim.cloud.killHost("compute-1");
    const [service] = await os.compute.listServices({ host: "compute-1" });
    if (!service) throw new Error("no service");
    await os.compute.forceDown(service, true);
    const [server] = await os.compute.listServersOnHost("compute-1");
    sim.cloud.injectFailure({ kind: "evacuate-500" });
    sim.cloud.resetCounts();
    await expect(os.compute.evacuate(server?.id ?? "")).rejects.toMatchObject({ kind: "server", status: 500 });
    expect(sim.cloud.counts().total).toBe(1);
  });

  it("retries a GET that times out, then reports the timeout", async () => {
    const sim = await simulator();
    const os = await connect(sim, { readTimeoutMs: 200 });
    sim.cloud.config.responseDelayMs = { compute: 1_000 };
    sim.cloud.resetCounts();
    await expect(os.compute.listServices()).rejects.toMatchObject({ kind: "timeout" });
    // The version document read at connect, then the first attempt and two retries.
    expect(os.requestCounts.compute).toBe(1 + 3);
  });
});
