import { afterEach, describe, expect, it } from "vitest";
import type { FakeRequest } from "../fake-server.js";
import { openCloudSession, type CloudSession } from "../cloud-session.js";

let session: CloudSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const rawMigration = (n: number, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: n,
  uuid: `m-${n}`,
  instance_uuid: `i-${n}`,
  status: "completed",
  source_compute: "compute-1",
  dest_compute: "compute-2",
  migration_type: "evacuation",
  created_at: "2024-05-01T10:00:00.000000",
  updated_at: `2024-05-01T10:${String(n % 60).padStart(2, "0")}:00.000000`,
  ...over,
});

describe("listEvacuations from microversion 2.59", () => {
  it("filters on the server side and follows migrations_links by uuid marker", async () => {
    session = await openCloudSession("2.96");
    const all = Array.from({ length: 2500 }, (_, i) => rawMigration(i));
    session.cloud.route("GET /compute/v2.1/os-migrations", (req: FakeRequest) => {
      const marker = req.query.get("marker");
      const start = marker === null ? 0 : all.findIndex((m) => m.uuid === marker) + 1;
      const page = all.slice(start, start + 1000);
      const last = page[page.length - 1];
      const links = page.length === 1000 && last ? [{ rel: "next", href: `http://elsewhere/v2.1/os-migrations?limit=1000&marker=${String(last.uuid)}` }] : [];
      return { body: { migrations: page, migrations_links: links } };
    });
    const found = await session.os.compute.listEvacuations({ sourceCompute: "compute-1", changesSince: "2024-05-01T00:00:00Z" });
    expect(found).toHaveLength(2500);
    expect(found[0]).toEqual({
      id: "0",
      instanceUuid: "i-0",
      status: "completed",
      sourceCompute: "compute-1",
      destCompute: "compute-2",
      migrationType: "evacuation",
      createdAt: "2024-05-01T10:00:00.000000",
      updatedAt: "2024-05-01T10:00:00.000000",
    });
    const requests = session.cloud.apiRequests();
    expect(requests.map((r) => r.query.get("marker"))).toEqual([null, "m-999", "m-1999"]);
    expect(Object.fromEntries(requests[0]?.query ?? [])).toEqual({
      migration_type: "evacuation",
      source_compute: "compute-1",
      "changes-since": "2024-05-01T00:00:00Z",
    });
  });

  it("drops records of other hosts and types that a lax Nova returned", async () => {
    session = await openCloudSession("2.96");
    session.cloud.route("GET /compute/v2.1/os-migrations", () => ({
      body: { migrations: [rawMigration(1), rawMigration(2, { source_compute: "compute-9" }), rawMigration(3, { migration_type: "live-migration" })] },
    }));
    const found = await session.os.compute.listEvacuations({ sourceCompute: "compute-1" });
    expect(found.map((m) => m.id)).toEqual(["1"]);
  });
});

describe("listEvacuations before microversion 2.59", () => {
  it("sends no changes-since, takes one answer and filters by time here", async () => {
    session = await openCloudSession("2.22");
    session.cloud.route("GET /compute/v2.1/os-migrations", () => ({
      body: {
        migrations: [
          rawMigration(1, { migration_type: undefined, updated_at: "2024-05-01T09:00:00.000000" }),
          rawMigration(2, { migration_type: undefined, updated_at: "2024-05-01T11:00:00.000000" }),
          rawMigration(3, { migration_type: undefined, updated_at: null, created_at: "2024-05-01T12:00:00" }),
        ],
        migrations_links: [{ rel: "next", href: "http://x/os-migrations?marker=ignored" }],
      },
    }));
    const found = await session.os.compute.listEvacuations({ sourceCompute: "compute-1", changesSince: "2024-05-01T10:00:00Z" });
    expect(found.map((m) => [m.id, m.migrationType])).toEqual([["2", "evacuation"], ["3", "evacuation"]]);
    const requests = session.cloud.apiRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.query.has("changes-since")).toBe(false);
  });
});
