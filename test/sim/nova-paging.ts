// Nova's limit/marker paging: page size from ?limit and [api] max_limit, and the "next" collection link.
import { throwNova } from "./fault-bodies.js";
import { type SimRequest, intParam } from "./http-kit.js";

/** The page size for a request: min(limit, max_limit), max_limit when absent. Invalid limits are a 400. */
export function pageLimit(req: SimRequest, maxLimit: number): number {
  const limit = intParam(req.query, "limit");
  if (limit === "invalid") {
    const raw = req.query.get("limit") ?? "";
    throwNova(400, `Invalid input for query parameters limit. Value: ${raw}. '${raw}' does not match '^[0-9]*$'`);
  }
  return Math.min(maxLimit, limit ?? maxLimit);
}

/** Nova's collection links: a "next" link when the page is full. */
export function collectionLinks(req: SimRequest, collection: string, pageSize: number, limit: number, lastId: string | undefined): { rel: string; href: string }[] {
  if (limit === 0 || pageSize !== limit || lastId === undefined) return [];
  const params = new URLSearchParams([...req.query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  params.set("marker", lastId);
  return [{ rel: "next", href: `${req.origin}/compute/v2.1/${collection}?${params.toString()}` }];
}
