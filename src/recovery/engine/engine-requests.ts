// The requests the engine sends from its plans: evacuations (remembering each acceptance until Nova's record shows
// it, and each refusal) and stops that put an instance back in the power state it had before its host failed.
import { oneLine } from "../../kit/agent-error.js";
import type { EngineDeps } from "./engine-types.js";
import type { AcceptedRequest, InstancePlan, RequestFailures } from "./plan-host.js";
import type { EvacuationClock } from "./poll-timing.js";
import type { RecoveryOptions } from "./recovery-options.js";
import type { Candidate } from "./schedule.js";

/** Where the outcome of each request is kept. */
export interface RequestMemory {
  /** Accepted evacuations whose record no look has shown yet, per instance. */
  readonly accepted: Map<string, AcceptedRequest>;
  readonly failures: Map<string, RequestFailures>;
  /** Each host's failure id (its `since`, ISO), written into its instances' failures. */
  readonly failureOf: (host: string) => string;
}

/**
 * Sends the picked evacuations in parallel; returns the ids Nova accepted, telling `timing` when each request went out
 * and was answered. A request failure is remembered, never thrown.
 */
export async function submitEvacuations(
  deps: EngineDeps, memory: RequestMemory, picked: readonly Candidate[], options: RecoveryOptions, now: number, timing: EvacuationClock,
): Promise<Set<string>> {
  const clock = deps.now ?? Date.now;
  const accepted = new Set<string>();
  await Promise.all(
    picked.map(async ({ host, plan }) => {
      try {
        const sentAt = clock();
        await deps.openstack.compute.evacuate(plan.id, { onSharedStorage: options.onSharedStorage });
        memory.accepted.set(plan.id, { host, name: plan.name, acceptedAt: clock(), recordsKnown: plan.evacuationsSeen ?? 0 });
        timing.submitted(plan.id, host, sentAt, clock());
        accepted.add(plan.id);
        deps.log.info({ host, instance: plan.id, server: plan.name, attempt: plan.attempts + 1 }, "evacuation requested");
      } catch (error) {
        const status = (error as { status?: number }).status;
        const message = oneLine(error);
        // A 409 still counts as an attempt: Nova answers 409 for good to some instances (vTPM, vDPA), which
        // would otherwise be resubmitted at every poll forever. If Nova is in fact already rebuilding it, the
        // next look sees its record and watches it, whatever the attempt count. A request with no answer (a
        // timeout) may have been accepted: its retry waits for the backoff, by when a look shows Nova's record.
        const previous = memory.failures.get(plan.id);
        memory.failures.set(plan.id, { count: (previous?.count ?? 0) + 1, lastAt: now, lastError: message, failure: memory.failureOf(host) });
        if (status === 409) deps.log.info({ host, instance: plan.id, err: message }, "Nova refused the evacuation (409); it may already be working on this instance");
        else deps.log.warn({ host, instance: plan.id, err: message }, "evacuation request failed");
      }
    }),
  );
  return accepted;
}

/** Stops the instances that run again elsewhere but were shut off before the failure; failures are retried at the next look. */
export async function restorePowerStates(deps: EngineDeps, plans: ReadonlyMap<string, readonly InstancePlan[]>): Promise<void> {
  const toStop = [...plans].flatMap(([host, list]) => list.filter((plan) => plan.restoreStopped).map((plan) => ({ host, plan })));
  await Promise.all(
    toStop.map(async ({ host, plan }) => {
      try {
        await deps.openstack.compute.stopServer(plan.id);
        deps.log.info({ host, instance: plan.id, server: plan.name }, "stopping the instance: it was SHUTOFF before its host failed");
      } catch (error) {
        deps.log.warn({ host, instance: plan.id, err: oneLine(error) }, "could not stop the instance yet");
      }
    }),
  );
}

/**
 * Marks the picked instances in the plans until the next look: an accepted one in progress and placing, a refused
 * one not ready (the next look plans its retry, with the backoff).
 */
export function markSubmitted(plans: Map<string, readonly InstancePlan[]>, picked: readonly Candidate[], accepted: ReadonlySet<string>): void {
  for (const { host, plan } of picked) {
    const list = plans.get(host) ?? [];
    const marked: InstancePlan = accepted.has(plan.id)
      ? { ...plan, outcome: "in-progress", ready: false, placing: true, attempts: plan.attempts + 1 }
      : { ...plan, ready: false };
    plans.set(host, list.map((item) => (item.id === plan.id ? marked : item)));
  }
}
