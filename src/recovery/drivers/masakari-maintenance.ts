// Unfencing's part with Masakari: a host recovered through Masakari is on maintenance in its segment (Masakari never lifts it); take it off.
import { setTimeout as sleep } from "node:timers/promises";
import { oneLine } from "../../kit/agent-error.js";
import type { Logger } from "../../kit/logger.js";
import { isConflict, type MasakariApi } from "../../openstack/masakari/masakari-api.js";

/** What taking the host off maintenance did. */
export type MaintenanceOutcome = "cleared" | "was-clear" | "not-in-segment" | "failed";

/** How long to keep asking while Masakari refuses host changes (409: a notification of the segment still runs). */
export interface MaintenanceBounds {
  readonly attempts: number;
  readonly delayMs: number;
  readonly signal?: AbortSignal;
}

/** Unfencing asks for 2 minutes at most: a segment busy longer is left to the operator, and the unfencing goes on. */
export const MAINTENANCE_BOUNDS: MaintenanceBounds = { attempts: 24, delayMs: 5_000 };

/** One try: finds the host (Nova's host name) in every segment and sets on_maintenance false where it is set. */
async function clearOnce(api: MasakariApi, host: string): Promise<Exclude<MaintenanceOutcome, "failed">> {
  let seen = false;
  let cleared = false;
  for (const segment of await api.listSegments()) {
    for (const entry of (await api.listHosts(segment.uuid)).filter((candidate) => candidate.name === host)) {
      seen = true;
      if (!entry.onMaintenance) continue;
      await api.updateHost(segment.uuid, entry.uuid, { onMaintenance: false });
      cleared = true;
    }
  }
  return cleared ? "cleared" : seen ? "was-clear" : "not-in-segment";
}

/**
 * Takes `host` off maintenance in its Masakari segments, so that its next failure can be notified. A 409 (the segment
 * is in use) is asked again within `bounds`; any other failure, or the bound, is logged and given up: the unfencing
 * goes on, and `nova-ha status` and the driver's pending detail then name the host on maintenance.
 */
export async function leaveMaintenance(api: MasakariApi, host: string, log: Logger, bounds: MaintenanceBounds = MAINTENANCE_BOUNDS): Promise<MaintenanceOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await clearOnce(api, host);
      if (outcome === "cleared") log.info({ host }, "Masakari: host taken off maintenance in its segment");
      if (outcome === "not-in-segment") log.warn({ host }, "Masakari: the host is in no failover segment (nova-ha masakari sync-segment)");
      return outcome;
    } catch (error) {
      if (!isConflict(error) || attempt >= bounds.attempts || bounds.signal?.aborted) {
        log.warn({ host, err: oneLine(error) }, "Masakari: could not take the host off maintenance; its next failure is refused (409) until an operator does");
        return "failed";
      }
      log.info({ host }, "Masakari refuses host changes while a notification of the segment runs; asking again");
      try {
        await sleep(bounds.delayMs, undefined, { signal: bounds.signal });
      } catch {
        return "failed";
      }
    }
  }
}
