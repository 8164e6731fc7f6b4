// nova-compute services: list, force down, disable with a reason, enable (by UUID from 2.53, by host+binary before).
import { z } from "zod";
import { MICROVERSION_FEATURES } from "../microversion.js";
import type { ComputeService } from "../types.js";
import type { NovaClient } from "./nova-client.js";

/** The binary whose services the agents manage. */
export const COMPUTE_BINARY = "nova-compute";
/** Nova stores at most 255 characters of disabled_reason. */
const MAX_REASON_LENGTH = 255;

const serviceSchema = z.object({
  id: z.union([z.string(), z.number()]),
  binary: z.string(),
  host: z.string(),
  zone: z.string().nullish(),
  status: z.enum(["enabled", "disabled"]),
  state: z.enum(["up", "down"]),
  forced_down: z.boolean().optional(),
  disabled_reason: z.string().nullish(),
  updated_at: z.string().nullish(),
});
const listSchema = z.object({ services: z.array(serviceSchema) });
const oneSchema = z.object({ service: serviceSchema });
/** Below 2.53 the update calls answer with the changed fields only. */
const partialSchema = z.object({ service: z.object({}).loose() });

/** Normalises a Nova service record. */
export function toComputeService(raw: z.output<typeof serviceSchema>): ComputeService {
  return {
    id: String(raw.id),
    host: raw.host,
    binary: raw.binary,
    ...(raw.zone ? { zone: raw.zone } : {}),
    status: raw.status,
    state: raw.state,
    forcedDown: raw.forced_down ?? false,
    disabledReason: raw.disabled_reason ?? null,
    updatedAt: raw.updated_at ?? null,
  };
}

/** GET /os-services?binary=nova-compute[&host=]: one request. */
export async function listServices(nova: NovaClient, filter: { host?: string } = {}): Promise<ComputeService[]> {
  const params = { binary: COMPUTE_BINARY, host: filter.host };
  const body = await nova.call({ method: "GET", path: "/os-services", params }, listSchema);
  return body.services.map(toComputeService);
}

/** The pre-2.53 action paths and bodies, and what each changes in the record. */
type LegacyChange = { path: string; body: Record<string, unknown>; apply: Partial<ComputeService> };

/** Applies one change to a service: PUT /os-services/{id} from 2.53, PUT /os-services/<action> by host+binary before. */
async function update(nova: NovaClient, service: ComputeService, modern: Record<string, unknown>, legacy: LegacyChange): Promise<ComputeService> {
  if (nova.supports(MICROVERSION_FEATURES.serviceUuid)) {
    const path = `/os-services/${encodeURIComponent(service.id)}`;
    return toComputeService((await nova.call({ method: "PUT", path, body: modern }, oneSchema)).service);
  }
  const body = { host: service.host, binary: service.binary, ...legacy.body };
  await nova.call({ method: "PUT", path: `/os-services/${legacy.path}`, body }, partialSchema);
  return { ...service, ...legacy.apply };
}

/** Sets or clears forced_down. */
export function forceDown(nova: NovaClient, service: ComputeService, forcedDown: boolean): Promise<ComputeService> {
  // A forced-down service reports "down" at once; clearing the flag leaves the state to the next heartbeat.
  const apply: Partial<ComputeService> = forcedDown ? { forcedDown, state: "down" } : { forcedDown };
  return update(nova, service, { forced_down: forcedDown }, { path: "force-down", body: { forced_down: forcedDown }, apply });
}

/** Disables the service, always recording the reason. */
export function disable(nova: NovaClient, service: ComputeService, reason: string): Promise<ComputeService> {
  const why = reason.slice(0, MAX_REASON_LENGTH);
  return update(nova, service, { status: "disabled", disabled_reason: why }, {
    path: "disable-log-reason",
    body: { disabled_reason: why },
    apply: { status: "disabled", disabledReason: why },
  });
}

/** Enables the service; Nova clears the reason. */
export function enable(nova: NovaClient, service: ComputeService): Promise<ComputeService> {
  return update(nova, service, { status: "enabled" }, { path: "enable", body: {}, apply: { status: "enabled", disabledReason: null } });
}
