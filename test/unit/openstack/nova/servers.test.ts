import { afterEach, describe, expect, it } from "vitest";
import type { FakeRequest } from "../fake-server.js";
import { openCloudSession, type CloudSession } from "../cloud-session.js";

let session: CloudSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const rawServer = (id: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  name: `vm-${id}`,
  status: "ACTIVE",
  "OS-EXT-STS:vm_state": "active",
  "OS-EXT-STS:task_state": null,
  "OS-EXT-STS:power_state": 1,
  "OS-EXT-SRV-ATTR:host": "compute-1",
  tenant_id: "t1",
  flavor: { vcpus: 1, ram: 512, disk: 1, original_name: "m1.tiny", extra_specs: { "hw:evacuable": "true" } },
  image: { id: "img-1", links: [] },
  metadata: { evacuable: "true" },
  created: "2024-05-01T10:00:00Z",
  updated: "2024-05-01T10:05:00Z",
  addresses: {},
  ...over,
});

/** A Nova-like /servers/detail: pages of `limit` (1000 by default), next links on the public URL. */
function serversRoute(ids: string[]) {
  return (req: FakeRequest) => {
    const limit = Number(req.query.get("limit") ?? 1000);
    const marker = req.query.get("marker");
    const start = marker === null ? 0 : ids.indexOf(marker) + 1;
    const page = ids.slice(start, start + limit);
    const query = new URLSearchParams(req.query);
    query.set("limit", String(limit));
    query.set("marker", page[page.length - 1] ?? "");
    const links = page.length === limit ? [{ rel: "next", href: `https://public.example:13774/v2.1/servers/detail?${query.toString()}` }] : [];
    return { body: { servers: page.map((id) => rawServer(id)), servers_links: links } };
  };
}

describe("listServersOnHost", () => {
  it("follows every page: 2,500 servers in three requests, all on our own endpoint", async () => {
    session = await openCloudSession("2.96");
    const ids = Array.from({ length: 2500 }, (_, i) => `s-${String(i).padStart(4, "0")}`);
    session.cloud.route("GET /compute/v2.1/servers/detail", serversRoute(ids));
    const servers = await session.os.compute.listServersOnHost("compute-1");
    expect(servers.map((s) => s.id)).toEqual(ids);
    const requests = session.cloud.apiRequests();
    expect(requests.map((r) => r.query.get("marker"))).toEqual([null, "s-0999", "s-1999"]);
    expect(requests.every((r) => r.query.get("all_tenants") === "1" && r.query.get("host") === "compute-1")).toBe(true);
  });

  it("stops after a last page that is exactly full and the empty page after it", async () => {
    session = await openCloudSession("2.96");
    const ids = Array.from({ length: 1000 }, (_, i) => `s-${i}`);
    session.cloud.route("GET /compute/v2.1/servers/detail", serversRoute(ids));
    expect(await session.os.compute.listServersOnHost("compute-1")).toHaveLength(1000);
    expect(session.cloud.apiRequests()).toHaveLength(2);
  });

  it("normalises an embedded flavor (from 2.47) and a boot-from-volume image", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/servers/detail", () => ({ body: { servers: [rawServer("a", { image: "" })] } }));
    const [server] = await session.os.compute.listServersOnHost("compute-1");
    expect(server).toEqual({
      id: "a",
      name: "vm-a",
      status: "ACTIVE",
      vmState: "active",
      taskState: null,
      powerState: 1,
      host: "compute-1",
      tenantId: "t1",
      flavorExtraSpecs: { "hw:evacuable": "true" },
      flavorName: "m1.tiny",
      imageId: null,
      metadata: { evacuable: "true" },
      created: "2024-05-01T10:00:00Z",
      updated: "2024-05-01T10:05:00Z",
    });
  });

  it("keeps the flavor id below 2.47", async () => {
    session = await openCloudSession("2.46");
    session.cloud.route("GET /compute/v2.1/servers/detail", () => ({ body: { servers: [rawServer("a", { flavor: { id: "42", links: [] } })] } }));
    const [server] = await session.os.compute.listServersOnHost("compute-1");
    expect(server?.flavorId).toBe("42");
    expect(server?.flavorExtraSpecs).toBeUndefined();
    expect(server?.imageId).toBe("img-1");
  });
});

describe("listServersChangedSince", () => {
  it("asks for all tenants changed since a time, deleted ones included", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/servers/detail", () => ({ body: { servers: [rawServer("gone", { status: "DELETED" })] } }));
    const servers = await session.os.compute.listServersChangedSince("2024-05-01T00:00:00Z");
    expect(servers.map((s) => s.status)).toEqual(["DELETED"]);
    expect(Object.fromEntries(session.cloud.apiRequests()[0]?.query ?? [])).toEqual({ all_tenants: "1", "changes-since": "2024-05-01T00:00:00Z" });
  });
});

describe("getServer", () => {
  it("returns the server, or null when Nova answers 404", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/servers/a", () => ({ body: { server: rawServer("a") } }));
    expect((await session.os.compute.getServer("a"))?.id).toBe("a");
    expect(await session.os.compute.getServer("missing")).toBeNull();
  });

  it("throws on other errors", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/servers/a", () => ({ status: 500, body: { computeFault: { message: "db down" } } }));
    await expect(session.os.compute.getServer("a")).rejects.toThrow(/Nova failed on GET \/compute\/v2\.1\/servers\/a \(HTTP 500\): db down/);
  });
});

describe("evacuate", () => {
  it.each([
    ["2.96", undefined, {}],
    ["2.14", { onSharedStorage: true }, {}],
    ["2.13", undefined, { onSharedStorage: false }],
    ["2.11", { onSharedStorage: true }, { onSharedStorage: true }],
  ])("at %s with %j sends %j", async (version, options, body) => {
    session = await openCloudSession(version);
    session.cloud.route("POST /compute/v2.1/servers/a/action", () => ({ body: {} }));
    await session.os.compute.evacuate("a", options);
    expect(session.cloud.apiRequests()[0]?.body).toEqual({ evacuate: body });
  });

  it("is not retried when Nova fails, even with retries enabled", async () => {
    session = await openCloudSession("2.96", { retries: 2 });
    session.cloud.route("POST /compute/v2.1/servers/a/action", () => ({ status: 503, body: {} }));
    await expect(session.os.compute.evacuate("a")).rejects.toMatchObject({ kind: "server", status: 503 });
    expect(session.cloud.apiRequests()).toHaveLength(1);
  });

  it("is sent again once after a 401 and a new token", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("POST /compute/v2.1/servers/a/action", () => ({ body: {} }));
    session.cloud.revoke(session.cloud.issued[0] as string);
    await session.os.compute.evacuate("a");
    expect(session.cloud.apiRequests().map((r) => r.headers["x-auth-token"])).toEqual(session.cloud.issued);
  });

  it("reports Nova's refusal with its reason", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("POST /compute/v2.1/servers/a/action", () => ({
      status: 400,
      headers: { "x-compute-request-id": "req-e1" },
      body: { badRequest: { code: 400, message: "Compute service of compute-1 is still in use." } },
    }));
    await expect(session.os.compute.evacuate("a")).rejects.toThrow(/\(HTTP 400, req-e1\): Compute service of compute-1 is still in use\./);
  });
});
