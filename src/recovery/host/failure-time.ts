// When a host failed, in Nova's own time: evacuations created before it belong to an earlier failure.
import type { ComputeService } from "../../openstack/types.js";
import { markerFields, reasonReading } from "./host-recovery-state.js";
import { novaTimeMs } from "../../openstack/nova-time.js";

/**
 * Margin before a time that is not Nova's own record of the fence: the service's last update for a host fenced by an
 * agent that left no marker, or the `fenced=` time that versions before 0.2 wrote from the fencing node's clock.
 * Wider only risks counting an older failure's evacuation records; narrower would drop this failure's.
 */
const UNMARKED_MARGIN_MS = 10 * 60_000;
/** Fallback look-back when Nova tells nothing at all. */
const DEFAULT_LOOKBACK_MS = 60 * 60_000;

/**
 * The failure time, never from a clock outside Nova: the `since=` that the pass recorded from Nova when it picked the
 * host up; else, while our `fenced` marker is the service's last update, that update's time (fence_compute's own
 * write, stamped by nova-api, the same clock that stamps evacuation records); else shortly before the service's last
 * update; else an hour before `now`.
 */
export function failureTime(service: ComputeService | undefined, now: number): Date {
  const fields = markerFields(service?.disabledReason);
  const updated = novaTimeMs(service?.updatedAt);
  const recorded = novaTimeMs(fields.since);
  if (recorded > 0) return new Date(recorded);
  if (reasonReading(service?.disabledReason) === "fenced" && updated > 0) return new Date(updated);
  const legacy = Date.parse(fields.fenced ?? "");
  if (Number.isFinite(legacy)) return new Date(Math.min(legacy, updated > 0 ? updated : legacy) - UNMARKED_MARGIN_MS);
  return new Date(updated > 0 ? updated - UNMARKED_MARGIN_MS : now - DEFAULT_LOOKBACK_MS);
}
