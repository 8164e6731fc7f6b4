// The simulator's own control API under /_sim/: seed, kill/revive hosts, heartbeats, state, counters, config, failures.
import type { SimConfig } from "./cloud-model.js";
import type { CloudSeed } from "./cloud-seed.js";
import type { SimCloud } from "./cloud-state.js";
import type { FailureSpec } from "./failures.js";
import { HttpError, type Route, type SimRequest, type SimResponse, asObject, intParam, json } from "./http-kit.js";
import { parseMicroversion } from "./microversion.js";

function bad(status: number, message: string): never {
  throw new HttpError(json(status, { error: message }));
}

/** Runs a cloud operation, turning its exceptions into 404 (unknown names) or 400. */
function attempt<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return bad(/^unknown (host|server) /.test(message) ? 404 : 400, message);
  }
}

/** Applies a partial config; rejects unknown keys and wrong types. */
export function applyConfig(config: SimConfig, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in config)) throw new Error(`unknown config key ${key}`);
    const current = config[key as keyof SimConfig];
    if (typeof current !== typeof value || (typeof value === "object" && !asObject(value))) throw new Error(`config ${key} must be a ${typeof current}`);
    if (key === "maxMicroversion" && !parseMicroversion(String(value))) throw new Error(`invalid microversion ${String(value)}`);
  }
  Object.assign(config, patch);
}

function state(cloud: SimCloud): Record<string, unknown> {
  return {
    seed: cloud.seedValue,
    config: cloud.config,
    sharedStorage: cloud.sharedStorage,
    clockOffsetMs: cloud.clock.now() - Date.now(),
    hosts: cloud.hosts().map((h) => ({ ...h, servers: cloud.serverStore.countOnHost(h.name), processAlive: cloud.processAlive(h.name) })),
    services: cloud.services(),
    evacuations: { inFlight: cloud.evacuations.inFlight, lost: cloud.evacuations.lost },
    migrations: cloud.migrationStore.all().length,
    failures: cloud.failures.list(),
  };
}

/** Control routes (no token, not counted). */
export function controlRoutes(cloud: SimCloud): Route[] {
  const body = (req: SimRequest): Record<string, unknown> => asObject(req.body) ?? {};
  const ok = (extra: Record<string, unknown> = {}): SimResponse => json(200, { ok: true, ...extra });
  return [
    { method: "GET", pattern: "/_sim/state", handler: () => json(200, state(cloud)) },
    {
      method: "POST",
      pattern: "/_sim/reset",
      handler: (req) => {
        const seed = (asObject(body(req).seed) ?? body(req)) as unknown as CloudSeed;
        if (seed.hosts === undefined) bad(400, "hosts is required");
        return json(200, attempt(() => cloud.seed(seed)));
      },
    },
    { method: "POST", pattern: "/_sim/hosts/{host}/kill", handler: (req) => ok(attempt(() => (cloud.killHost(req.params.host ?? ""), {}))) },
    { method: "POST", pattern: "/_sim/hosts/{host}/revive", handler: (req) => ok(attempt(() => (cloud.reviveHost(req.params.host ?? ""), {}))) },
    {
      method: "POST",
      pattern: "/_sim/heartbeat/{host}",
      handler: (req) => {
        const host = req.params.host ?? "";
        if (!cloud.host(host)) bad(404, `unknown host ${host}`);
        return ok({ recorded: cloud.heartbeat(host) });
      },
    },
    { method: "GET", pattern: "/_sim/services", handler: () => json(200, { services: cloud.services() }) },
    {
      method: "GET",
      pattern: "/_sim/servers",
      handler: (req) => {
        const host = req.query.get("host");
        return json(200, { servers: host !== null ? cloud.serversOnHost(host) : cloud.servers() });
      },
    },
    {
      method: "PUT",
      pattern: "/_sim/servers/{id}/state",
      handler: (req) => ok(attempt(() => (cloud.setServerState(req.params.id ?? "", body(req)), { server: cloud.server(req.params.id ?? "") }))),
    },
    { method: "DELETE", pattern: "/_sim/servers/{id}", handler: (req) => ok(attempt(() => (cloud.deleteServer(req.params.id ?? ""), {}))) },
    {
      method: "GET",
      pattern: "/_sim/migrations",
      handler: (req) => {
        const source = req.query.get("source") ?? req.query.get("source_compute");
        return json(200, { migrations: cloud.migrations(source !== null ? { sourceCompute: source } : {}) });
      },
    },
    {
      method: "GET",
      pattern: "/_sim/requests",
      handler: (req) => {
        const limit = intParam(req.query, "limit");
        return json(200, { requests: cloud.requests(typeof limit === "number" ? limit : undefined) });
      },
    },
    { method: "GET", pattern: "/_sim/counts", handler: () => json(200, cloud.counts()) },
    { method: "POST", pattern: "/_sim/counts/reset", handler: () => (cloud.resetCounts(), ok()) },
    { method: "DELETE", pattern: "/_sim/counts", handler: () => (cloud.resetCounts(), ok()) },
    { method: "GET", pattern: "/_sim/config", handler: () => json(200, cloud.config) },
    { method: "PUT", pattern: "/_sim/config", handler: (req) => (attempt(() => applyConfig(cloud.config, body(req))), json(200, cloud.config)) },
    { method: "GET", pattern: "/_sim/failures", handler: () => json(200, { failures: cloud.failures.list() }) },
    { method: "POST", pattern: "/_sim/failures", handler: (req) => json(201, { id: attempt(() => cloud.injectFailure(body(req) as unknown as FailureSpec)) }) },
    { method: "DELETE", pattern: "/_sim/failures", handler: () => (cloud.clearFailures(), ok()) },
    { method: "DELETE", pattern: "/_sim/failures/{id}", handler: (req) => (cloud.clearFailures(Number(req.params.id)), ok()) },
    {
      method: "POST",
      pattern: "/_sim/clock/advance",
      handler: (req) => {
        const b = body(req);
        const ms = typeof b.ms === "number" ? b.ms : typeof b.seconds === "number" ? b.seconds * 1000 : bad(400, "ms or seconds is required");
        cloud.clock.advance(ms);
        return ok({ now: cloud.clock.now() });
      },
    },
    { method: "GET", pattern: "/_sim/idle", handler: () => json(200, { idle: cloud.idle(), inFlight: cloud.evacuations.inFlight, lost: cloud.evacuations.lost }) },
  ];
}
