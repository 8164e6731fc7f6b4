// Nova servers: GET /servers, /servers/detail (filters, newest first, limit/marker paging) and /servers/{id}.
import { parseIsoTime } from "./clock.js";
import type { SimServer } from "./cloud-model.js";
import type { SimCloud } from "./cloud-state.js";
import { throwNova } from "./fault-bodies.js";
import { type Route, type SimRequest, type SimResponse, json } from "./http-kit.js";
import { collectionLinks, pageLimit } from "./nova-paging.js";
import { vmStatesForStatus } from "./nova-status.js";
import { ViewCache, serverLinks, serverView } from "./server-view.js";

const BASE = "/compute/v2.1/servers";

/** Nova's reading of all_tenants: present and not a false-like value. */
function allTenants(query: URLSearchParams): boolean {
  const v = query.get("all_tenants");
  return v !== null && !["0", "false", "f", "no", "n", "off"].includes(v.trim().toLowerCase());
}

function filterServers(cloud: SimCloud, req: SimRequest): (s: SimServer) => boolean {
  const q = req.query;
  const checks: ((s: SimServer) => boolean)[] = [];
  const project = q.get("project_id") ?? q.get("tenant_id");
  if (!allTenants(q)) {
    const own = req.token?.project.id ?? "";
    checks.push((s) => s.projectId === own);
  } else if (project !== null) checks.push((s) => s.projectId === project);
  const status = q.get("status");
  if (status !== null) {
    const states = vmStatesForStatus(status);
    if (states.size === 0) throwNova(400, `Invalid status value`);
    checks.push((s) => states.has(s.vmState));
  }
  const name = q.get("name");
  if (name !== null) {
    let re: RegExp;
    try {
      re = new RegExp(name);
    } catch {
      throwNova(400, `Invalid name filter ${name}`);
    }
    checks.push((s) => re.test(s.name));
  }
  const since = q.get("changes-since");
  if (since !== null) {
    const t = parseIsoTime(since);
    if (t === undefined) throwNova(400, `Invalid input for query parameters changes-since. Value: ${since}. '${since}' is not a 'date-time'`);
    checks.push((s) => s.updatedAt >= t);
  }
  const node = q.get("node");
  if (node !== null) checks.push((s) => s.node === node);
  return (s) => checks.every((c) => c(s));
}

function listServers(cloud: SimCloud, req: SimRequest, detail: boolean): SimResponse {
  const limit = pageLimit(req, cloud.config.maxLimit);
  const host = req.query.get("host");
  const store = cloud.serverStore;
  let candidates = host !== null ? store.onHost(host) : store.newestFirst();
  // With changes-since Nova reads deleted rows too: deleted servers are listed with status DELETED.
  const withDeleted = req.query.has("changes-since");
  if (withDeleted) candidates = [...candidates, ...store.deletedServers(host)].sort((a, b) => b.seq - a.seq);
  const marker = req.query.get("marker");
  let markerSeq = Infinity;
  if (marker !== null) {
    const m = withDeleted ? store.getIncludingDeleted(marker) : store.get(marker);
    if (!m) throwNova(400, `marker [${marker}] not found`);
    markerSeq = m.seq;
  }
  const keep = filterServers(cloud, req);
  const page: SimServer[] = [];
  for (const s of candidates) {
    if (page.length >= limit) break;
    if (s.seq < markerSeq && keep(s)) page.push(s);
  }
  const cache = new ViewCache();
  const body: Record<string, unknown> = {
    servers: page.map((s) => (detail ? serverView(cloud, s, req, false, cache) : { id: s.uuid, name: s.name, links: serverLinks(s, req) })),
  };
  const links = collectionLinks(req, detail ? "servers/detail" : "servers", page.length, limit, page.at(-1)?.uuid);
  if (links.length > 0) body.servers_links = links;
  return json(200, body);
}

/** The server a request names, or a Nova 404. */
export function requireServer(cloud: SimCloud, id: string): SimServer {
  const s = cloud.serverStore.get(id);
  if (!s) throwNova(404, `Instance ${id} could not be found.`);
  return s;
}

/** Server routes (the action route lives with evacuate). */
export function novaServerRoutes(cloud: SimCloud): Route[] {
  return [
    { method: "GET", pattern: `${BASE}/detail`, handler: (req) => listServers(cloud, req, true) },
    { method: "GET", pattern: BASE, handler: (req) => listServers(cloud, req, false) },
    { method: "GET", pattern: `${BASE}/{id}`, handler: (req) => json(200, { server: serverView(cloud, requireServer(cloud, req.params.id ?? ""), req, true) }) },
  ];
}
