import { describe, expect, it } from "vitest";
import { type Simulator } from "./index.js";
import { call } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 11, cloud: { hosts: 2, serversPerHost: 1300, shutoffEvery: 5, bootFromVolumeEvery: 7, taggedFlavor: true } });

async function followAll(path: string, version = "2.53"): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let answer = await fx.client.nova(path, { version });
  for (;;) {
    expect(answer.status).toBe(200);
    ids.push(...answer.body.servers.map((s: { id: string }) => s.id));
    pages.push(answer.body.servers.length);
    const next = answer.body.servers_links?.find((l: { rel: string }) => l.rel === "next")?.href;
    if (!next) return { ids, pages };
    answer = await call(next, { headers: { "X-Auth-Token": await fx.client.login(), "OpenStack-API-Version": `compute ${version}` } });
  }
}

describe("GET /servers/detail paging", () => {
  it("returns 1000 servers and a next link, then the rest", async () => {
    const { ids, pages } = await followAll("/servers/detail?all_tenants=1&host=compute-1");
    expect(pages).toEqual([1000, 300]);
    expect(new Set(ids).size).toBe(1300);
    expect(ids).toEqual(fx.sim.cloud.serversOnHost("compute-1").map((s) => s.uuid));
  });

  it("builds the next link from the sorted query with the marker", async () => {
    const a = await fx.client.nova("/servers/detail?limit=2&host=compute-2&all_tenants=1", { version: "2.53" });
    const last = a.body.servers[1].id;
    expect(a.body.servers_links).toEqual([{ rel: "next", href: `${fx.sim.baseUrl}/compute/v2.1/servers/detail?all_tenants=1&host=compute-2&limit=2&marker=${last}` }]);
  });

  it("adds a next link whenever a page is full, even the last one", async () => {
    const { pages } = await followAll("/servers/detail?all_tenants=1&host=compute-1&limit=650");
    expect(pages).toEqual([650, 650, 0]);
  });

  it("caps the page size at max_limit", async () => {
    const a = await fx.client.nova("/servers/detail?all_tenants=1&limit=5000", { version: "2.53" });
    expect(a.body.servers).toHaveLength(1000);
  });

  it("lists only the caller's project without all_tenants", async () => {
    const own = await followAll("/servers/detail?host=compute-1");
    const project = fx.sim.cloud.identity.users[0]?.project.id;
    expect(own.ids.length).toBe(fx.sim.cloud.serversOnHost("compute-1").filter((s) => s.projectId === project).length);
    expect(own.ids.length).toBeLessThan(1300);
  });

  it.each([
    ["an unknown marker", "?marker=00000000-0000-4000-8000-000000000000", "marker [00000000-0000-4000-8000-000000000000] not found"],
    ["a negative limit", "?limit=-1", "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"],
  ])("answers 400 for %s", async (_what, query, message) => {
    const a = await fx.client.nova(`/servers/detail${query}`, { version: "2.53" });
    expect(a.status).toBe(400);
    expect(a.body.badRequest.message).toBe(message);
  });
});

describe("server fields", () => {
  const pick = (pred: (s: ReturnType<Simulator["cloud"]["servers"]>[number]) => boolean) => fx.sim.cloud.servers().find(pred);

  it("shows host, states and status", async () => {
    const stopped = pick((s) => s.vmState === "stopped");
    const a = await fx.client.nova(`/servers/${stopped?.uuid}`, { version: "2.53" });
    expect(a.body.server).toMatchObject({
      id: stopped?.uuid,
      status: "SHUTOFF",
      tenant_id: stopped?.projectId,
      "OS-EXT-SRV-ATTR:host": stopped?.host,
      "OS-EXT-SRV-ATTR:hypervisor_hostname": stopped?.host,
      "OS-EXT-STS:vm_state": "stopped",
      "OS-EXT-STS:task_state": null,
      "OS-EXT-STS:power_state": 4,
      host_status: "UP",
      metadata: {},
    });
    expect(a.body.server.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("links the flavor before 2.47 and embeds it with extra specs from 2.47", async () => {
    const tagged = pick((s) => s.flavorId === "100");
    const old = await fx.client.nova(`/servers/${tagged?.uuid}`, { version: "2.46" });
    expect(old.body.server.flavor).toEqual({ id: "100", links: [{ rel: "bookmark", href: `${fx.sim.baseUrl}/compute/flavors/100` }] });
    const embedded = await fx.client.nova(`/servers/${tagged?.uuid}`, { version: "2.47" });
    expect(embedded.body.server.flavor).toEqual({ vcpus: 2, ram: 2048, disk: 20, ephemeral: 0, swap: 0, original_name: "ha.evacuable", extra_specs: { evacuable: "true" } });
  });

  it("shows an empty image for a boot-from-volume server and its volume", async () => {
    const bfv = pick((s) => s.imageId === null);
    const a = await fx.client.nova(`/servers/${bfv?.uuid}`, { version: "2.53" });
    expect(a.body.server.image).toBe("");
    expect(a.body.server["os-extended-volumes:volumes_attached"]).toEqual([{ id: bfv?.volumeIds[0], delete_on_termination: false }]);
  });

  it("reports host_status DOWN once the host is forced down", async () => {
    const s = fx.sim.cloud.serversOnHost("compute-2")[0];
    const svc = fx.sim.cloud.computeService("compute-2");
    if (svc) svc.forcedDown = true;
    try {
      expect((await fx.client.nova(`/servers/${s?.uuid}`, { version: "2.16" })).body.server.host_status).toBe("DOWN");
      expect("host_status" in (await fx.client.nova(`/servers/${s?.uuid}`, { version: "2.15" })).body.server).toBe(false);
    } finally {
      if (svc) svc.forcedDown = false;
    }
  });

  it("answers 404 itemNotFound for an unknown or deleted server", async () => {
    const victim = fx.sim.cloud.serversOnHost("compute-2")[5];
    fx.sim.cloud.deleteServer(victim?.uuid ?? "");
    const a = await fx.client.nova(`/servers/${victim?.uuid}`, { version: "2.53" });
    expect(a.status).toBe(404);
    expect(a.body).toEqual({ itemNotFound: { code: 404, message: `Instance ${victim?.uuid} could not be found.` } });
  });

  it("lists a deleted server as DELETED to changes-since only, as Nova reads deleted rows then", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const victim = fx.sim.cloud.serversOnHost("compute-2")[6];
    fx.sim.cloud.deleteServer(victim?.uuid ?? "");
    const changed = await fx.client.nova(`/servers/detail?all_tenants=1&changes-since=${encodeURIComponent(since)}`, { version: "2.53" });
    const seen = changed.body.servers.find((s: { id: string }) => s.id === victim?.uuid);
    expect(seen).toMatchObject({ status: "DELETED", "OS-EXT-STS:vm_state": "deleted", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 0, "OS-EXT-SRV-ATTR:host": "compute-2" });
    const onHost = await fx.client.nova("/servers/detail?all_tenants=1&host=compute-2&limit=2000", { version: "2.53" });
    expect(onHost.body.servers.some((s: { id: string }) => s.id === victim?.uuid)).toBe(false);
  });

  it("filters by status", async () => {
    const a = await fx.client.nova("/servers/detail?all_tenants=1&host=compute-1&status=SHUTOFF", { version: "2.53" });
    expect(a.body.servers.length).toBe(fx.sim.cloud.serversOnHost("compute-1").filter((s) => s.vmState === "stopped").length);
    expect(a.body.servers.every((s: { status: string }) => s.status === "SHUTOFF")).toBe(true);
  });
});
