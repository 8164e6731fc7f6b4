// POST /servers/{id}/action {"evacuate": ...}: Nova's validation order, errors and answer by microversion.
import { randomBytes } from "node:crypto";
import type { SimCloud } from "./cloud-state.js";
import { NOVA_UNEXPECTED, novaFault, throwNova } from "./fault-bodies.js";
import { HttpError, type Route, type SimRequest, type SimResponse, asObject, json } from "./http-kit.js";
import { atLeast, within } from "./microversion.js";
import { EVACUABLE_VM_STATES } from "./nova-status.js";
import { type ObjectSchema, type PropertyCheck, novaBool, validateObject } from "./nova-validation.js";
import { requireServer } from "./nova-servers.js";
import { stopServer } from "./nova-stop.js";

const PASSWORD_CHARS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** The evacuate body schema for a microversion (nova/api/openstack/compute/schemas/evacuate.py). */
function evacuateSchema(req: SimRequest): ObjectSchema {
  const properties: Record<string, PropertyCheck> = { host: "fqdn", adminPass: "string" };
  if (!atLeast(req.version, "2.14")) return { properties: { ...properties, onSharedStorage: "boolean" }, required: ["onSharedStorage"], additionalProperties: false };
  if (within(req.version, "2.29", "2.67")) return { properties: { ...properties, force: "boolean" }, additionalProperties: false };
  return { properties, additionalProperties: false };
}

function generatePassword(): string {
  return [...randomBytes(12)].map((b) => PASSWORD_CHARS[b % PASSWORD_CHARS.length]).join("");
}

async function evacuate(cloud: SimCloud, req: SimRequest, body: Record<string, unknown>): Promise<SimResponse> {
  validateObject("", body, { properties: { evacuate: "any" }, required: ["evacuate"], additionalProperties: false });
  const args = validateObject("evacuate", body.evacuate, evacuateSchema(req));
  const server = requireServer(cloud, req.params.id ?? "");
  const host = typeof args.host === "string" ? args.host : undefined;
  const preV214 = !atLeast(req.version, "2.14");
  const onSharedStorage = preV214 ? novaBool(args.onSharedStorage) : undefined;
  const force = atLeast(req.version, "2.29") && args.force !== undefined ? novaBool(args.force) : undefined;
  if (force === true && !host) throwNova(400, "Can't force to a non-provided destination");
  let password: string | null = typeof args.adminPass === "string" ? args.adminPass : null;
  if (preV214 && password !== null && onSharedStorage) throwNova(400, "admin password can't be changed on existing disk");
  if (password === null && !(preV214 && onSharedStorage)) password = generatePassword();
  if (host !== undefined && !cloud.computeService(host)) throwNova(404, `Compute host ${host} not found.`);
  if (server.host === host) throwNova(400, "The target host can't be the same one.");
  if (!EVACUABLE_VM_STATES.has(server.vmState)) {
    throwNova(409, `Cannot 'evacuate' instance ${server.uuid} while it is in vm_state ${server.vmState}`);
  }
  if (cloud.config.evacuateChecksTaskState && server.taskState !== null) {
    throwNova(409, `Cannot 'evacuate' instance ${server.uuid} while it is in task_state ${server.taskState}`);
  }
  const source = server.host ? cloud.computeService(server.host) : undefined;
  if (!source) throwNova(404, `Compute host ${server.host ?? "None"} could not be found.`);
  if (cloud.serviceIsUp(source)) throwNova(400, `Compute service of ${source.host} is still in use.`);
  const injected = cloud.failures.draw("evacuate-500", server, source.host);
  if (injected && !injected.applied) return novaFault(500, NOVA_UNEXPECTED);
  cloud.evacuations.start({
    server,
    ...(host !== undefined ? { requestedHost: host } : {}),
    // Below 2.29 a named host skips the scheduler; from 2.29 only force=true does.
    forced: host !== undefined && (!atLeast(req.version, "2.29") || force === true),
    ...(onSharedStorage !== undefined ? { onSharedStorage } : {}),
    stopAfter: atLeast(req.version, "2.95"),
  });
  if (injected) return novaFault(500, NOVA_UNEXPECTED);
  return preV214 ? json(200, { adminPass: password }) : json(200);
}

/** Runs an evacuate request and records Nova's answer: accepted when a migration was created. */
async function recorded(cloud: SimCloud, req: SimRequest, run: () => Promise<SimResponse>): Promise<SimResponse> {
  const server = cloud.serverStore.get(req.params.id ?? "");
  const before = { migrations: cloud.migrationStore.all().length, host: server?.host ?? null, taskState: server?.taskState ?? null };
  const record = (status: number, message?: string): void =>
    cloud.evacuateRecords.add({
      at: cloud.clock.now(), instance: req.params.id ?? "", sourceHost: before.host, taskStateBefore: before.taskState, status,
      accepted: cloud.migrationStore.all().length > before.migrations, ...(message !== undefined ? { message } : {}),
    });
  try {
    const response = await run();
    record(response.status);
    return response;
  } catch (e) {
    if (e instanceof HttpError) record(e.response.status, faultMessage(e.response));
    throw e;
  }
}

/** The message of a Nova fault body. */
function faultMessage(response: SimResponse): string | undefined {
  const body = asObject(response.body);
  const fault = body ? asObject(Object.values(body)[0]) : undefined;
  return typeof fault?.message === "string" ? fault.message : undefined;
}

/** POST /servers/{id}/action; evacuate and os-stop are simulated, other actions are "no such action". */
export function novaActionRoutes(cloud: SimCloud): Route[] {
  return [
    {
      method: "POST",
      pattern: "/compute/v2.1/servers/{id}/action",
      handler: (req) => {
        const body = asObject(req.body);
        const action = body ? Object.keys(body)[0] : undefined;
        if (!body || action === undefined) throwNova(400, "Malformed request body");
        if (action === "os-stop") return stopServer(cloud, req);
        if (action !== "evacuate") throwNova(400, `There is no such action: ${action}`);
        return recorded(cloud, req, () => evacuate(cloud, req, body));
      },
    },
  ];
}
