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
 */
export function pickSubmissions(
  plansByHost: ReadonlyMap<string, readonly InstancePlan[]>,
  limits: { concurrency: number; perHostConcurrency: number },
): Candidate[] {
  const inFlightByHost = new Map<string, number>();
  let inFlight = 0;
  const ready: Candidate[] = [];
  for (const [host, plans] of plansByHost) {
    const running = plans.filter((plan) => plan.outcome === "in-progress").length;
    inFlightByHost.set(host, running);
    inFlight += running;
    for (const plan of plans) if (plan.ready) ready.push({ host, plan });
  }
  ready.sort(submissionOrder);
  const picked: Candidate[] = [];
  for (const candidate of ready) {
    if (inFlight >= limits.concurrency) break;
    const hostCount = inFlightByHost.get(candidate.host) ?? 0;
    if (hostCount >= limits.perHostConcurrency) continue;
    inFlightByHost.set(candidate.host, hostCount + 1);
    inFlight += 1;
    picked.push(candidate);
  }
  return picked;
}
