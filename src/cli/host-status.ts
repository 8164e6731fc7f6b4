// Where one host's recovery stands, from its attrd `evacuate` value and its nova-compute service, as a rule table.
import type { ComputeService } from "../openstack/types.js";
import { parseEvacuateFlag, type EvacuateFlag } from "../pacemaker/evacuate-attribute.js";
import { isFencedInNova } from "../recovery/host/fenced.js";
import { matchNovaHost } from "../recovery/host/host-name.js";
import { markerPending, parseNovaMarker, type NovaMarker } from "../recovery/host/nova-marker.js";

/** The phases `nova-ha status` reports, in the order a failed host goes through them (then the odd cases). */
export type HostPhase =
  | "ok" | "down" | "fenced" | "evacuating" | "evacuated" | "unfencing"
  | "blocked" | "stalled" | "disabled" | "unmatched" | "bad-flag";

/**
 * How long a host may stay at `yes` under our `fenced` marker before status calls it stalled: 3 monitors at the
 * 60 s interval of the shell NovaEvacuate's deployments, 18 at ours' 10 s. An evacuator that picks a host up writes
 * `<node>@<epoch>` at once.
 */
export const STALL_AFTER_MS = 3 * 60_000;

/** What the rules look at for one host. */
export interface HostFacts {
  /** The nova-compute service; undefined for an attrd entry Nova has no service for. */
  readonly service: ComputeService | undefined;
  /** The attrd value; undefined when attrd could not be read, "" when the host has none. */
  readonly attrd: string | undefined;
  /** The time of the report (ms since the epoch); the stall rule is off without it. */
  readonly now?: number;
}

/** One rule: when it applies, and what it tells the operator. */
interface PhaseRule {
  readonly phase: HostPhase;
  readonly applies: (facts: HostFacts, flag: EvacuateFlag | undefined, marker: NovaMarker) => boolean;
  readonly detail: (facts: HostFacts, flag: EvacuateFlag | undefined, marker: NovaMarker) => string;
}

/** True when attrd asks for an evacuation (yes) or says one runs (<node>@<epoch>). */
const flagged = (flag: EvacuateFlag | undefined): boolean => flag?.kind === "requested" || flag?.kind === "in-progress";
/** The phase of our own marker, if the reason is ours. */
const ourPhase = (marker: NovaMarker): string | undefined => (marker.kind === "ours" ? marker.phase : undefined);
/** A marker field, or "?" when the marker does not carry it. */
const field = (marker: NovaMarker, name: string): string => (marker.kind === "ours" ? (marker.fields[name] ?? "?") : "?");
/** " at <time>" from our marker, "" when the reason is not ours. */
const at = (marker: NovaMarker): string => (marker.kind === "ours" && marker.fields.at ? ` at ${marker.fields.at}` : "");

/** How long our fenced marker is older than the stall limit allows; undefined when it is not (or cannot be told). */
function stalledFor(facts: HostFacts, marker: NovaMarker): number | undefined {
  const since = Date.parse(field(marker, "at"));
  if (facts.now === undefined || Number.isNaN(since)) return undefined;
  return facts.now - since > STALL_AFTER_MS ? facts.now - since : undefined;
}

/** Who runs the evacuation and since when, from attrd's <node>@<epoch> or else Nova's marker. */
function evacuatingDetail(flag: EvacuateFlag | undefined, marker: NovaMarker): string {
  const [by, since] = flag?.kind === "in-progress"
    ? [flag.by, new Date(flag.sinceEpoch * 1000).toISOString()]
    : [field(marker, "by"), field(marker, "at")];
  return `NovaEvacuate on ${by} is recovering its instances (since ${since})`;
}

/** The rules, first match wins. */
const PHASE_RULES: readonly PhaseRule[] = [
  {
    phase: "unmatched",
    applies: (facts) => facts.service === undefined,
    detail: (facts) => `attrd evacuate=${facts.attrd ?? "?"} names no nova-compute service: check the cluster node name against Nova's host names`,
  },
  {
    phase: "bad-flag",
    applies: (_facts, flag) => flag?.kind === "unknown",
    detail: (facts) => `attrd evacuate=${facts.attrd ?? ""} is none of yes, no, <node>@<epoch>: NovaEvacuate ignores it`,
  },
  {
    phase: "blocked",
    applies: (facts, flag, marker) => (flagged(flag) || markerPending(marker)) && !isFencedInNova(facts.service as ComputeService),
    detail: () => "flagged for evacuation, but nova-compute is up and not forced down: nothing is evacuated until fencing completes",
  },
  {
    phase: "stalled",
    applies: (facts, flag, marker) => flag?.kind === "requested" && ourPhase(marker) === "fenced" && stalledFor(facts, marker) !== undefined,
    detail: (facts, _flag, marker) =>
      `flagged yes since ${field(marker, "at")} (${Math.floor((stalledFor(facts, marker) ?? 0) / 60_000)} min) and no evacuator picked it up: ` +
      "is NovaEvacuate running? The shell NovaEvacuate on Pacemaker 2.1.5 never sees a compute host (pacemaker#3027, docs/compatibility.md)",
  },
  {
    phase: "evacuating",
    applies: (_facts, flag, marker) => flag?.kind === "in-progress" || ourPhase(marker) === "evacuating",
    detail: (_facts, flag, marker) => evacuatingDetail(flag, marker),
  },
  {
    phase: "fenced",
    applies: (_facts, flag, marker) => flag?.kind === "requested" || ourPhase(marker) === "fenced",
    detail: (_facts, _flag, marker) => `fenced${at(marker)}: NovaEvacuate starts recovering its instances at its next monitor`,
  },
  {
    phase: "evacuated",
    applies: (facts, _flag, marker) => ourPhase(marker) === "evacuated" && facts.service?.status === "disabled",
    detail: (_facts, _flag, marker) =>
      `recovered=${field(marker, "recovered")} failed=${field(marker, "failed")} skipped=${field(marker, "skipped")}${at(marker)}; ` +
      "unfencing (fence_compute on, NovaCompute start) re-enables the service",
  },
  {
    phase: "unfencing",
    applies: (facts) => facts.service?.forcedDown === true && facts.service.status === "enabled",
    detail: () => "enabled but still forced down: Nova clears forced_down only once nova-compute has restarted on the host",
  },
  {
    phase: "disabled",
    applies: (facts) => facts.service?.status === "disabled",
    detail: (_facts, _flag, marker) =>
      marker.kind === "foreign" ? `disabled by someone else: "${marker.reason}"; left disabled on purpose` : "disabled without a reason; left disabled on purpose",
  },
  {
    phase: "down",
    applies: (facts) => facts.service?.state === "down",
    detail: () => "nova-compute is down but the host is not fenced: fencing has not run (yet), nothing is evacuated",
  },
  { phase: "ok", applies: () => true, detail: () => "up and enabled" },
];

/** Reads the phase of a host and what it means. */
export function hostPhase(facts: HostFacts): { phase: HostPhase; detail: string } {
  const flag = facts.attrd === undefined ? undefined : parseEvacuateFlag(facts.attrd);
  const marker = parseNovaMarker(facts.service?.disabledReason);
  const rule = PHASE_RULES.find((candidate) => candidate.applies(facts, flag, marker)) as PhaseRule;
  return { phase: rule.phase, detail: rule.detail(facts, flag, marker) };
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
 * Pairs attrd entries with Nova services by the rules fence_compute used to write them (host-name.ts), and reads each
 * host's phase. `flags` undefined means attrd could not be read. Attrd entries with no service come last.
 */
export function hostStatuses(services: readonly ComputeService[], flags: ReadonlyMap<string, string> | undefined, now?: number): HostStatus[] {
  const byService = new Map<string, string>();
  const unmatched: string[] = [];
  for (const attrdHost of flags?.keys() ?? []) {
    const match = matchNovaHost(attrdHost, services.map((service) => service.host));
    const set = parseEvacuateFlag(flags?.get(attrdHost)).kind !== "clear";
    if (match.kind !== "found") {
      if (set) unmatched.push(attrdHost);
    } else if (!byService.has(match.host) || set) {
      byService.set(match.host, attrdHost); // two entries for one host (short name and FQDN): the one that is set counts
    }
  }
  const status = (host: string, service: ComputeService | undefined, attrdHost: string | undefined): HostStatus => {
    const attrd = flags === undefined ? undefined : attrdHost === undefined ? "" : (flags.get(attrdHost) ?? "");
    return { host, attrdHost, service, attrd, ...hostPhase({ service, attrd, now }) };
  };
  return [
    ...[...services].sort((a, b) => a.host.localeCompare(b.host)).map((service) => status(service.host, service, byService.get(service.host))),
    ...unmatched.sort().map((attrdHost) => status(attrdHost, undefined, attrdHost)),
  ];
}
