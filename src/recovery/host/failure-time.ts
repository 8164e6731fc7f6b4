// When a host failed, as far as Nova can tell: evacuations older than that belong to an earlier failure.
import type { ComputeService } from "../../openstack/types.js";
import { parseNovaMarker } from "./nova-marker.js";
import { novaTimeMs } from "../engine/nova-time.js";

/** Margin before the last service update, for a host fenced by an agent that left no time marker. */
const UNMARKED_MARGIN_MS = 10 * 60_000;
/** Fallback look-back when Nova tells nothing at all. */
const DEFAULT_LOOKBACK_MS = 60 * 60_000;

/** The failure time: our marker's fence time, else shortly before the service's last update, else an hour ago. */
export function failureTime(service: ComputeService | undefined, now: number): Date {
  const marker = parseNovaMarker(service?.disabledReason);
  if (marker.kind === "ours") {
    const stamp = Date.parse(marker.fields.fenced ?? marker.fields.at ?? "");
    if (Number.isFinite(stamp)) return new Date(stamp);
  }
  const updated = novaTimeMs(service?.updatedAt);
  return new Date(updated > 0 ? updated - UNMARKED_MARGIN_MS : now - DEFAULT_LOOKBACK_MS);
}
