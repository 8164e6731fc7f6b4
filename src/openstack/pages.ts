// Follows OpenStack "next" links (Nova *_links, Glance next) by marker until the last page.
import { z } from "zod";
import type { QueryParams } from "./http.js";
import { invalid, type AnswerContext } from "./validate.js";

/** One page: its items and the href of the next page, if any. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** Upper bound of pages, against a service that never stops paging. */
const MAX_PAGES = 10_000;

/** The shape of Nova's *_links arrays. */
export const linksSchema = z.array(z.object({ rel: z.string().optional(), href: z.string().optional() })).optional();

/** The href of the rel="next" link of a Nova *_links array. */
export function nextLink(links: ReadonlyArray<{ rel?: string; href?: string }> | undefined): string | undefined {
  return links?.find((link) => link.rel === "next")?.href;
}

/** The marker of a next href (absolute or relative); the request is rebuilt on our own endpoint with it. */
export function markerOf(href: string): string | null {
  return new URL(href, "http://relative.invalid").searchParams.get("marker");
}

/** Fetches the first page with `params`, then each next page with `marker` added, and returns all items. */
export async function collectPages<T>(
  params: QueryParams,
  fetchPage: (params: QueryParams) => Promise<Page<T>>,
  ctx: AnswerContext,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let page = await fetchPage(params);
  for (let count = 1; ; count++) {
    items.push(...page.items);
    if (!page.next || page.items.length === 0) return items;
    const marker = markerOf(page.next);
    if (marker === null) invalid(ctx, `next link without marker: ${page.next}`);
    if (seen.has(marker) || count >= MAX_PAGES) invalid(ctx, `pagination does not end (marker ${marker} repeats)`);
    seen.add(marker);
    page = await fetchPage({ ...params, marker });
  }
}
