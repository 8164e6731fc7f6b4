import { describe, expect, it } from "vitest";
import { selectEndpoint, type CatalogService } from "../../../src/openstack/catalog.js";

const catalog: CatalogService[] = [
  { type: "identity", endpoints: [{ interface: "public", region_id: "R1", url: "http://ks" }] },
  {
    type: "compute",
    endpoints: [
      { interface: "public", region_id: "R1", region: "R1", url: "https://nova.r1.example/v2.1" },
      { interface: "internal", region_id: "R1", region: "R1", url: "http://nova-int.r1:8774/v2.1/" },
      { interface: "internal", region_id: "R2", region: "R2", url: "http://nova-int.r2:8774/v2.1" },
      { interface: "admin", region_id: "R2", region: "R2", url: "http://nova-adm.r2:8774/v2.1" },
    ],
  },
];

describe("selectEndpoint", () => {
  it.each([
    ["internal", "R1", "http://nova-int.r1:8774/v2.1"],
    ["internal", "R2", "http://nova-int.r2:8774/v2.1"],
    ["public", "R1", "https://nova.r1.example/v2.1"],
    ["admin", undefined, "http://nova-adm.r2:8774/v2.1"],
    ["internal", undefined, "http://nova-int.r1:8774/v2.1"],
  ] as const)("picks the %s endpoint of region %s", (iface, region, url) => {
    expect(selectEndpoint(catalog, "compute", iface, region)).toBe(url);
  });

  it("accepts the legacy computev21 type and publicURL-style interfaces", () => {
    const legacy: CatalogService[] = [{ type: "computev21", endpoints: [{ interface: "publicURL", region: "R", url: "http://n/v2.1" }] }];
    expect(selectEndpoint(legacy, "compute", "public", "R")).toBe("http://n/v2.1");
  });

  it("lists what exists when nothing matches", () => {
    expect(() => selectEndpoint(catalog, "compute", "admin", "R1")).toThrow(
      "the Keystone catalog has no compute endpoint with interface admin in region R1 (it has public@R1, internal@R1, internal@R2, admin@R2): check region_name and interface (endpoint_type)",
    );
  });

  it("says when the service is missing altogether", () => {
    expect(() => selectEndpoint(catalog, "image", "internal", undefined)).toThrow(/it has no image service/);
  });
});
