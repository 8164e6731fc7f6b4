import { afterEach, describe, expect, it } from "vitest";
import { openCloudSession, type CloudSession } from "./cloud-session.js";

let session: CloudSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe("listImagesWithTag", () => {
  it("follows Glance's next links to the end and keeps custom properties", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /image/v2/images", (req) => {
      const marker = req.query.get("marker");
      if (marker === null) {
        return { body: { images: [{ id: "i1", tags: ["evacuable"], name: "cirros", evacuable: "true" }], next: "/v2/images?limit=1000&marker=i1&tag=evacuable" } };
      }
      return { body: { images: [{ id: "i2", tags: ["evacuable", "x"], name: "fedora" }], first: "/v2/images?tag=evacuable" } };
    });
    const images = await session.os.image.listImagesWithTag("evacuable");
    expect(images).toEqual([
      { id: "i1", tags: ["evacuable"], properties: { name: "cirros", evacuable: "true" } },
      { id: "i2", tags: ["evacuable", "x"], properties: { name: "fedora" } },
    ]);
    const requests = session.cloud.apiRequests();
    expect(requests.map((r) => [r.query.get("tag"), r.query.get("limit"), r.query.get("marker")])).toEqual([
      ["evacuable", "1000", null],
      ["evacuable", "1000", "i1"],
    ]);
    expect(session.os.requestCounts.image).toBe(2);
  });

  it("fails clearly on a body that is not an image list", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /image/v2/images", () => ({ body: { images: "nope" } }));
    await expect(session.os.image.listImagesWithTag("t")).rejects.toThrow(/Glance sent an unexpected answer to GET \/v2\/images: images:/);
  });
});
