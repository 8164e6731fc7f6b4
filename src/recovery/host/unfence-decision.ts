// When unfencing may go on: the attrd `evacuate` value and our Nova marker read together, as one table.
import type { EvacuateFlag } from "../../pacemaker/evacuate-attribute.js";
import type { ComputeService } from "../../openstack/types.js";
import { parseNovaMarker } from "./nova-marker.js";

/** The attrd value as unfencing sees it: "absent" covers "" (never set, cleared, or purged by Pacemaker). */
export type AttrdReading = "yes" | "in-progress" | "no" | "absent" | "unknown";

/** Our marker as unfencing sees it; a service that is not disabled has no marker that counts. */
export type MarkerReading = "fenced" | "evacuating" | "evacuated" | "none" | "foreign";

/** What unfencing does on one look: wait, wait and write `yes` again, or go on. */
export type UnfenceStep = "wait" | "reflag" | "done";

/** One row of the table: `attrd` and `marker` ("*" for any) → step, and why. */
export interface UnfenceRule {
  readonly attrd: AttrdReading | "*";
  readonly marker: MarkerReading | "*";
  readonly step: UnfenceStep;
  readonly why: string;
}

/**
 * The rule, first match wins. Our evacuator records done as marker `evacuated` then attrd `no`; the peer's
 * evacuator (shell NovaEvacuate) as attrd `no` alone, never touching the marker. Our fencer writes the marker
 * `fenced` before `yes`, so `no` seen under `fenced` was written by an evacuator after it: a peer's.
 */
export const UNFENCE_RULES: readonly UnfenceRule[] = [
  { attrd: "yes", marker: "*", step: "wait", why: "attrd says a recovery is requested" },
  { attrd: "in-progress", marker: "*", step: "wait", why: "attrd says an evacuator is working" },
  { attrd: "*", marker: "evacuating", step: "wait", why: "our evacuator is working (Nova marker evacuating)" },
  { attrd: "no", marker: "fenced", step: "done", why: "a peer evacuator recorded done after our fencing" },
  { attrd: "absent", marker: "fenced", step: "reflag", why: "attrd lost the flag while our marker says a recovery is owed" },
  { attrd: "unknown", marker: "fenced", step: "reflag", why: "attrd holds no protocol value while our marker says a recovery is owed" },
  { attrd: "*", marker: "*", step: "done", why: "nothing says a recovery is owed" },
];

/** Reads an attrd value into the table's terms. */
export function attrdReading(flag: EvacuateFlag, raw: string): AttrdReading {
  if (flag.kind === "requested") return "yes";
  if (flag.kind === "in-progress") return "in-progress";
  if (flag.kind === "unknown") return "unknown";
  return raw.trim() === "no" ? "no" : "absent";
}

/** Reads a service's marker into the table's terms (only a disabled service's reason counts). */
export function markerReading(service: Pick<ComputeService, "status" | "disabledReason"> | undefined): MarkerReading {
  if (!service || service.status !== "disabled") return "none";
  const marker = parseNovaMarker(service.disabledReason);
  return marker.kind === "ours" ? marker.phase : marker.kind;
}

/** The first rule that matches. */
export function unfenceRule(attrd: AttrdReading, marker: MarkerReading): UnfenceRule {
  const rule = UNFENCE_RULES.find((row) => (row.attrd === "*" || row.attrd === attrd) && (row.marker === "*" || row.marker === marker));
  if (!rule) throw new Error(`no unfence rule for attrd=${attrd} marker=${marker}`);
  return rule;
}

/** An attrd value cut to fit one log line. */
export function shownValue(value: string): string {
  const text = value.trim().replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 40)}… (${text.length} characters)` : text;
}

/** Whether attrd needs reading before Nova: a pending attrd value decides alone. */
export function attrdDecidesAlone(reading: AttrdReading): boolean {
  return reading === "yes" || reading === "in-progress";
}
