import { afterEach, describe, expect, it } from "vitest";
import { openCloudSession, type CloudSession } from "../cloud-session.js";

let session: CloudSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const SPECS: Record<string, Record<string, string>> = {
  f1: { evacuable: "true" },
  f2: {},
  f3: { "hw:cpu_policy": "dedicated" },
};

describe("listFlavors", () => {
  it("reads embedded extra specs from 2.61, public and private flavors, every page", async () => {
    session = await openCloudSession("2.61");
    session.cloud.route("GET /compute/v2.1/flavors/detail", (req) => {
      const first = req.query.get("marker") === null;
      const flavors = (first ? ["f1", "f2"] : ["f3"]).map((id) => ({ id, name: `n-${id}`, extra_specs: SPECS[id] }));
      const links = first ? [{ rel: "next", href: "http://public/v2.1/flavors/detail?is_public=None&marker=f2" }] : [];
      return { body: { flavors, flavors_links: links } };
    });
    const flavors = await session.os.compute.listFlavors();
    expect(flavors).toEqual(["f1", "f2", "f3"].map((id) => ({ id, name: `n-${id}`, extraSpecs: SPECS[id] })));
    const requests = session.cloud.apiRequests();
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.query.get("is_public") === "None")).toBe(true);
  });

  it("asks each flavor's os-extra_specs below 2.61", async () => {
    session = await openCloudSession("2.60");
    session.cloud.route("GET /compute/v2.1/flavors/detail", () => ({ body: { flavors: Object.keys(SPECS).map((id) => ({ id, name: `n-${id}` })) } }));
    for (const [id, specs] of Object.entries(SPECS)) {
      session.cloud.route(`GET /compute/v2.1/flavors/${id}/os-extra_specs`, () => ({ body: { extra_specs: specs } }));
    }
    const flavors = await session.os.compute.listFlavors();
    expect(flavors).toEqual(Object.keys(SPECS).map((id) => ({ id, name: `n-${id}`, extraSpecs: SPECS[id] })));
    expect(session.cloud.apiRequests().map((r) => r.path).sort()).toEqual([
      "/compute/v2.1/flavors/detail",
      "/compute/v2.1/flavors/f1/os-extra_specs",
      "/compute/v2.1/flavors/f2/os-extra_specs",
      "/compute/v2.1/flavors/f3/os-extra_specs",
    ]);
  });
});
