import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "./index.js";
import { SimClient } from "./sim-client.js";

let sim: Simulator;
let client: SimClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, maxLimit: 2 });
  client = new SimClient(sim);
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.cloud.seed({ hosts: 3, serversPerHost: 2 });
});

const names = (body: { hypervisors: { hypervisor_hostname: string }[] }) => body.hypervisors.map((h) => h.hypervisor_hostname);

describe("GET /os-hypervisors/detail", () => {
  it("lists every compute node at once below 2.33, whatever max_limit says (the peers' connection probe)", async () => {
    const answer = await client.nova("/os-hypervisors/detail", { version: "2.11" });
    expect(answer.status).toBe(200);
    expect(names(answer.body)).toEqual(["compute-1", "compute-2", "compute-3"]);
    expect(answer.body.hypervisors_links).toBeUndefined();
    const first = answer.body.hypervisors[0];
    expect(typeof first.id).toBe("number");
    expect(typeof first.cpu_info).toBe("string");
    expect(first).toMatchObject({ state: "up", status: "enabled", hypervisor_type: "fake", running_vms: 2, service: { host: "compute-1", disabled_reason: null } });
    expect(first.vcpus_used).toBe(sim.cloud.serversOnHost("compute-1").reduce((n, s) => n + (sim.cloud.flavor(s.flavorId)?.vcpus ?? 0), 0));
  });

  it("shows a fenced host as down and disabled", async () => {
    await client.nova("/os-services/force-down", { method: "PUT", version: "2.11", body: { host: "compute-2", binary: "nova-compute", forced_down: true } });
    await client.nova("/os-services/disable", { method: "PUT", version: "2.11", body: { host: "compute-2", binary: "nova-compute" } });
    const answer = await client.nova("/os-hypervisors/detail", { version: "2.11" });
    expect(answer.body.hypervisors[1]).toMatchObject({ hypervisor_hostname: "compute-2", state: "down", status: "disabled" });
  });

  it("pages with limit and marker from 2.33, with uuids from 2.53", async () => {
    const page1 = await client.nova("/os-hypervisors/detail", { version: "2.53" });
    expect(names(page1.body)).toEqual(["compute-1", "compute-2"]);
    const next = new URL(page1.body.hypervisors_links[0].href);
    expect(next.searchParams.get("marker")).toBe(page1.body.hypervisors[1].id);
    expect(page1.body.hypervisors[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const page2 = await client.nova(`/os-hypervisors/detail?marker=${page1.body.hypervisors[1].id}`, { version: "2.53" });
    expect(names(page2.body)).toEqual(["compute-3"]);
    expect((await client.nova("/os-hypervisors/detail?marker=nope", { version: "2.53" })).status).toBe(400);
  });

  it("drops the resource figures from 2.88 and shows cpu_info as an object from 2.28", async () => {
    const v228 = await client.nova("/os-hypervisors/detail", { version: "2.28" });
    expect(typeof v228.body.hypervisors[0].cpu_info).toBe("object");
    const v288 = await client.nova("/os-hypervisors/detail?limit=1", { version: "2.88" });
    expect(v288.body.hypervisors[0].vcpus).toBeUndefined();
    expect(v288.body.hypervisors[0].running_vms).toBeUndefined();
  });
});

describe("GET /os-hypervisors", () => {
  it("shows only id, name, state and status", async () => {
    const answer = await client.nova("/os-hypervisors", { version: "2.11" });
    expect(Object.keys(answer.body.hypervisors[0]).sort()).toEqual(["hypervisor_hostname", "id", "state", "status"]);
    expect(names(answer.body)).toHaveLength(3);
  });

  it("needs a token", async () => {
    const answer = await client.nova("/os-hypervisors", { version: "2.11", token: "bogus" });
    expect(answer.status).toBe(401);
  });
});
