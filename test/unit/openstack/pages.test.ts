import { describe, expect, it } from "vitest";
import type { QueryParams } from "../../../src/openstack/http.js";
import { collectPages, markerOf, nextLink, type Page } from "../../../src/openstack/pages.js";

const ctx = { service: "compute" as const, method: "GET", path: "/servers/detail" };

/** Serves `total` numbered items in pages of `size`, with Nova-style next hrefs. */
function pager(total: number, size: number): { fetch: (p: QueryParams) => Promise<Page<number>>; calls: QueryParams[] } {
  const calls: QueryParams[] = [];
  return {
    calls,
    fetch: async (params) => {
      calls.push(params);
      const start = params.marker === undefined ? 0 : Number(params.marker) + 1;
      const items = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
      const last = items[items.length - 1];
      const next = items.length === size && last !== undefined ? `https://public.example/v2.1/servers/detail?host=h&limit=${size}&marker=${last}` : undefined;
      return { items, next };
    },
  };
}

describe("collectPages", () => {
  it.each([
    [0, 1000, 1],
    [999, 1000, 1],
    [1000, 1000, 2],
    [2500, 1000, 3],
    [3000, 1000, 4],
  ])("collects %i items in pages of %i with %i requests", async (total, size, requests) => {
    const { fetch, calls } = pager(total, size);
    const items = await collectPages({ host: "h" }, fetch, ctx);
    expect(items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(calls).toHaveLength(requests);
    expect(calls.every((c) => c.host === "h")).toBe(true);
  });

  it("stops when the next link repeats a marker", async () => {
    const fetch = async (): Promise<Page<number>> => ({ items: [1], next: "/servers/detail?marker=same" });
    await expect(collectPages({}, fetch, ctx)).rejects.toThrow(/pagination does not end \(marker same repeats\)/);
  });

  it("refuses a next link without marker", async () => {
    const fetch = async (): Promise<Page<number>> => ({ items: [1], next: "/servers/detail?page=2" });
    await expect(collectPages({}, fetch, ctx)).rejects.toThrow(/next link without marker/);
  });
});

describe("link helpers", () => {
  it("find the next href and its marker, absolute or relative", () => {
    expect(nextLink([{ rel: "self", href: "a" }, { rel: "next", href: "b" }])).toBe("b");
    expect(nextLink(undefined)).toBeUndefined();
    expect(markerOf("/v2/images?marker=abc&limit=2")).toBe("abc");
    expect(markerOf("http://x/v2.1/servers/detail?marker=u-1")).toBe("u-1");
  });
});
