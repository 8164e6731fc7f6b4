// Nova os-migrations: filters, fields and paging by microversion (2.23 type, 2.59 uuid/paging/changes-since, 2.80 owner).
import { novaTime, parseIsoTime } from "./clock.js";
import type { SimMigration } from "./cloud-model.js";
import type { SimCloud } from "./cloud-state.js";
import { throwNova } from "./fault-bodies.js";
import { type Route, type SimRequest, type SimResponse, json } from "./http-kit.js";
import { atLeast } from "./microversion.js";
import { collectionLinks, pageLimit } from "./nova-paging.js";
import { rejectUnknownQuery } from "./nova-validation.js";

/** Query parameters accepted from 2.59 (earlier versions accept and ignore anything). */
const QUERY_V259 = ["hidden", "host", "instance_uuid", "source_compute", "status", "migration_type", "limit", "marker", "changes-since"];

/** A migration record as GET /os-migrations shows it. */
export function migrationView(m: SimMigration, req: SimRequest): Record<string, unknown> {
  const v: Record<string, unknown> = {
    created_at: novaTime(m.createdAt),
    dest_compute: m.destCompute,
    dest_host: m.destHost,
    dest_node: m.destNode,
    id: m.id,
    instance_uuid: m.instanceUuid,
    new_instance_type_id: null,
    old_instance_type_id: null,
    source_compute: m.sourceCompute,
    source_node: m.sourceNode,
    status: m.status,
    updated_at: m.updatedAt === null ? null : novaTime(m.updatedAt),
  };
  if (atLeast(req.version, "2.23")) v.migration_type = m.migrationType;
  if (atLeast(req.version, "2.59")) v.uuid = m.uuid;
  if (atLeast(req.version, "2.80")) Object.assign(v, { user_id: m.userId, project_id: m.projectId });
  return v;
}

function timeFilter(req: SimRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null) return undefined;
  const t = parseIsoTime(raw);
  if (t === undefined) throwNova(400, `Invalid input for query parameters ${name}. Value: ${raw}. '${raw}' is not a 'date-time'`);
  return t;
}

function filters(req: SimRequest, paged: boolean): (m: SimMigration) => boolean {
  const q = req.query;
  const checks: ((m: SimMigration) => boolean)[] = [];
  const eq = (param: string, field: (m: SimMigration) => string | null): void => {
    const v = q.get(param);
    if (v !== null) checks.push((m) => field(m) === v);
  };
  const host = q.get("host");
  if (host !== null) checks.push((m) => m.sourceCompute === host || m.destCompute === host);
  else eq("source_compute", (m) => m.sourceCompute);
  eq("status", (m) => m.status);
  eq("migration_type", (m) => m.migrationType);
  eq("instance_uuid", (m) => m.instanceUuid);
  if (paged) {
    const since = timeFilter(req, "changes-since");
    if (since !== undefined) checks.push((m) => m.updatedAt !== null && m.updatedAt >= since);
    const before = atLeast(req.version, "2.66") ? timeFilter(req, "changes-before") : undefined;
    if (before !== undefined) {
      if (since !== undefined && before < since) throwNova(400, "The value of changes-since must be less than or equal to changes-before.");
      checks.push((m) => m.updatedAt !== null && m.updatedAt <= before);
    }
    if (atLeast(req.version, "2.80")) {
      eq("user_id", (m) => m.userId);
      eq("project_id", (m) => m.projectId);
    }
  }
  return (m) => checks.every((c) => c(m));
}

function allowedQuery(req: SimRequest): string[] {
  const allowed = [...QUERY_V259];
  if (atLeast(req.version, "2.66")) allowed.push("changes-before");
  if (atLeast(req.version, "2.80")) allowed.push("user_id", "project_id");
  return allowed;
}

function listMigrations(cloud: SimCloud, req: SimRequest): SimResponse {
  const paged = atLeast(req.version, "2.59");
  if (paged) rejectUnknownQuery(req.query, allowedQuery(req));
  const source = req.query.get("host") === null ? req.query.get("source_compute") : null;
  const rows = source !== null ? cloud.migrationStore.bySource(source) : cloud.migrationStore.all();
  const keep = filters(req, paged);
  if (!paged) return json(200, { migrations: rows.filter(keep).map((m) => migrationView(m, req)) });
  const limit = pageLimit(req, cloud.config.maxLimit);
  const marker = req.query.get("marker");
  let below = Infinity;
  if (marker !== null) {
    const m = cloud.migrationStore.get(marker);
    if (!m) throwNova(400, `Marker ${marker} could not be found.`);
    below = m.id;
  }
  const page: SimMigration[] = [];
  for (let i = rows.length - 1; i >= 0 && page.length < limit; i--) {
    const m = rows[i] as SimMigration;
    if (m.id < below && keep(m)) page.push(m);
  }
  const body: Record<string, unknown> = { migrations: page.map((m) => migrationView(m, req)) };
  const links = collectionLinks(req, "os-migrations", page.length, limit, page.at(-1)?.uuid);
  if (links.length > 0) body.migrations_links = links;
  return json(200, body);
}

/** os-migrations routes. */
export function novaMigrationRoutes(cloud: SimCloud): Route[] {
  return [{ method: "GET", pattern: "/compute/v2.1/os-migrations", handler: (req) => listMigrations(cloud, req) }];
}
