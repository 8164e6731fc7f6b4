// Nova os-hypervisors: GET /os-hypervisors and /os-hypervisors/detail (one compute node per nova-compute service).
import { createHash } from "node:crypto";
import type { SimService } from "./cloud-model.js";
import type { SimCloud } from "./cloud-state.js";
import { throwNova } from "./fault-bodies.js";
import { type Route, type SimRequest, type SimResponse, json } from "./http-kit.js";
import { atLeast } from "./microversion.js";
import { collectionLinks, pageLimit } from "./nova-paging.js";

const BASE = "/compute/v2.1/os-hypervisors";

/** What every simulated compute node reports (FakeDriver-like totals). */
const NODE_TOTALS = { vcpus: 64, memoryMb: 262_144, localGb: 2_000 } as const;

/** A stable compute-node uuid derived from its service's uuid (the sim keeps no compute-node rows). */
export function computeNodeUuid(service: SimService): string {
  const hex = createHash("sha256").update(`compute-node:${service.uuid}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function nodeId(service: SimService, req: SimRequest): string | number {
  return atLeast(req.version, "2.53") ? computeNodeUuid(service) : service.id;
}

/** Resources in use on a host, summed over its servers' flavors. */
function usage(cloud: SimCloud, host: string): { vcpus: number; ram: number; disk: number; vms: number } {
  const used = { vcpus: 0, ram: 0, disk: 0, vms: 0 };
  for (const server of cloud.serverStore.onHost(host)) {
    const flavor = cloud.flavor(server.flavorId);
    used.vms++;
    used.vcpus += flavor?.vcpus ?? 0;
    used.ram += flavor?.ram ?? 0;
    used.disk += flavor?.disk ?? 0;
  }
  return used;
}

/** One hypervisor as Nova shows it at the request's microversion. */
function hypervisorView(cloud: SimCloud, s: SimService, req: SimRequest, detail: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: nodeId(s, req),
    hypervisor_hostname: s.host,
    state: cloud.serviceIsUp(s) ? "up" : "down",
    status: s.disabled ? "disabled" : "enabled",
  };
  if (!detail) return view;
  view.hypervisor_type = "fake";
  view.hypervisor_version = 1000;
  view.host_ip = cloud.host(s.host)?.ip ?? null;
  view.service = { id: atLeast(req.version, "2.53") ? s.uuid : s.id, host: s.host, disabled_reason: s.disabledReason };
  if (atLeast(req.version, "2.88")) return view;
  const used = usage(cloud, s.host);
  const cpuInfo = { arch: "x86_64", model: "fake", vendor: "fake", topology: { cores: 1, sockets: NODE_TOTALS.vcpus, threads: 1 }, features: [] };
  return {
    ...view,
    vcpus: NODE_TOTALS.vcpus,
    vcpus_used: used.vcpus,
    memory_mb: NODE_TOTALS.memoryMb,
    memory_mb_used: used.ram,
    free_ram_mb: NODE_TOTALS.memoryMb - used.ram,
    local_gb: NODE_TOTALS.localGb,
    local_gb_used: used.disk,
    free_disk_gb: NODE_TOTALS.localGb - used.disk,
    disk_available_least: NODE_TOTALS.localGb - used.disk,
    current_workload: 0,
    running_vms: used.vms,
    cpu_info: atLeast(req.version, "2.28") ? cpuInfo : JSON.stringify(cpuInfo),
  };
}

/** Below 2.33 Nova returns every hypervisor at once; from 2.33 limit/marker page them. */
function listHypervisors(cloud: SimCloud, req: SimRequest, detail: boolean): SimResponse {
  let nodes = cloud.serviceRecords().filter((s) => s.binary === "nova-compute");
  const match = req.query.get("hypervisor_hostname_pattern");
  if (match !== null && atLeast(req.version, "2.53")) nodes = nodes.filter((s) => s.host.includes(match));
  const collection = detail ? "os-hypervisors/detail" : "os-hypervisors";
  if (!atLeast(req.version, "2.33")) return json(200, { hypervisors: nodes.map((s) => hypervisorView(cloud, s, req, detail)) });
  const limit = pageLimit(req, cloud.config.maxLimit);
  const marker = req.query.get("marker");
  let start = 0;
  if (marker !== null) {
    const at = nodes.findIndex((s) => String(nodeId(s, req)) === marker);
    if (at < 0) throwNova(400, `marker [${marker}] not found`);
    start = at + 1;
  }
  const page = nodes.slice(start, start + limit);
  const body: Record<string, unknown> = { hypervisors: page.map((s) => hypervisorView(cloud, s, req, detail)) };
  const last = page.at(-1);
  const links = collectionLinks(req, collection, page.length, limit, last ? String(nodeId(last, req)) : undefined);
  if (links.length > 0) body.hypervisors_links = links;
  return json(200, body);
}

/** os-hypervisors list routes. */
export function novaHypervisorRoutes(cloud: SimCloud): Route[] {
  return [
    { method: "GET", pattern: `${BASE}/detail`, handler: (req) => listHypervisors(cloud, req, true) },
    { method: "GET", pattern: BASE, handler: (req) => listHypervisors(cloud, req, false) },
  ];
}
