// Which pending instances to submit now, within the global and per-host limits, in a stable order.
import type { InstancePlan } from "./plan-host.js";

/** A candidate for submission, tagged with its host. */
export interface Candidate {
  readonly host: string;
  readonly plan: InstancePlan;
}

/** Stable submission order: priority first (higher first), then creation time, then id. */
export function submissionOrder(a: Candidate, b: Candidate): number {
  return b.plan.priority - a.plan.priority || a.plan.created.localeCompare(b.plan.created) || a.plan.id.localeCompare(b.plan.id);
}

/** The limits pickSubmissions keeps. */
export interface SubmissionLimits {
  /** Evacuations Nova is still placing at once, across all hosts. */
  readonly concurrency: number;
  /** Evacuations Nova is still placing at once, from one failed host. */
  readonly perHostConcurrency: number;
  /** Evacuations running at once, placing or rebuilding, across all hosts; 0 for no limit of our own. */
  readonly maxInFlight?: number;
}

/**
 * Picks what to submit: ready instances in submission order, as long as no limit is reached. The concurrency limits
 * count the evacuations Nova is still placing (requested, not yet claimed by a destination compute): that is the
 * work of the shared control plane. A rebuild already running on its destination no longer counts, except against
 * maxInFlight. At equal priority the hosts take turns (each host's first instance, then each host's second, ...), so
 * one host's per-host limit never leaves global slots unused while other hosts wait.
 */
export function pickSubmissions(plansByHost: ReadonlyMap<string, readonly InstancePlan[]>, limits: SubmissionLimits): Candidate[] {
  const placingByHost = new Map<string, number>();
  let placing = 0;
  let inFlight = 0;
  const ready: (Candidate & { rank: number })[] = [];
  for (const [host, plans] of plansByHost) {
    const running = plans.filter((plan) => plan.outcome === "in-progress");
    const hostPlacing = running.filter((plan) => plan.placing === true).length;
    placingByHost.set(host, hostPlacing);
    placing += hostPlacing;
    inFlight += running.length;
    const own = plans.filter((plan) => plan.ready).map((plan) => ({ host, plan })).sort(submissionOrder);
    own.forEach((candidate, rank) => ready.push({ ...candidate, rank }));
  }
  ready.sort((a, b) => b.plan.priority - a.plan.priority || a.rank - b.rank || submissionOrder(a, b));
  const ceiling = limits.maxInFlight && limits.maxInFlight > 0 ? limits.maxInFlight : Number.POSITIVE_INFINITY;
  const picked: Candidate[] = [];
  for (const candidate of ready) {
    if (placing >= limits.concurrency || inFlight >= ceiling) break;
    const hostCount = placingByHost.get(candidate.host) ?? 0;
    if (hostCount >= limits.perHostConcurrency) continue;
    placingByHost.set(candidate.host, hostCount + 1);
    placing += 1;
    inFlight += 1;
    picked.push({ host: candidate.host, plan: candidate.plan });
  }
  return picked;
}
