// Every flavor (public and private) with its extra specs: embedded from 2.61, one request per flavor before.
import { z } from "zod";
import { MICROVERSION_FEATURES } from "../microversion.js";
import { linksSchema, nextLink } from "../pages.js";
import type { Flavor } from "../types.js";
import type { NovaClient } from "./nova-client.js";

/** Extra-spec requests in flight at once below 2.61. */
const EXTRA_SPECS_CONCURRENCY = 4;

const specsSchema = z.record(z.string(), z.string());
const flavorSchema = z.object({ id: z.string(), name: z.string(), extra_specs: specsSchema.optional() });
const listSchema = z.object({
  flavors: z.array(flavorSchema),
  flavors_links: linksSchema,
});
const extraSpecsSchema = z.object({ extra_specs: specsSchema });

/** Runs `fn` over `items` with at most `limit` calls pending, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** GET /flavors/detail?is_public=None (every page), plus GET /flavors/{id}/os-extra_specs per flavor below 2.61. */
export async function listFlavors(nova: NovaClient): Promise<Flavor[]> {
  const raw = await nova.listAll("/flavors/detail", { is_public: "None" }, listSchema, (body) => ({
    items: body.flavors,
    next: nextLink(body.flavors_links),
  }));
  if (nova.supports(MICROVERSION_FEATURES.flavorExtraSpecs)) {
    return raw.map((f) => ({ id: f.id, name: f.name, extraSpecs: f.extra_specs ?? {} }));
  }
  return mapLimit(raw, EXTRA_SPECS_CONCURRENCY, async (f) => {
    const specsPath = `/flavors/${encodeURIComponent(f.id)}/os-extra_specs`;
    const body = await nova.call({ method: "GET", path: specsPath }, extraSpecsSchema);
    return { id: f.id, name: f.name, extraSpecs: body.extra_specs };
  });
}
