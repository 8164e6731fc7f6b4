import { describe, expect, it } from "vitest";
import { EVACUABLE } from "./index.js";
import { call } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 4, cloud: { hosts: 1, serversPerHost: 1, taggedFlavor: true, taggedImage: true, extraImages: 10, extraTaggedImages: 30 } });

describe("flavors", () => {
  it("lists public flavors by default and private ones too with is_public=None", async () => {
    const publicOnly = await fx.client.nova("/flavors/detail", { version: "2.53" });
    expect(publicOnly.body.flavors.map((f: { id: string }) => f.id)).toEqual(["1", "2", "3", "4"]);
    const all = await fx.client.nova("/flavors/detail?is_public=None", { version: "2.53" });
    expect(all.body.flavors.map((f: { id: string }) => f.id)).toEqual(["1", EVACUABLE.flavorId, "2", "3", "4", "5"]);
    expect(all.body.flavors[1]).toMatchObject({ name: "ha.evacuable", "os-flavor-access:is_public": false, vcpus: 2, ram: 2048, disk: 20, swap: "" });
    expect((await fx.client.nova("/flavors/detail?is_public=maybe", { version: "2.53" })).status).toBe(400);
  });

  it("embeds extra specs from 2.61 only", async () => {
    const before = await fx.client.nova("/flavors/detail?is_public=None", { version: "2.60" });
    expect("extra_specs" in before.body.flavors[0]).toBe(false);
    const after = await fx.client.nova("/flavors/detail?is_public=None", { version: "2.61" });
    expect(after.body.flavors.find((f: { id: string }) => f.id === EVACUABLE.flavorId).extra_specs).toEqual({ evacuable: "true" });
  });

  it("answers os-extra_specs per flavor and 404 for an unknown flavor", async () => {
    expect((await fx.client.nova(`/flavors/${EVACUABLE.flavorId}/os-extra_specs`, { version: "2.11" })).body).toEqual({ extra_specs: { evacuable: "true" } });
    expect((await fx.client.nova("/flavors/3/os-extra_specs", { version: "2.11" })).body).toEqual({ extra_specs: { "hw:cpu_policy": "shared" } });
    const missing = await fx.client.nova("/flavors/999/os-extra_specs", { version: "2.11" });
    expect(missing.status).toBe(404);
    expect(missing.body.itemNotFound.message).toBe("Flavor 999 could not be found.");
  });
});

describe("Glance images", () => {
  it("answers the version list with 300 at /image", async () => {
    const a = await call(`${fx.sim.baseUrl}/image/`);
    expect(a.status).toBe(300);
    expect(a.body.versions[0]).toMatchObject({ status: "CURRENT", links: [{ rel: "self", href: `${fx.sim.baseUrl}/image/v2/` }] });
  });

  it("pages tagged images 25 at a time with relative next links", async () => {
    const ids: string[] = [];
    let path = "/v2/images?tag=evacuable";
    const sizes: number[] = [];
    for (;;) {
      const a = await fx.client.glance(path);
      expect(a.status).toBe(200);
      sizes.push(a.body.images.length);
      ids.push(...a.body.images.map((i: { id: string }) => i.id));
      for (const image of a.body.images) expect(image.tags).toContain("evacuable");
      if (!a.body.next) break;
      expect(a.body.next).toMatch(/^\/v2\/images\?tag=evacuable&marker=[0-9a-f-]{36}$/);
      path = a.body.next;
    }
    expect(sizes).toEqual([25, 6]);
    expect(new Set(ids).size).toBe(31);
  });

  it("honours limit, rejects bad limits and unknown markers", async () => {
    const a = await fx.client.glance("/v2/images?limit=3");
    expect(a.body.images).toHaveLength(3);
    expect(a.body.first).toBe("/v2/images?limit=3");
    expect(a.body.next).toBe(`/v2/images?limit=3&marker=${a.body.images[2].id}`);
    expect((await fx.client.glance("/v2/images?limit=-1")).status).toBe(400);
    expect((await fx.client.glance("/v2/images?marker=nope")).status).toBe(400);
  });

  it("lists newest first with Glance fields", async () => {
    const a = await fx.client.glance("/v2/images?limit=1000");
    expect(a.body.images).toHaveLength(42);
    expect(a.body.images.at(-1)).toMatchObject({ name: "cirros", status: "active", visibility: "public", tags: [], self: expect.stringMatching(/^\/v2\/images\//), hw_disk_bus: "virtio" });
    expect(a.body.next).toBeUndefined();
  });
});
