// The API calls our agents and the peer agents make, each timed n times, one at a time, against the real Nova lab.
import { type Answer, type LabSession, ZED_MAX, passwordAuthBody, send } from "../../nova/lab.js";
import { computeService } from "../../nova/lab-compute.js";
import { type Summary, stopwatch, summarize } from "./calibrate-stats.js";

/** What the probes fill in: the probed compute, its service id, a server on it, a changes-since time. */
interface CallContext {
  lab: LabSession;
  host: string;
  serviceId: string;
  serverId: string;
  since: string;
}

/** One request: the service it goes to, method, path below the endpoint, microversion, body. */
interface Call {
  service: "identity" | "compute" | "image";
  method?: "GET" | "POST" | "PUT";
  path: string;
  version?: string;
  body?: unknown;
  /** false: no token (the login itself). */
  token?: boolean;
}

/** A timed call: its key in calibration.json, the request and the status that counts as success. */
interface Probe {
  route: string;
  expect: number;
  call: (ctx: CallContext) => Call;
}

const q = encodeURIComponent;
const LEGACY = "2.11"; // what fence_compute and fence_evacuate of the peers send
const BY_ID = "2.53"; // services addressed by id
const REASON = "nova-calibrate";

/** Reads, timed round-robin so that a change of load hits them all alike. */
const READS: readonly Probe[] = [
  {
    route: "POST /v3/auth/tokens",
    expect: 201,
    call: (ctx) => ({ service: "identity", method: "POST", path: "/auth/tokens", body: passwordAuthBody(ctx.lab.credentials), token: false }),
  },
  { route: "GET /os-services?binary=nova-compute", expect: 200, call: () => ({ service: "compute", path: "/os-services?binary=nova-compute", version: ZED_MAX }) },
  {
    route: "GET /os-services?binary=nova-compute&host=H",
    expect: 200,
    call: (ctx) => ({ service: "compute", path: `/os-services?binary=nova-compute&host=${q(ctx.host)}`, version: ZED_MAX }),
  },
  {
    route: "GET /servers/detail?all_tenants=1&host=H",
    expect: 200,
    call: (ctx) => ({ service: "compute", path: `/servers/detail?all_tenants=1&host=${q(ctx.host)}`, version: ZED_MAX }),
  },
  {
    route: "GET /servers/detail?all_tenants=1&changes-since=T",
    expect: 200,
    call: (ctx) => ({ service: "compute", path: `/servers/detail?all_tenants=1&changes-since=${q(ctx.since)}`, version: ZED_MAX }),
  },
  { route: "GET /servers/{id}", expect: 200, call: (ctx) => ({ service: "compute", path: `/servers/${ctx.serverId}`, version: ZED_MAX }) },
  {
    route: "GET /os-migrations?migration_type=evacuation&source_compute=H&changes-since=T (2.59)",
    expect: 200,
    call: (ctx) => ({
      service: "compute",
      path: `/os-migrations?migration_type=evacuation&source_compute=${q(ctx.host)}&changes-since=${q(ctx.since)}`,
      version: "2.59",
    }),
  },
  { route: "GET /os-hypervisors/detail (2.11)", expect: 200, call: () => ({ service: "compute", path: "/os-hypervisors/detail", version: LEGACY }) },
  { route: "GET /flavors/detail?is_public=None", expect: 200, call: () => ({ service: "compute", path: "/flavors/detail?is_public=None", version: ZED_MAX }) },
  { route: "GET /v2/images (glance)", expect: 200, call: () => ({ service: "image", path: "/v2/images" }) },
];

const byId = (body: unknown) => (ctx: CallContext): Call => ({ service: "compute", method: "PUT", path: `/os-services/${ctx.serviceId}`, version: BY_ID, body });
const legacy = (action: string, extra: object = {}) => (ctx: CallContext): Call => ({
  service: "compute",
  method: "PUT",
  path: `/os-services/${action}`,
  version: LEGACY,
  body: { host: ctx.host, binary: "nova-compute", ...extra },
});

/**
 * Service changes, one cycle per sample, in this order; the cycle leaves the service as it found it. Disabling or
 * enabling a service that is up makes nova-api call the compute over RPC; once it is forced down, it does not.
 */
const SERVICE_CYCLE: readonly Probe[] = [
  { route: "PUT /os-services/{id} status=disabled, service up (2.53)", expect: 200, call: byId({ status: "disabled", disabled_reason: REASON }) },
  { route: "PUT /os-services/{id} status=enabled, service up (2.53)", expect: 200, call: byId({ status: "enabled" }) },
  { route: "PUT /os-services/{id} forced_down=true (2.53)", expect: 200, call: byId({ forced_down: true }) },
  { route: "PUT /os-services/{id} status=disabled, forced down (2.53)", expect: 200, call: byId({ status: "disabled", disabled_reason: REASON }) },
  { route: "PUT /os-services/{id} status=enabled, forced down (2.53)", expect: 200, call: byId({ status: "enabled" }) },
  { route: "PUT /os-services/{id} forced_down=false (2.53)", expect: 200, call: byId({ forced_down: false }) },
  { route: "PUT /os-services/force-down forced_down=true (2.11)", expect: 200, call: legacy("force-down", { forced_down: true }) },
  { route: "PUT /os-services/disable, forced down (2.11)", expect: 200, call: legacy("disable") },
  { route: "PUT /os-services/enable, forced down (2.11)", expect: 200, call: legacy("enable") },
  { route: "PUT /os-services/force-down forced_down=false (2.11)", expect: 200, call: legacy("force-down", { forced_down: false }) },
];

/** Sends one call of a probe; fails on an unexpected status, so that no error page is timed as an answer. */
async function sendProbe(probe: Probe, ctx: CallContext): Promise<number> {
  const call = probe.call(ctx);
  const base = { identity: ctx.lab.endpoints.identity, compute: ctx.lab.endpoints.compute, image: ctx.lab.endpoints.image }[call.service];
  const { value, ms } = await stopwatch<Answer>(() =>
    send(`${base}${call.path}`, {
      method: call.method ?? "GET",
      ...(call.version ? { version: call.version } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
      token: call.token === false ? null : ctx.lab.token,
    }),
  );
  if (value.status !== probe.expect) throw new Error(`${probe.route}: HTTP ${value.status} (expected ${probe.expect}): ${JSON.stringify(value.body)}`);
  return ms;
}

/** Call timings by route, plus what the lists held (for the record). */
export interface CallMeasurements {
  calls: Record<string, Summary>;
  context: { host: string; serversOnHost: number };
}

/**
 * Times every probe `n` times against compute `host` (which must be up, enabled and hold at least one server). The
 * service cycle forces the host down and up again; it is left up and enabled even when a call fails.
 */
export async function measureCalls(lab: LabSession, host: string, n: number, progress: (line: string) => void): Promise<CallMeasurements> {
  const service = await computeService(lab, host);
  const servers = (await lab.nova(`/servers/detail?all_tenants=1&host=${q(host)}`, { version: ZED_MAX })).body?.servers ?? [];
  if (servers.length === 0) throw new Error(`${host} holds no server to time GET /servers/{id} with`);
  const ctx: CallContext = { lab, host, serviceId: service.id, serverId: servers[0].id, since: new Date(Date.now() - 3_600_000).toISOString() };
  const samples = new Map<string, number[]>([...READS, ...SERVICE_CYCLE].map((p) => [p.route, []]));
  const record = async (probe: Probe) => samples.get(probe.route)?.push(await sendProbe(probe, ctx));
  progress(`timing ${READS.length} reads ${n} times each, round-robin`);
  for (let i = 0; i < n; i++) for (const probe of READS) await record(probe);
  progress(`timing the service cycle (${SERVICE_CYCLE.length} changes) ${n} times on ${host}`);
  try {
    for (let i = 0; i < n; i++) for (const probe of SERVICE_CYCLE) await record(probe);
  } finally {
    await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: BY_ID, body: { forced_down: false } });
    await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: BY_ID, body: { status: "enabled" } });
  }
  const calls = Object.fromEntries([...samples].map(([route, ms]) => [route, summarize(ms)]));
  return { calls, context: { host, serversOnHost: servers.length } };
}
