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

/**
 * Picks what to submit: ready instances in submission order, as long as neither the global limit
 * nor the host's limit of evacuations in flight (counting those already in progress) is reached.
 * At equal priority the hosts take turns (each host's first instance, then each host's second, ...), so one
 * host's per-host limit never leaves global slots unused while other hosts wait.
 */
export function pickSubmissions(
  plansByHost: ReadonlyMap<string, readonly InstancePlan[]>,
  limits: { concurrency: number; perHostConcurrency: number },
): Candidate[] {
  const inFlightByHost = new Map<string, number>();
  let inFlight = 0;
  const ready: (Candidate & { rank: number })[] = [];
  for (const [host, plans] of plansByHost) {
    const running = plans.filter((plan) => plan.outcome === "in-progress").length;
    inFlightByHost.set(host, running);
    inFlight += running;
    const own = plans.filter((plan) => plan.ready).map((plan) => ({ host, plan })).sort(submissionOrder);
    own.forEach((candidate, rank) => ready.push({ ...candidate, rank }));
  }
  ready.sort((a, b) => b.plan.priority - a.plan.priority || a.rank - b.rank || submissionOrder(a, b));
  const picked: Candidate[] = [];
  for (const candidate of ready) {
    if (inFlight >= limits.concurrency) break;
    const hostCount = inFlightByHost.get(candidate.host) ?? 0;
    if (hostCount >= limits.perHostConcurrency) continue;
    inFlightByHost.set(candidate.host, hostCount + 1);
    inFlight += 1;
    picked.push({ host: candidate.host, plan: candidate.plan });
  }
  return picked;
}
