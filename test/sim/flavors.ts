// Nova flavors: list (is_public, paging), show, and os-extra_specs.
import type { SimFlavor } from "./cloud-model.js";
import type { SimCloud } from "./cloud-state.js";
import { throwNova } from "./fault-bodies.js";
import { type Route, type SimRequest, type SimResponse, json } from "./http-kit.js";
import { atLeast } from "./microversion.js";
import { collectionLinks, pageLimit } from "./nova-paging.js";

const BASE = "/compute/v2.1/flavors";
const TRUE_STRINGS = ["1", "t", "true", "on", "y", "yes"];
const FALSE_STRINGS = ["0", "f", "false", "off", "n", "no"];

function links(f: SimFlavor, req: SimRequest): unknown[] {
  return [
    { rel: "self", href: `${req.origin}/compute/v2.1/flavors/${f.id}` },
    { rel: "bookmark", href: `${req.origin}/compute/flavors/${f.id}` },
  ];
}

/** A flavor as the detailed view shows it. */
export function flavorView(f: SimFlavor, req: SimRequest, withExtraSpecs: boolean): Record<string, unknown> {
  const v: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    ram: f.ram,
    disk: f.disk,
    swap: atLeast(req.version, "2.75") ? f.swap : f.swap || "",
    "OS-FLV-EXT-DATA:ephemeral": f.ephemeral,
    "OS-FLV-DISABLED:disabled": f.disabled,
    vcpus: f.vcpus,
    "os-flavor-access:is_public": f.isPublic,
    rxtx_factor: f.rxtxFactor || "",
    links: links(f, req),
  };
  if (atLeast(req.version, "2.55")) v.description = f.description;
  if (withExtraSpecs) v.extra_specs = { ...f.extraSpecs };
  return v;
}

/** is_public as an admin sends it: absent → public only, "none" → all, else a strict boolean. */
function isPublicFilter(raw: string | null): boolean | undefined {
  if (raw === null) return true;
  const v = raw.trim().toLowerCase();
  if (v === "none") return undefined;
  if (TRUE_STRINGS.includes(v)) return true;
  if (FALSE_STRINGS.includes(v)) return false;
  return throwNova(400, `Invalid is_public filter [${raw}]`);
}

function listFlavors(cloud: SimCloud, req: SimRequest, detail: boolean): SimResponse {
  const isPublic = isPublicFilter(req.query.get("is_public"));
  const minRam = Number(req.query.get("minRam") ?? 0);
  const minDisk = Number(req.query.get("minDisk") ?? 0);
  const sorted = cloud.flavors().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const limit = pageLimit(req, cloud.config.maxLimit);
  const marker = req.query.get("marker");
  if (marker !== null && !cloud.flavor(marker)) throwNova(400, `marker [${marker}] not found`);
  const page = sorted
    .filter((f) => (isPublic === undefined || f.isPublic === isPublic) && f.ram >= minRam && f.disk >= minDisk && (marker === null || f.id > marker))
    .slice(0, limit);
  const withSpecs = atLeast(req.version, "2.61");
  const body: Record<string, unknown> = {
    flavors: page.map((f) =>
      detail ? flavorView(f, req, withSpecs) : { id: f.id, name: f.name, links: links(f, req), ...(atLeast(req.version, "2.55") ? { description: f.description } : {}) },
    ),
  };
  const next = collectionLinks(req, detail ? "flavors/detail" : "flavors", page.length, limit, page.at(-1)?.id);
  if (next.length > 0) body.flavors_links = next;
  return json(200, body);
}

function requireFlavor(cloud: SimCloud, id: string): SimFlavor {
  const f = cloud.flavor(id);
  if (!f) throwNova(404, `Flavor ${id} could not be found.`);
  return f;
}

/** Flavor routes. */
export function novaFlavorRoutes(cloud: SimCloud): Route[] {
  return [
    { method: "GET", pattern: `${BASE}/detail`, handler: (req) => listFlavors(cloud, req, true) },
    { method: "GET", pattern: BASE, handler: (req) => listFlavors(cloud, req, false) },
    {
      method: "GET",
      pattern: `${BASE}/{id}/os-extra_specs`,
      handler: (req) => json(200, { extra_specs: { ...requireFlavor(cloud, req.params.id ?? "").extraSpecs } }),
    },
    {
      method: "GET",
      pattern: `${BASE}/{id}/os-extra_specs/{key}`,
      handler: (req) => {
        const f = requireFlavor(cloud, req.params.id ?? "");
        const key = req.params.key ?? "";
        const value = f.extraSpecs[key];
        if (value === undefined) throwNova(404, `Flavor ${f.id} has no extra specs with key ${key}.`);
        return json(200, { [key]: value });
      },
    },
    {
      method: "GET",
      pattern: `${BASE}/{id}`,
      handler: (req) => json(200, { flavor: flavorView(requireFlavor(cloud, req.params.id ?? ""), req, atLeast(req.version, "2.61")) }),
    },
  ];
}
