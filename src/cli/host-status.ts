// Where one host's recovery stands, for `nova-ha status`: the phase host-recovery-state.ts reads, and what it tells the operator.
import type { ComputeService } from "../openstack/types.js";
import {
  hostPhase as recoveryPhase, markerFields, pairHosts, parseAttrdValue, stalledForMs,
  type AttrdValue, type HostFacts, type HostPhase,
} from "../recovery/host/host-recovery-state.js";

/** What a phase's detail reads: the facts, the attrd value (undefined: unreadable), our marker's fields. */
type Detail = (facts: HostFacts, attrd: AttrdValue | undefined, marker: Readonly<Record<string, string>>) => string;

/** A marker field, or "?" when the marker does not carry it. */
const field = (marker: Readonly<Record<string, string>>, name: string): string => marker[name] ?? "?";
/** " at <time>" from our marker, "" when it carries none. */
const at = (marker: Readonly<Record<string, string>>): string => (marker.at ? ` at ${marker.at}` : "");

/** Who runs the evacuation and since when, from attrd's <node>@<epoch> or else Nova's marker. */
function evacuatingDetail(attrd: AttrdValue | undefined, marker: Readonly<Record<string, string>>): string {
  const [by, since] = attrd?.reading === "in-progress"
    ? [attrd.by, new Date(attrd.sinceEpoch * 1000).toISOString()]
    : [field(marker, "by"), field(marker, "at")];
  return `NovaEvacuate on ${by} is recovering its instances (since ${since})`;
}

/** What each phase tells the operator. */
const DETAILS: Readonly<Record<HostPhase, Detail>> = {
  unmatched: (facts) => `attrd evacuate=${facts.attrd ?? "?"} names no nova-compute service: check the cluster node name against Nova's host names`,
  "bad-flag": (facts) => `attrd evacuate=${facts.attrd ?? ""} is none of yes, no, <node>@<epoch>: NovaEvacuate ignores it`,
  blocked: () => "flagged for evacuation, but nova-compute is up and not forced down: nothing is evacuated until fencing completes",
  stalled: (facts, _attrd, marker) =>
    `flagged yes since ${field(marker, "at")} (${Math.floor((stalledForMs(facts) ?? 0) / 60_000)} min) and no evacuator picked it up: ` +
    "is NovaEvacuate running? The shell NovaEvacuate on Pacemaker 2.1.5 never sees a compute host (pacemaker#3027, docs/compatibility.md)",
  evacuating: (_facts, attrd, marker) => evacuatingDetail(attrd, marker),
  fenced: (_facts, _attrd, marker) => `fenced${at(marker)}: NovaEvacuate starts recovering its instances at its next monitor`,
  evacuated: (_facts, _attrd, marker) =>
    `recovered=${field(marker, "recovered")} failed=${field(marker, "failed")} skipped=${field(marker, "skipped")}${at(marker)}; ` +
    "unfencing (fence_compute on, NovaCompute start) re-enables the service",
  unfencing: () => "enabled but still forced down: Nova clears forced_down only once nova-compute has restarted on the host",
  disabled: (facts) => {
    const reason = facts.service?.disabledReason?.trim() ?? "";
    return reason !== "" ? `disabled by someone else: "${reason}"; left disabled on purpose` : "disabled without a reason; left disabled on purpose";
  },
  down: () => "nova-compute is down but the host is not fenced: fencing has not run (yet), nothing is evacuated",
  ok: () => "up and enabled",
};

/** Reads the phase of a host and what it means. */
export function hostPhase(facts: HostFacts): { phase: HostPhase; detail: string } {
  const phase = recoveryPhase(facts);
  const attrd = facts.attrd === undefined ? undefined : parseAttrdValue(facts.attrd);
  return { phase, detail: DETAILS[phase](facts, attrd, markerFields(facts.service?.disabledReason)) };
}

/** One host of the report: the Nova service, its attrd entry (cluster node name and value), and the phase. */
export interface HostStatus {
  readonly host: string;
  /** The name attrd knows the host by, when there is an entry. */
  readonly attrdHost: string | undefined;
  readonly service: ComputeService | undefined;
  /** undefined: attrd unreadable; "": no value. */
  readonly attrd: string | undefined;
  readonly phase: HostPhase;
  readonly detail: string;
}

/**
 * Every service's status, and then every set attrd entry that names no service; attrd's names are paired with the
 * services as the pass pairs them (pairHosts). `flags` undefined means attrd could not be read.
 */
export function hostStatuses(services: readonly ComputeService[], flags: ReadonlyMap<string, string> | undefined, now?: number): HostStatus[] {
  const { attrdNameOf, unmatched } = pairHosts(flags ?? new Map(), services);
  const status = (host: string, service: ComputeService | undefined, attrdHost: string | undefined): HostStatus => {
    const attrd = flags === undefined ? undefined : attrdHost === undefined ? "" : (flags.get(attrdHost) ?? "");
    return { host, attrdHost, service, attrd, ...hostPhase({ service, attrd, now }) };
  };
  return [
    ...[...services].sort((a, b) => a.host.localeCompare(b.host)).map((service) => status(service.host, service, attrdNameOf.get(service.host))),
    ...[...unmatched].sort().map((attrdHost) => status(attrdHost, undefined, attrdHost)),
  ];
}
