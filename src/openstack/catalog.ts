// Picks a service endpoint from the Keystone v3 catalog by service type, interface and region.
import { OpenStackError } from "./errors.js";
import type { CloudConfig } from "./types.js";

/** One endpoint of a catalog entry. */
export interface CatalogEndpoint {
  interface: string;
  url: string;
  region?: string | null;
  region_id?: string | null;
}

/** One service of the catalog. */
export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** Catalog service types per service, preferred first ("computev21" is an old alias of Nova). */
export const SERVICE_TYPES: Readonly<Record<"compute" | "image", readonly string[]>> = {
  compute: ["compute", "computev21"],
  image: ["image"],
};

/** The URL (no trailing slash) of the first endpoint of `service` matching interface and region; throws an "environment" error listing what exists. */
export function selectEndpoint(
  catalog: readonly CatalogService[],
  service: keyof typeof SERVICE_TYPES,
  iface: CloudConfig["interface"],
  region: string | undefined,
): string {
  const types = SERVICE_TYPES[service];
  const entries = types.flatMap((type) => catalog.filter((entry) => entry.type === type));
  const inRegion = (ep: CatalogEndpoint): boolean => region === undefined || ep.region_id === region || ep.region === region;
  for (const entry of entries) {
    const match = entry.endpoints.find((ep) => normaliseCatalogInterface(ep.interface) === iface && inRegion(ep));
    if (match) return match.url.replace(/\/+$/, "");
  }
  const wanted = `${service} endpoint with interface ${iface}${region === undefined ? "" : ` in region ${region}`}`;
  const found = entries.flatMap((entry) => entry.endpoints.map((ep) => `${ep.interface}@${ep.region_id ?? ep.region ?? "?"}`));
  const seen = found.length > 0 ? `it has ${[...new Set(found)].join(", ")}` : `it has no ${types.join("/")} service`;
  // The catalog is the cloud's, read at run time: a passing problem as far as the agent can tell, not a parameter error.
  throw new OpenStackError({ kind: "environment", what: `the Keystone catalog has no ${wanted} (${seen})`, hint: "check region_name and interface (endpoint_type)" });
}

function normaliseCatalogInterface(value: string): string {
  return value.toLowerCase().replace(/url$/, "");
}
