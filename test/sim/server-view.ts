// A server as Nova's detailed view shows it to an admin, field by field and microversion by microversion.
import { createHash } from "node:crypto";
import { isoSeconds, novaTime } from "./clock.js";
import type { SimServer } from "./cloud-model.js";
import type { SimCloud } from "./cloud-state.js";
import { hostStatus } from "./host-liveness.js";
import type { SimRequest } from "./http-kit.js";
import { atLeast } from "./microversion.js";
import { FAULT_STATUSES, PROGRESS_STATUSES, serverStatus } from "./nova-status.js";

/** Per-request memo of values many servers share (flavor views, host status, host ids). */
export class ViewCache {
  private readonly values = new Map<string, unknown>();

  /** The cached value for `key`, computing it once. */
  get<T>(key: string, compute: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = compute();
    this.values.set(key, value);
    return value;
  }
}

function hostId(s: SimServer, cache: ViewCache): string {
  if (!s.host) return "";
  const key = `${s.projectId}${s.host}`;
  return cache.get(`hostId:${key}`, () => createHash("sha224").update(key).digest("hex"));
}

function flavorView(cloud: SimCloud, s: SimServer, req: SimRequest): Record<string, unknown> {
  const flavor = cloud.flavor(s.flavorId);
  if (!flavor) return {};
  if (atLeast(req.version, "2.47")) {
    return {
      vcpus: flavor.vcpus,
      ram: flavor.ram,
      disk: flavor.disk,
      ephemeral: flavor.ephemeral,
      swap: flavor.swap,
      original_name: flavor.name,
      extra_specs: { ...flavor.extraSpecs },
    };
  }
  return { id: flavor.id, links: [{ rel: "bookmark", href: `${req.origin}/compute/flavors/${flavor.id}` }] };
}

function imageView(s: SimServer, req: SimRequest): unknown {
  if (!s.imageId) return "";
  return { id: s.imageId, links: [{ rel: "bookmark", href: `${req.origin}/compute/images/${s.imageId}` }] };
}

/** The server links (self and bookmark). */
export function serverLinks(s: SimServer, req: SimRequest): unknown[] {
  return [
    { rel: "self", href: `${req.origin}/compute/v2.1/servers/${s.uuid}` },
    { rel: "bookmark", href: `${req.origin}/compute/servers/${s.uuid}` },
  ];
}

function extendedAttributes(s: SimServer, req: SimRequest): Record<string, unknown> {
  const attrs: Record<string, unknown> = {
    "OS-EXT-SRV-ATTR:host": s.host,
    "OS-EXT-SRV-ATTR:instance_name": `instance-${s.seq.toString(16).padStart(8, "0")}`,
    "OS-EXT-SRV-ATTR:hypervisor_hostname": s.node,
  };
  if (atLeast(req.version, "2.3")) {
    Object.assign(attrs, {
      "OS-EXT-SRV-ATTR:reservation_id": `r-${s.uuid.slice(0, 8)}`,
      "OS-EXT-SRV-ATTR:launch_index": 0,
      "OS-EXT-SRV-ATTR:hostname": s.name.toLowerCase().replace(/[^a-z0-9-]/g, "-"),
      "OS-EXT-SRV-ATTR:kernel_id": "",
      "OS-EXT-SRV-ATTR:ramdisk_id": "",
      "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
      "OS-EXT-SRV-ATTR:user_data": null,
    });
  }
  return attrs;
}

/** The detailed view of one server. `show` adds what only GET /servers/{id} returns. */
export function serverView(cloud: SimCloud, s: SimServer, req: SimRequest, show = false, cache = new ViewCache()): Record<string, unknown> {
  const status = serverStatus(s.vmState, s.taskState);
  const v: Record<string, unknown> = {
    id: s.uuid,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: { ...s.metadata },
    hostId: hostId(s, cache),
    image: imageView(s, req),
    flavor: cache.get(`flavor:${s.flavorId}`, () => flavorView(cloud, s, req)),
    created: isoSeconds(s.createdAt),
    updated: isoSeconds(s.updatedAt),
    addresses: {},
    accessIPv4: "",
    accessIPv6: "",
    links: serverLinks(s, req),
    "OS-DCF:diskConfig": "MANUAL",
  };
  if (FAULT_STATUSES.has(status) && s.fault) {
    v.fault = { code: s.fault.code, created: isoSeconds(s.fault.createdAt), message: s.fault.message, details: s.fault.details };
  }
  if (PROGRESS_STATUSES.has(status)) v.progress = 0;
  v["OS-EXT-AZ:availability_zone"] = s.zone;
  v.config_drive = "";
  v.key_name = null;
  v["OS-SRV-USG:launched_at"] = novaTime(s.launchedAt);
  v["OS-SRV-USG:terminated_at"] = null;
  Object.assign(v, extendedAttributes(s, req));
  v["OS-EXT-STS:task_state"] = s.taskState;
  v["OS-EXT-STS:vm_state"] = s.vmState;
  v["OS-EXT-STS:power_state"] = s.powerState;
  const withDelete = atLeast(req.version, "2.3");
  v["os-extended-volumes:volumes_attached"] = s.volumeIds.map((id) => (withDelete ? { id, delete_on_termination: false } : { id }));
  if (atLeast(req.version, "2.16")) {
    v.host_status = cache.get(`hostStatus:${s.host ?? ""}`, () => {
      const service = s.host ? cloud.computeService(s.host) : undefined;
      return hostStatus(service, service ? cloud.serviceIsUp(service) : false);
    });
  }
  if (atLeast(req.version, "2.9")) v.locked = false;
  if (atLeast(req.version, "2.73")) v.locked_reason = null;
  if (atLeast(req.version, "2.19")) v.description = null;
  if (atLeast(req.version, "2.26")) v.tags = [...s.tags];
  if (atLeast(req.version, "2.63")) v.trusted_image_certificates = null;
  if (show && atLeast(req.version, "2.71")) v.server_groups = [];
  return v;
}
