// Servers: every server on a host (all pages), one server, and the evacuate action.
import { z } from "zod";
import { OpenStackError } from "../errors.js";
import type { QueryParams } from "../http.js";
import { MICROVERSION_FEATURES } from "../microversion.js";
import { linksSchema, nextLink } from "../pages.js";
import type { EvacuateOptions, Server } from "../types.js";
import type { NovaClient } from "./nova-client.js";

// Lenient where Nova may answer with a minimal record (a server in a cell that is down, from 2.69).
const serverSchema = z.object({
  id: z.string(),
  name: z.string().default(""),
  status: z.string(),
  "OS-EXT-STS:vm_state": z.string().nullish(),
  "OS-EXT-STS:task_state": z.string().nullish(),
  "OS-EXT-STS:power_state": z.number().nullish(),
  "OS-EXT-SRV-ATTR:host": z.string().nullish(),
  tenant_id: z.string(),
  flavor: z.object({ id: z.string().optional(), original_name: z.string().optional(), extra_specs: z.record(z.string(), z.string()).optional() }).optional(),
  // "" for a server booted from volume.
  image: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  metadata: z.record(z.string(), z.string()).default({}),
  created: z.string(),
  updated: z.string().optional(),
});
const listSchema = z.object({ servers: z.array(serverSchema), servers_links: linksSchema });
const oneSchema = z.object({ server: serverSchema });

/** Normalises a Nova server record; the flavor is an id before 2.47 and embedded (with extra specs) from 2.47. */
export function toServer(raw: z.output<typeof serverSchema>): Server {
  const server: Server = {
    id: raw.id,
    name: raw.name,
    status: raw.status,
    vmState: raw["OS-EXT-STS:vm_state"] ?? null,
    taskState: raw["OS-EXT-STS:task_state"] ?? null,
    powerState: raw["OS-EXT-STS:power_state"] ?? null,
    host: raw["OS-EXT-SRV-ATTR:host"] ?? null,
    tenantId: raw.tenant_id,
    imageId: typeof raw.image === "object" && raw.image !== null ? raw.image.id : null,
    metadata: raw.metadata,
    created: raw.created,
    updated: raw.updated ?? raw.created,
  };
  if (raw.flavor?.id !== undefined) server.flavorId = raw.flavor.id;
  if (raw.flavor?.original_name !== undefined) server.flavorName = raw.flavor.original_name;
  if (raw.flavor?.extra_specs !== undefined) server.flavorExtraSpecs = raw.flavor.extra_specs;
  return server;
}

/** GET /servers/detail with `params`, following servers_links to the last page. */
async function listServers(nova: NovaClient, params: QueryParams): Promise<Server[]> {
  const raw = await nova.listAll("/servers/detail", params, listSchema, (body) => ({
    items: body.servers,
    next: nextLink(body.servers_links),
  }));
  return raw.map(toServer);
}

/** GET /servers/detail?all_tenants=1&host=H, every page. */
export function listServersOnHost(nova: NovaClient, host: string): Promise<Server[]> {
  return listServers(nova, { all_tenants: 1, host });
}

/** GET /servers/detail?all_tenants=1&changes-since=T, every page; Nova includes deleted servers (status DELETED). */
export function listServersChangedSince(nova: NovaClient, since: string): Promise<Server[]> {
  return listServers(nova, { all_tenants: 1, "changes-since": since });
}

/** GET /servers/{id}; null when Nova answers 404. */
export async function getServer(nova: NovaClient, id: string): Promise<Server | null> {
  try {
    const body = await nova.call({ method: "GET", path: `/servers/${encodeURIComponent(id)}` }, oneSchema);
    return toServer(body.server);
  } catch (error) {
    if (error instanceof OpenStackError && error.kind === "not-found") return null;
    throw error;
  }
}

/**
 * POST /servers/{id}/action {"evacuate": {}}: no target host (the scheduler picks), no force. Below 2.14 Nova
 * requires onSharedStorage (default false: rebuild from the image or volume). Never retried automatically:
 * a lost answer does not mean Nova did not act.
 */
export async function evacuate(nova: NovaClient, id: string, options: EvacuateOptions = {}): Promise<void> {
  const evacuateBody = nova.supports(MICROVERSION_FEATURES.evacuateWithoutSharedStorageFlag)
    ? {}
    : { onSharedStorage: options.onSharedStorage ?? false };
  // The answer (adminPass below 2.14) is dropped unread.
  await nova.send({ method: "POST", path: `/servers/${encodeURIComponent(id)}/action`, body: { evacuate: evacuateBody } });
}

/** POST /servers/{id}/action {"os-stop": null}: shuts a server down (202). Not retried: a lost answer may hide a stop. */
export async function stopServer(nova: NovaClient, id: string): Promise<void> {
  await nova.send({ method: "POST", path: `/servers/${encodeURIComponent(id)}/action`, body: { "os-stop": null } });
}
