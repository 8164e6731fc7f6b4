// A host's recovery state, kept twice (attrd `evacuate`, our Nova marker): the one place that reads it, decides from it
// (needs recovery, may overwrite, may unfence, phase), writes its values, and pairs attrd names with Nova services.
import type { ComputeService } from "../../openstack/types.js";
import { matchNovaHost } from "./host-name.js";
import { formatNovaMarker, parseNovaMarker } from "./nova-marker.js";

// ---------------------------------------------------------------- the attrd half: `evacuate`, yes → <node>@<epoch> → no

/** The attrd value in the protocol's terms: "absent" covers "" (never set, cleared, or purged by Pacemaker). */
export type AttrdReading = "yes" | "in-progress" | "no" | "absent" | "unknown";

/** One attrd value, read; an in-progress value names its evacuator and when it started. */
export type AttrdValue =
  | { readonly reading: "yes" | "no" | "absent" | "unknown" }
  | { readonly reading: "in-progress"; readonly by: string; readonly sinceEpoch: number };

/** The value a fencer writes: a recovery is requested. */
export const REQUESTED_VALUE = "yes";
/** The value an evacuator writes when a host is done. */
export const DONE_VALUE = "no";

/** The value an evacuator writes while it works on a host: `<node>@<epoch seconds>`. */
export function inProgressValue(node: string, now: Date): string {
  return `${node}@${Math.floor(now.getTime() / 1000)}`;
}

/** Reads one attrd value (undefined reads as absent). */
export function parseAttrdValue(value: string | undefined): AttrdValue {
  const text = (value ?? "").trim();
  if (text === "") return { reading: "absent" };
  if (text === REQUESTED_VALUE) return { reading: "yes" };
  if (text === DONE_VALUE) return { reading: "no" };
  const inProgress = /^(.+)@(\d+)$/.exec(text);
  if (inProgress) return { reading: "in-progress", by: inProgress[1] as string, sinceEpoch: Number(inProgress[2]) };
  return { reading: "unknown" };
}

/** The reading of one attrd value. */
export function attrdReading(value: string | undefined): AttrdReading {
  return parseAttrdValue(value).reading;
}

// ---------------------------------------------------------------- the Nova half: our marker in disabled_reason

/** Our marker in the protocol's terms; a reason that is not ours is "foreign", no reason "none". */
export type MarkerReading = "fenced" | "evacuating" | "evacuated" | "none" | "foreign";

/** The reading of a disabled_reason alone, whatever the service's status. */
export function reasonReading(reason: string | null | undefined): MarkerReading {
  const marker = parseNovaMarker(reason);
  return marker.kind === "ours" ? marker.phase : marker.kind;
}

/** The reading of a service's marker as unfencing sees it: only a disabled service's reason counts. */
export function markerReading(service: Pick<ComputeService, "status" | "disabledReason"> | undefined): MarkerReading {
  return service?.status === "disabled" ? reasonReading(service.disabledReason) : "none";
}

/** The fields of our marker (`at`, `since`, `by`, `select`, counts); none when the reason is not ours. */
export function markerFields(reason: string | null | undefined): Readonly<Record<string, string>> {
  const marker = parseNovaMarker(reason);
  return marker.kind === "ours" ? marker.fields : {};
}

/** The `fenced` marker fence_compute writes. */
export function fencedMarker(now: Date, by: string): string {
  return formatNovaMarker("fenced", now, { by });
}

/** The `evacuating` marker: the failure time in Nova's clock, the evacuating node, then `extra` (the selection once decided, ...). */
export function evacuatingMarker(startedAt: Date, since: Date, by: string, extra: Readonly<Record<string, string | number>> = {}): string {
  return formatNovaMarker("evacuating", startedAt, { since: since.toISOString(), by, ...extra });
}

/** The `evacuated` marker, with the host's outcome, then `extra`. */
export function evacuatedMarker(
  now: Date,
  counts: { readonly recovered: number; readonly failed: number; readonly skipped: number },
  extra: Readonly<Record<string, string | number>> = {},
): string {
  return formatNovaMarker("evacuated", now, { recovered: counts.recovered, failed: counts.failed, skipped: counts.skipped, ...extra });
}

// ---------------------------------------------------------------- the protocol, as data (docs/design.md "evacuate protocol")

/** Whether each attrd reading says a recovery is owed (requested, or an evacuator working on it). */
export const ATTRD_OWES_RECOVERY: Readonly<Record<AttrdReading, boolean>> = {
  yes: true, "in-progress": true, no: false, absent: false, unknown: false,
};

/** What fencing does to a service that is already disabled: write our `fenced` marker, or keep the reason there. */
export type DisableOutcome = "disabled" | "kept-pending-marker" | "kept-foreign-reason" | "kept-no-reason";

/** One row of the marker table: what a marker owes, and what each writer may do over it. */
export interface MarkerRule {
  /** A recovery is still owed (the pass picks the host up, unfencing waits or writes `yes` again). */
  readonly owed: boolean;
  /** fence_compute `off` on a disabled service (one not disabled is always disabled with `fenced`). */
  readonly fence: DisableOutcome;
  /** The pass picking the host up: write `evacuating`, resume the `evacuating` one there, or keep the reason. */
  readonly pickUp: "write" | "resume" | "keep";
  /** The pass's later writes (selection, `evacuated`), on a service still disabled. */
  readonly record: boolean;
  /** Unfencing's re-enable of a disabled service: always, only after an evacuation through attrd (`no`), never. */
  readonly enable: "always" | "after-attrd-no" | "never";
}

/** The marker table, one row per reading of the reason. */
export const MARKER_RULES: Readonly<Record<MarkerReading, MarkerRule>> = {
  fenced: { owed: true, fence: "kept-pending-marker", pickUp: "write", record: true, enable: "always" },
  evacuating: { owed: true, fence: "kept-pending-marker", pickUp: "resume", record: true, enable: "always" },
  evacuated: { owed: false, fence: "disabled", pickUp: "write", record: false, enable: "always" },
  none: { owed: false, fence: "kept-no-reason", pickUp: "write", record: false, enable: "after-attrd-no" },
  foreign: { owed: false, fence: "kept-foreign-reason", pickUp: "keep", record: false, enable: "never" },
};

/** What unfencing does on one look: wait, wait and write `yes` again, or go on. */
export type UnfenceStep = "wait" | "reflag" | "done";

/** One row of the unfence table: `attrd` and `marker` ("*" for any) → step, and why. */
export interface UnfenceRule {
  readonly attrd: AttrdReading | "*";
  readonly marker: MarkerReading | "*";
  readonly step: UnfenceStep;
  readonly why: string;
}

/**
 * When unfencing may go on, first match wins. Our evacuator records done as marker `evacuated` then attrd `no`; the
 * peer's (shell NovaEvacuate) as attrd `no` alone, never touching the marker. Our fencer writes the marker `fenced`
 * before `yes`, so `no` seen under `fenced` was written by an evacuator after it: a peer's.
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

// ---------------------------------------------------------------- the questions the agents ask

/** The safety rule: a host is touched only once Nova sees its nova-compute forced down or down. */
export function isFencedInNova(service: Pick<ComputeService, "forcedDown" | "state">): boolean {
  return service.forcedDown || service.state === "down";
}

/** Whether attrd's value alone says a recovery is owed: `yes` or `<node>@<epoch>`, of any age. */
export function attrdOwesRecovery(value: string | undefined): boolean {
  return ATTRD_OWES_RECOVERY[attrdReading(value)];
}

/** Whether our marker alone says a recovery is owed (`fenced`, `evacuating`), whatever the service's status. */
export function markerOwesRecovery(reason: string | null | undefined): boolean {
  return MARKER_RULES[reasonReading(reason)].owed;
}

/** Whether the host needs recovering: either half says so alone (attrd undefined: unreadable). */
export function needsRecovery(attrd: AttrdReading | undefined, reason: string | null | undefined): boolean {
  return (attrd !== undefined && ATTRD_OWES_RECOVERY[attrd]) || markerOwesRecovery(reason);
}

/** What fence_compute `off` does to the service's disabled state. */
export function disableDecision(service: Pick<ComputeService, "status" | "disabledReason">): DisableOutcome {
  return service.status === "disabled" ? MARKER_RULES[reasonReading(service.disabledReason)].fence : "disabled";
}

/** What the pass does to the marker when it picks the host up. */
export function pickUpStep(service: Pick<ComputeService, "disabledReason">): MarkerRule["pickUp"] {
  return MARKER_RULES[reasonReading(service.disabledReason)].pickUp;
}

/**
 * Reasons a recovery back-end writes over ours when it disables the host itself, each with the back-end that writes
 * it: Masakari's `[host_failure] service_disable_reason`, left at its default (masakari/engine/drivers/taskflow/host_failure.py).
 */
export const BACKEND_DISABLE_REASONS: Readonly<Record<string, "masakari">> = { "Masakari detected host failed.": "masakari" };

/** The back-end whose own disable reason `reason` is; undefined for any other reason. */
export function backendOfReason(reason: string | null | undefined): "masakari" | undefined {
  const text = (reason ?? "").trim();
  return Object.hasOwn(BACKEND_DISABLE_REASONS, text) ? BACKEND_DISABLE_REASONS[text] : undefined;
}

/**
 * Whether the pass may write its selection, hand-over state or `evacuated` over the service as it is now: only over
 * our pending marker; for a host handed to a back-end (`handedOver`), also over that back-end's own reason, to take
 * the host's state back.
 */
export function mayRecord(service: Pick<ComputeService, "status" | "disabledReason">, handedOver = false): boolean {
  if (service.status !== "disabled") return false;
  if (MARKER_RULES[reasonReading(service.disabledReason)].record) return true;
  return handedOver && backendOfReason(service.disabledReason) !== undefined;
}

/** Whether unfencing may re-enable a disabled service: ours always, reasonless only after an evacuation through attrd, foreign never. */
export function mayEnable(service: Pick<ComputeService, "disabledReason">, attrdValue: string): boolean {
  const rule = MARKER_RULES[reasonReading(service.disabledReason)].enable;
  return rule === "always" || (rule === "after-attrd-no" && attrdReading(attrdValue) === "no");
}

/** Whether attrd decides unfencing alone (a pending value waits, whatever Nova says), so Nova need not be read. */
export function attrdDecidesAlone(reading: AttrdReading): boolean {
  return ATTRD_OWES_RECOVERY[reading];
}

/** The first unfence rule that matches. */
export function unfenceRule(attrd: AttrdReading, marker: MarkerReading): UnfenceRule {
  const rule = UNFENCE_RULES.find((row) => (row.attrd === "*" || row.attrd === attrd) && (row.marker === "*" || row.marker === marker));
  if (!rule) throw new Error(`no unfence rule for attrd=${attrd} marker=${marker}`);
  return rule;
}

// ---------------------------------------------------------------- pairing attrd names with Nova services

/** attrd's entries paired with Nova's services. */
export interface HostPairing {
  /** Nova host → the attrd name whose value counts for it. */
  readonly attrdNameOf: ReadonlyMap<string, string>;
  /** attrd name → the Nova host it names, for every name that matches a single service. */
  readonly hostOf: ReadonlyMap<string, string>;
  /** attrd names holding a value (anything but absent or `no`) that match no single service. */
  readonly unmatched: readonly string[];
}

/** How much an attrd value counts when one host has two entries (short name and FQDN): owed over unknown over clear. */
function weight(value: string | undefined): number {
  return attrdOwesRecovery(value) ? 2 : attrdReading(value) === "unknown" ? 1 : 0;
}

/**
 * Pairs attrd's names with Nova's services by the rules fence_compute used to write them (host-name.ts). For a host
 * under two names, a set value beats a clear one, and an owed one an unknown one; at equal weight the later one counts.
 */
export function pairHosts(flags: ReadonlyMap<string, string>, services: readonly Pick<ComputeService, "host">[]): HostPairing {
  const hosts = services.map((service) => service.host);
  const attrdNameOf = new Map<string, string>();
  const hostOf = new Map<string, string>();
  const unmatched: string[] = [];
  for (const [name, value] of flags) {
    const match = matchNovaHost(name, hosts);
    const counts = weight(value);
    if (match.kind !== "found") {
      if (counts > 0) unmatched.push(name);
      continue;
    }
    hostOf.set(name, match.host);
    const current = attrdNameOf.get(match.host);
    if (current === undefined || (counts > 0 && counts >= weight(flags.get(current)))) attrdNameOf.set(match.host, name);
  }
  return { attrdNameOf, hostOf, unmatched };
}

// ---------------------------------------------------------------- the phase `nova-ha status` reports

/** The phases, in the order a failed host goes through them (then the odd cases). */
export type HostPhase =
  | "ok" | "down" | "fenced" | "evacuating" | "evacuated" | "unfencing"
  | "blocked" | "stalled" | "disabled" | "unmatched" | "bad-flag";

/**
 * How long a host may stay at `yes` under our `fenced` marker before it counts as stalled: 3 monitors at the 60 s
 * interval of the shell NovaEvacuate's deployments, 18 at ours' 10 s. An evacuator that picks a host up writes
 * `<node>@<epoch>` at once.
 */
export const STALL_AFTER_MS = 3 * 60_000;

/** What the phase rules look at for one host. */
export interface HostFacts {
  /** The nova-compute service; undefined for an attrd entry Nova has no service for. */
  readonly service: ComputeService | undefined;
  /** The attrd value; undefined when attrd could not be read, "" when the host has none. */
  readonly attrd: string | undefined;
  /** The time of the report (ms since the epoch); the stall rule is off without it. */
  readonly now?: number;
}

/** How long our marker's `at` lies past the stall limit; undefined when it does not (or cannot be told). */
export function stalledForMs(facts: HostFacts): number | undefined {
  const since = Date.parse(markerFields(facts.service?.disabledReason).at ?? "");
  if (facts.now === undefined || Number.isNaN(since)) return undefined;
  return facts.now - since > STALL_AFTER_MS ? facts.now - since : undefined;
}

/** One phase rule: the phase, and when it applies (attrd undefined: unreadable; marker: the reason alone). */
interface PhaseRule {
  readonly phase: HostPhase;
  readonly applies: (facts: HostFacts, attrd: AttrdReading | undefined, marker: MarkerReading) => boolean;
}

/** The phase rules, first match wins. */
export const PHASE_RULES: readonly PhaseRule[] = [
  { phase: "unmatched", applies: (facts) => facts.service === undefined },
  { phase: "bad-flag", applies: (_facts, attrd) => attrd === "unknown" },
  { phase: "blocked", applies: (facts, attrd) => needsRecovery(attrd, facts.service?.disabledReason) && !isFencedInNova(facts.service as ComputeService) },
  { phase: "stalled", applies: (facts, attrd, marker) => attrd === "yes" && marker === "fenced" && stalledForMs(facts) !== undefined },
  { phase: "evacuating", applies: (_facts, attrd, marker) => attrd === "in-progress" || marker === "evacuating" },
  { phase: "fenced", applies: (_facts, attrd, marker) => attrd === "yes" || marker === "fenced" },
  { phase: "evacuated", applies: (facts, _attrd, marker) => marker === "evacuated" && facts.service?.status === "disabled" },
  { phase: "unfencing", applies: (facts) => facts.service?.forcedDown === true && facts.service.status === "enabled" },
  { phase: "disabled", applies: (facts) => facts.service?.status === "disabled" },
  { phase: "down", applies: (facts) => facts.service?.state === "down" },
  { phase: "ok", applies: () => true },
];

/** The phase of a host. */
export function hostPhase(facts: HostFacts): HostPhase {
  const attrd = facts.attrd === undefined ? undefined : attrdReading(facts.attrd);
  const marker = reasonReading(facts.service?.disabledReason);
  return (PHASE_RULES.find((rule) => rule.applies(facts, attrd, marker)) as PhaseRule).phase;
}
