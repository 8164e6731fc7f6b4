// The engine loop: look at Nova, decide, submit within limits, and repeat until done or out of time.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../kit/logger.js";
import type { OpenStack } from "../../openstack/api.js";
import type { Migration } from "../../openstack/types.js";
import { markSubmitted, restorePowerStates, submitEvacuations } from "./engine-requests.js";
import { failureTime } from "../host/failure-time.js";
import { EvacuationClock } from "./poll-timing.js";
import { withProbedClaims } from "./probe-claims.js";
import { planHost, type HostSnapshot, type InstancePlan, type RequestFailures } from "./plan-host.js";
import type { OriginalState } from "../memory/power-state-memory.js";
import { countOutcomes, type HostReport } from "./recovery-report.js";
import type { RecoveryOptions } from "./recovery-options.js";
import { pickSubmissions } from "./schedule.js";
import { NO_TAGS, NovaView, probeEvacuations, readEvacuableTags, type RecoveryTarget } from "./snapshot.js";

/** What the engine works with. */
export interface EngineDeps {
  readonly openstack: OpenStack;
  readonly log: Logger;
  /** Evacuate requests that failed without a migration record, per instance; the caller may persist it. */
  readonly failures?: Map<string, RequestFailures>;
  /** vm_state of each instance before its host failed; the caller may persist it. */
  readonly originalStates?: Map<string, OriginalState>;
  /** Called after every look at Nova (live display, tests). */
  readonly onProgress?: (reports: readonly HostReport[]) => void;
  /**
   * Called once per host, as soon as it is done (the others may go on); the run returns only after each call
   * settled. A rejection is logged, never thrown.
   */
  readonly onHostDone?: (report: HostReport) => Promise<void>;
  /**
   * Finds hosts that failed since the run began (not among `known`), at most once per poll interval alongside a
   * look; they join the run at once. A rejection is logged, never thrown.
   */
  readonly discover?: (known: ReadonlySet<string>) => Promise<RecoveryTarget[]>;
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
    instances: plans.map(({ ready: _r, priority: _p, created: _c, restoreStopped: _s, ...instance }) => instance),
  };
}

/** Records the vm_state of instances seen on their failed host before any evacuation touched them. */
function rememberOriginalStates(memory: Map<string, OriginalState>, snapshots: readonly HostSnapshot[], now: number): void {
  for (const snapshot of snapshots) {
    const touched = new Set(snapshot.evacuations.map((migration) => migration.instanceUuid));
    for (const server of snapshot.onHost) {
      if (memory.has(server.id) || touched.has(server.id) || server.taskState) continue;
      if (server.vmState === "active" || server.vmState === "stopped") memory.set(server.id, { vmState: server.vmState, seenAt: now });
    }
  }
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

/** What a probe read of one host. */
interface ProbeResult {
  readonly host: string;
  readonly migrations: readonly Migration[];
}

/**
 * Waits for the next full look, probing in between when the clock asks for it and handing each probe to `onProbe`
 * (a probe that sees an evacuation change brings the look forward; one that fails is replaced by the look). false
 * when the deadline comes first or the run is aborted.
 */
async function untilNextLook(
  deps: EngineDeps, timing: EvacuationClock, run: EngineRun, onProbe: (results: readonly ProbeResult[]) => Promise<void>,
): Promise<boolean> {
  const clock = deps.now ?? Date.now;
  for (;;) {
    const next = timing.nextCheck(clock(), run.pollIntervalMs);
    if (run.signal.aborted || next.at >= run.deadline) return false;
    const pause = next.at - clock();
    if (pause > 0) await sleep(pause, undefined, { signal: run.signal }).catch(() => undefined);
    if (run.signal.aborted) return false;
    if (next.kind === "look") return true;
    const startedAt = clock();
    const probed = await Promise.all(next.targets.map(({ host, sinceMs }) => probeEvacuations(deps.openstack, host, sinceMs).catch((error: unknown) => {
      deps.log.debug({ host, err: error instanceof Error ? error.message : String(error) }, "probe failed; looking instead");
      return undefined;
    })));
    if (probed.some((migrations) => migrations === undefined)) return true;
    const endedAt = clock();
    const results = next.targets.map(({ host }, index) => ({ host, migrations: probed[index] ?? [] }));
    for (const { host, migrations } of results) timing.observeProbe(host, migrations, { startedAt, endedAt });
    await onProbe(results);
  }
}

/** Asks `deps.discover` for hosts that failed since the run began; none when it fails (logged). */
async function discoverHosts(deps: EngineDeps, targets: readonly RecoveryTarget[]): Promise<RecoveryTarget[]> {
  const known = new Set(targets.map((target) => target.host));
  try {
    const found = (await deps.discover?.(known)) ?? [];
    const joined = found.filter((target) => !known.has(target.host));
    for (const target of joined) deps.log.info({ host: target.host, since: target.since.toISOString() }, "host joins the recovery under way");
    return joined;
  } catch (error) {
    deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not look for newly failed hosts; the next pass will");
    return [];
  }
}

/**
 * Whether the clock watches an evacuation as holding a slot: one in progress, unless plan-host reports that a
 * destination already claimed it (placing: false) and no ceiling on evacuations in flight applies.
 */
function holdsSlot(plan: InstancePlan, run: EngineRun): boolean {
  return plan.outcome === "in-progress" && (plan.placing !== false || run.maxInFlight > 0);
}

/** Recovers the instances of `hosts` until every host is done, the deadline nears or the signal aborts. */
export async function evacuateHosts(deps: EngineDeps, hosts: readonly (string | RecoveryTarget)[], run: EngineRun): Promise<HostReport[]> {
  const clock = deps.now ?? Date.now;
  // A copy: hosts that fail meanwhile join it.
  const targets = [...(await resolveTargets(deps.openstack, hosts, clock()))];
  const failures = deps.failures ?? new Map<string, RequestFailures>();
  const originalStates = deps.originalStates ?? new Map<string, OriginalState>();
  const engine = { ...deps, failures };
  if (targets.length === 0) return [];
  // Read alongside the first look instead of before it.
  const tags = run.instanceFiltering
    ? readEvacuableTags(deps.openstack, run.evacuableTag, deps.log)
    : Promise.resolve(NO_TAGS);
  const submittedByHost = new Map<string, number>();
  const seen = new Map<string, string>();
  let reports: HostReport[] = [];
  let remaining = [...targets];
  const finished = new Map<string, HostReport>();
  const timing = new EvacuationClock();
  const view = new NovaView(deps.openstack, tags);
  const hostsDone: Promise<void>[] = [];

  let discoveredAt = clock();
  while (remaining.length > 0) {
    const now = clock();
    const discovery = deps.discover && now - discoveredAt >= run.pollIntervalMs ? discoverHosts(deps, targets) : undefined;
    if (discovery) discoveredAt = now;
    const snapshots = await view.look(remaining, now, submittedByHost.size > 0);
    const looked = { startedAt: now, endedAt: clock() };
    const joined = (await discovery) ?? [];
    if (joined.length > 0) {
      // A host that failed meanwhile: look again at once, with it (a full look, as for any new host).
      targets.push(...joined);
      remaining.push(...joined);
      continue;
    }
    deps.log.debug({ hosts: remaining.length, ms: looked.endedAt - looked.startedAt }, "looked at Nova");
    rememberOriginalStates(originalStates, snapshots, now);
    const vmStates = new Map([...originalStates].map(([id, state]) => [id, state.vmState]));
    const plans = new Map(snapshots.map((snapshot) => [snapshot.host, planHost(snapshot, failures, run, now, vmStates)]));
    await restorePowerStates(engine, plans);
    timing.observeLook(snapshots, new Set([...plans.values()].flat().filter((plan) => holdsSlot(plan, run)).map((plan) => plan.id)), looked);
    const submitPicked = async (): Promise<void> => {
      const picked = pickSubmissions(plans, run);
      if (picked.length === 0) return;
      const accepted = await submitEvacuations(engine, picked, run, clock(), timing);
      for (const { host } of picked) submittedByHost.set(host, (submittedByHost.get(host) ?? 0) + 1);
      markSubmitted(plans, picked, accepted);
    };
    await submitPicked();
    reports = [...plans].map(([host, list]) => report(host, list, submittedByHost.get(host) ?? 0, run.waitForCompletion));
    for (const [host, list] of plans) logTransitions(deps.log, host, list, seen);
    deps.onProgress?.([...finished.values(), ...reports]);
    for (const hostReport of reports) {
      if (!hostReport.done || finished.has(hostReport.host)) continue;
      finished.set(hostReport.host, hostReport);
      if (deps.onHostDone) hostsDone.push(deps.onHostDone(hostReport).catch((error: unknown) =>
        deps.log.warn({ host: hostReport.host, err: error instanceof Error ? error.message : String(error) }, "could not record the host as done; the next pass will")));
    }
    remaining = remaining.filter((target) => !finished.has(target.host));
    // Between looks, a probe that shows a destination claimed an evacuation frees its slot at once: the next ones go
    // out from these plans, without waiting for the look (which then confirms all of it).
    const onProbe = async (results: readonly ProbeResult[]): Promise<void> => {
      let freed = false;
      for (const { host, migrations } of results) {
        const claimed = withProbedClaims(plans.get(host) ?? [], migrations);
        if (claimed) plans.set(host, claimed);
        freed ||= claimed !== undefined;
      }
      if (freed && !run.signal.aborted) await submitPicked();
    };
    if (remaining.length === 0 || !(await untilNextLook(deps, timing, run, onProbe))) break;
  }
  await Promise.all(hostsDone);
  return targets.map((target) => finished.get(target.host) ?? reports.find((item) => item.host === target.host) ?? report(target.host, [], 0, run.waitForCompletion));
}
