// The engine loop: look at Nova, decide, submit within limits, and repeat until done or out of time.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../kit/logger.js";
import type { OpenStack } from "../openstack/api.js";
import { failureTime } from "./failure-time.js";
import { planHost, type InstancePlan, type RequestFailures } from "./plan-host.js";
import { countOutcomes, type HostReport } from "./recovery-report.js";
import type { RecoveryOptions } from "./recovery-options.js";
import { pickSubmissions, type Candidate } from "./schedule.js";
import { readEvacuableTags, takeSnapshots, type RecoveryTarget } from "./snapshot.js";

/** What the engine works with. */
export interface EngineDeps {
  readonly openstack: OpenStack;
  readonly log: Logger;
  /** Evacuate requests that failed without a migration record, per instance; the caller may persist it. */
  readonly failures?: Map<string, RequestFailures>;
  /** Called after every look at Nova (live display, tests). */
  readonly onProgress?: (reports: readonly HostReport[]) => void;
  readonly now?: () => number;
}

/** How long one run of the engine may go on, and when it may stop. */
export interface EngineRun extends RecoveryOptions {
  /** Epoch ms; the run returns before this. */
  readonly deadline: number;
  readonly signal: AbortSignal;
  /** true: until every instance is verified recovered or failed; false: until every request is accepted. */
  readonly waitForCompletion: boolean;
}

/** Builds a host's report from its plans. */
function report(host: string, plans: readonly InstancePlan[], submitted: number, waitForCompletion: boolean): HostReport {
  const counts = countOutcomes(plans);
  const done = counts.pending === 0 && (!waitForCompletion || counts["in-progress"] === 0);
  return {
    host, done, submitted,
    recovered: counts.recovered, failed: counts.failed, skipped: counts.skipped,
    inProgress: counts["in-progress"], pending: counts.pending,
    instances: plans.map(({ ready: _r, priority: _p, created: _c, ...instance }) => instance),
  };
}

/** Sends the picked evacuations in parallel; a request failure is remembered, never thrown. */
async function submit(deps: EngineDeps, picked: readonly Candidate[], options: RecoveryOptions, now: number): Promise<number> {
  const failures = deps.failures;
  let accepted = 0;
  await Promise.all(
    picked.map(async ({ host, plan }) => {
      try {
        await deps.openstack.compute.evacuate(plan.id, { onSharedStorage: options.onSharedStorage });
        accepted += 1;
        deps.log.info({ host, instance: plan.id, server: plan.name, attempt: plan.attempts + 1 }, "evacuation requested");
      } catch (error) {
        const status = (error as { status?: number }).status;
        const message = error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error);
        // A 409 still counts as an attempt: Nova answers 409 for good to some instances (vTPM, vDPA), which
        // would otherwise be resubmitted at every poll forever. If Nova is in fact already rebuilding it, the
        // next look sees its task and watches it, whatever the attempt count.
        const previous = failures?.get(plan.id);
        failures?.set(plan.id, { count: (previous?.count ?? 0) + 1, lastAt: now, lastError: message });
        if (status === 409) deps.log.info({ host, instance: plan.id, err: message }, "Nova refused the evacuation (409); it may already be working on this instance");
        else deps.log.warn({ host, instance: plan.id, err: message }, "evacuation request failed");
      }
    }),
  );
  return accepted;
}

/** Logs what changed for each instance since the previous look. */
function logTransitions(log: Logger, host: string, plans: readonly InstancePlan[], seen: Map<string, string>): void {
  for (const plan of plans) {
    if (seen.get(plan.id) === plan.outcome) continue;
    seen.set(plan.id, plan.outcome);
    if (plan.outcome === "recovered") log.info({ host, instance: plan.id, server: plan.name, now_on: plan.host, status: plan.status }, "instance recovered");
    if (plan.outcome === "failed") log.error({ host, instance: plan.id, server: plan.name, reason: plan.reason }, "instance not recovered");
  }
}

/** Turns bare host names into targets, with the failure time Nova's service records give. */
async function resolveTargets(openstack: OpenStack, hosts: readonly (string | RecoveryTarget)[], now: number): Promise<RecoveryTarget[]> {
  if (hosts.every((item) => typeof item !== "string")) return hosts as RecoveryTarget[];
  const services = new Map((await openstack.compute.listServices()).map((service) => [service.host, service]));
  return hosts.map((item) => (typeof item === "string" ? { host: item, since: failureTime(services.get(item), now), notBefore: now } : item));
}

/** Recovers the instances of `hosts` until every host is done, the deadline nears or the signal aborts. */
export async function evacuateHosts(deps: EngineDeps, hosts: readonly (string | RecoveryTarget)[], run: EngineRun): Promise<HostReport[]> {
  const clock = deps.now ?? Date.now;
  const targets = await resolveTargets(deps.openstack, hosts, clock());
  const failures = deps.failures ?? new Map<string, RequestFailures>();
  const engine = { ...deps, failures };
  if (targets.length === 0) return [];
  const tags = run.instanceFiltering
    ? await readEvacuableTags(deps.openstack, run.evacuableTag, deps.log)
    : { flavorIds: new Set<string>(), flavorNames: new Set<string>(), imageIds: new Set<string>() };
  const submittedByHost = new Map<string, number>();
  const seen = new Map<string, string>();
  let reports: HostReport[] = [];
  let remaining = [...targets];
  const finished = new Map<string, HostReport>();

  while (remaining.length > 0) {
    const now = clock();
    const snapshots = await takeSnapshots(deps.openstack, remaining, tags);
    const plans = new Map(snapshots.map((snapshot) => [snapshot.host, planHost(snapshot, failures, run, now)]));
    const picked = pickSubmissions(plans, run);
    const accepted = picked.length > 0 ? await submit(engine, picked, run, now) : 0;
    for (const { host } of picked) submittedByHost.set(host, (submittedByHost.get(host) ?? 0) + 1);
    if (accepted > 0) {
      // Show the submitted ones as in progress until the next look confirms it.
      for (const { host, plan } of picked) {
        const list = plans.get(host) ?? [];
        plans.set(host, list.map((item) => (item.id === plan.id ? { ...item, outcome: "in-progress", ready: false, attempts: item.attempts + 1 } : item)));
      }
    }
    reports = [...plans].map(([host, list]) => report(host, list, submittedByHost.get(host) ?? 0, run.waitForCompletion));
    for (const [host, list] of plans) logTransitions(deps.log, host, list, seen);
    deps.onProgress?.([...finished.values(), ...reports]);
    for (const hostReport of reports) if (hostReport.done && picked.every((item) => item.host !== hostReport.host)) finished.set(hostReport.host, hostReport);
    remaining = remaining.filter((target) => !finished.has(target.host));
    if (remaining.length === 0 || run.signal.aborted || clock() + run.pollIntervalMs >= run.deadline) break;
    await sleep(run.pollIntervalMs, undefined, { signal: run.signal }).catch(() => undefined);
  }
  return targets.map((target) => finished.get(target.host) ?? reports.find((item) => item.host === target.host) ?? report(target.host, [], 0, run.waitForCompletion));
}
