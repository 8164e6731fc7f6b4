// Response times of the real Nova lab (test/sim/calibration.json), mapped onto the simulator's routes.
import { readFileSync } from "node:fs";

/** One call as test/lab/calibration/nova-calibrate.ts measured it. */
interface MeasuredCall {
  n: number;
  medianMs: number;
}

/** The parts of calibration.json the simulator reads. */
interface Calibration {
  measuredAt: string;
  command: string;
  calls: Record<string, MeasuredCall>;
  evacuation: Record<string, { post: MeasuredCall }>;
}

/**
 * Simulator route → the measured call whose median it takes. Routes not listed (version documents, extra specs,
 * single images) were not measured and answer at once. One route can serve several calls; the comment says which
 * measurement stands for it and why.
 */
const ROUTE_SOURCES: Record<string, string> = {
  "POST /identity/v3/auth/tokens": "POST /v3/auth/tokens",
  "GET /compute/v2.1/os-services": "GET /os-services?binary=nova-compute",
  // Both API versions land on one route; the host is forced down first, so no RPC to the compute.
  "PUT /compute/v2.1/os-services/{id}": "PUT /os-services/{id} forced_down=true (2.53)",
  // The by-host listing; the lab's changes-since listing grew with the deleted servers its runs left behind.
  "GET /compute/v2.1/servers/detail": "GET /servers/detail?all_tenants=1&host=H",
  "GET /compute/v2.1/servers/{id}": "GET /servers/{id}",
  "GET /compute/v2.1/os-migrations": "GET /os-migrations?migration_type=evacuation&source_compute=H&changes-since=T (2.59)",
  "GET /compute/v2.1/os-hypervisors/detail": "GET /os-hypervisors/detail (2.11)",
  "GET /compute/v2.1/flavors/detail": "GET /flavors/detail?is_public=None",
  "GET /image/v2/images": "GET /v2/images (glance)",
};

/** The evacuate request, answered alone (one at a time), stands for the server action route. */
const ACTION_ROUTE = "POST /compute/v2.1/servers/{id}/action";

/** Per-route response times, with where they come from. */
export interface ApiLatencyProfile {
  readonly routeDelayMs: Record<string, number>;
  /** "calibration.json measured <date> by <command>". */
  readonly source: string;
}

/** The real Nova lab's median response times, one request at a time, per simulator route. */
export function calibratedApiLatency(path = new URL("./calibration.json", import.meta.url)): ApiLatencyProfile {
  const calibration = JSON.parse(readFileSync(path, "utf8")) as Calibration;
  const routeDelayMs: Record<string, number> = {};
  for (const [route, call] of Object.entries(ROUTE_SOURCES)) {
    const measured = calibration.calls[call];
    if (!measured) throw new Error(`calibration.json has no measurement of "${call}" (for ${route}); re-run test/lab/calibration/nova-calibrate.ts`);
    routeDelayMs[route] = Math.round(measured.medianMs);
  }
  const evacuate = calibration.evacuation["1"]?.post;
  if (!evacuate) throw new Error("calibration.json has no single-evacuation measurement; re-run test/lab/calibration/nova-calibrate.ts");
  routeDelayMs[ACTION_ROUTE] = Math.round(evacuate.medianMs);
  return { routeDelayMs, source: `test/sim/calibration.json, measured ${calibration.measuredAt} by \`${calibration.command}\`` };
}
