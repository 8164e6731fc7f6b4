// Nova os-services: list, and updates by action (before 2.53) or by service uuid (2.53 and later).
import { novaTime } from "./clock.js";
import type { SimService } from "./cloud-model.js";
import type { SimCloud } from "./cloud-state.js";
import { throwNova } from "./fault-bodies.js";
import { type Route, type SimRequest, type SimResponse, json } from "./http-kit.js";
import { requestDelay } from "./timers.js";
import { atLeast } from "./microversion.js";
import { type ObjectSchema, novaBool, rejectUnknownQuery, validateObject } from "./nova-validation.js";

const BASE = "/compute/v2.1/os-services";
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Body schemas by microversion range (nova/api/openstack/compute/schemas/services.py). */
const UPDATE_SCHEMA_V20: ObjectSchema = {
  properties: { host: "fqdn", binary: "string", disabled_reason: "string" },
  required: ["host", "binary"],
  additionalProperties: false,
};
const UPDATE_SCHEMA_V211: ObjectSchema = { ...UPDATE_SCHEMA_V20, properties: { ...UPDATE_SCHEMA_V20.properties, forced_down: "boolean" } };
const UPDATE_SCHEMA_V253: ObjectSchema = {
  properties: { status: { enum: ["enabled", "disabled"] }, disabled_reason: "string", forced_down: "boolean" },
  additionalProperties: false,
};

/** A service as GET /os-services shows it at the request's microversion. */
export function serviceView(cloud: SimCloud, s: SimService, req: SimRequest, withForcedDown: boolean): Record<string, unknown> {
  const heartbeat = cloud.lastHeartbeat(s);
  const view: Record<string, unknown> = {
    binary: s.binary,
    host: s.host,
    id: atLeast(req.version, "2.53") ? s.uuid : s.id,
    zone: s.zone,
    status: s.disabled ? "disabled" : "enabled",
    state: cloud.serviceIsUp(s) ? "up" : "down",
    updated_at: novaTime(cloud.stamp(Math.max(heartbeat, s.modifiedAt))),
    disabled_reason: s.disabledReason,
  };
  if (withForcedDown) view.forced_down = s.forcedDown;
  return view;
}

function listServices(cloud: SimCloud, req: SimRequest): SimResponse {
  if (atLeast(req.version, "2.75")) rejectUnknownQuery(req.query, ["host", "binary"]);
  const host = req.query.get("host") ?? "";
  const binary = req.query.get("binary") ?? "";
  let services = cloud.serviceRecords();
  if (host) services = services.filter((s) => s.host === host);
  if (binary) services = services.filter((s) => s.binary === binary);
  const withForcedDown = atLeast(req.version, "2.11");
  return json(200, { services: services.map((s) => serviceView(cloud, s, req, withForcedDown)) });
}

/** Refuses to force a host up while "done" evacuations from it await the compute's restart. */
function checkForEvacuations(cloud: SimCloud, host: string): void {
  if (cloud.migrationStore.bySource(host).some((m) => m.migrationType === "evacuation" && m.status === "done")) {
    throwNova(
      400,
      `Unable to force up host ${host} as \`done\` evacuation migration records remain associated with the host. Ensure the compute service has been restarted, allowing these records to move to \`completed\` before retrying this request.`,
    );
  }
}

function requireCompute(binary: string): void {
  if (binary !== "nova-compute") {
    throwNova(400, `Updating a ${binary} service is not supported. Only nova-compute services can be updated.`);
  }
}

/** Nova syncs the COMPUTE_STATUS_DISABLED trait by RPC when the service is up; a dead process makes that RPC time out. */
async function syncDisabledTrait(cloud: SimCloud, s: SimService): Promise<void> {
  if (cloud.serviceIsUp(s) && !cloud.processAlive(s.host) && cloud.config.rpcTimeoutMs > 0) {
    await requestDelay(cloud.config.rpcTimeoutMs);
  }
}

async function updateByAction(cloud: SimCloud, req: SimRequest): Promise<SimResponse> {
  const action = req.params.id ?? "";
  const actions = ["enable", "disable", "disable-log-reason", ...(atLeast(req.version, "2.11") ? ["force-down"] : [])];
  const body = validateObject("", req.body, atLeast(req.version, "2.11") ? UPDATE_SCHEMA_V211 : UPDATE_SCHEMA_V20);
  if (!actions.includes(action)) throwNova(404, "Unknown action");
  const host = String(body.host);
  const binary = String(body.binary);
  if (action === "disable-log-reason" && body.disabled_reason === undefined) throwNova(400, "Missing disabled reason field");
  if (action === "force-down" && body.forced_down === undefined) throwNova(400, "Missing forced_down field");
  const forcedDown = action === "force-down" ? novaBool(body.forced_down) : undefined;
  if (forcedDown === false && binary === "nova-compute") checkForEvacuations(cloud, host);
  requireCompute(binary);
  const s = cloud.serviceRecords().find((x) => x.host === host && x.binary === binary);
  if (!cloud.host(host) && !s) throwNova(404, `Host '${host}' is not mapped to any cell`);
  if (!s) throwNova(404, `Service ${binary} on host ${host} could not be found.`);
  cloud.touchService(s);
  if (forcedDown !== undefined) {
    s.forcedDown = forcedDown;
    return json(200, { service: { host, binary, forced_down: forcedDown } });
  }
  const enabling = action === "enable";
  const reason = action === "disable-log-reason" ? String(body.disabled_reason) : null;
  s.disabled = !enabling;
  s.disabledReason = enabling ? null : reason;
  if (reason) s.reasonHistory = [...(s.reasonHistory ?? []), reason];
  await syncDisabledTrait(cloud, s);
  return json(200, { service: { host, binary, status: enabling ? "enabled" : "disabled", ...(reason ? { disabled_reason: reason } : {}) } });
}

async function updateByUuid(cloud: SimCloud, req: SimRequest): Promise<SimResponse> {
  const id = req.params.id ?? "";
  const body = validateObject("", req.body, UPDATE_SCHEMA_V253);
  if (!UUID_RE.test(id)) throwNova(400, `Invalid uuid ${id}`);
  const s = cloud.serviceRecords().find((x) => x.uuid === id);
  if (!s) throwNova(404, `Service ${id} could not be found.`);
  requireCompute(s.binary);
  if (body.status === "enabled" && body.disabled_reason) throwNova(400, "Specifying 'disabled_reason' with status 'enabled' is invalid.");
  if (!("status" in body) && !("forced_down" in body)) throwNova(400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.");
  const forcedDown = "forced_down" in body ? novaBool(body.forced_down) : undefined;
  if (forcedDown === false) checkForEvacuations(cloud, s.host);
  if (body.status !== undefined) {
    s.disabled = body.status === "disabled";
    s.disabledReason = s.disabled && typeof body.disabled_reason === "string" ? body.disabled_reason : null;
    if (s.disabledReason) s.reasonHistory = [...(s.reasonHistory ?? []), s.disabledReason];
  }
  if (forcedDown !== undefined) s.forcedDown = forcedDown;
  cloud.touchService(s);
  if (body.status !== undefined) await syncDisabledTrait(cloud, s);
  return json(200, { service: serviceView(cloud, s, req, true) });
}

/** os-services routes. */
export function novaServiceRoutes(cloud: SimCloud): Route[] {
  return [
    { method: "GET", pattern: BASE, handler: (req) => listServices(cloud, req) },
    {
      method: "PUT",
      pattern: `${BASE}/{id}`,
      handler: (req) => (atLeast(req.version, "2.53") ? updateByUuid(cloud, req) : updateByAction(cloud, req)),
    },
  ];
}
