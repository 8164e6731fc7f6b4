// The state of one engine run and its named steps: look, join, plan, submit, report, wait. evacuate-hosts.ts strings
// them together; everything the run remembers between two looks lives here.
import { setTimeout as sleep } from "node:timers/promises";
import { oneLine } from "../../kit/agent-error.js";
import type { OpenStack } from "../../openstack/api.js";
import type { OriginalState } from "../memory/power-state-memory.js";
import { failureTime } from "../host/failure-time.js";
import { markSubmitted, restorePowerStates, submitEvacuations, type RequestMemory } from "./engine-requests.js";
import type { EngineDeps, EngineRun, ProbeResult } from "./engine-types.js";
import { EvacuableTagSource } from "./evacuable-tags.js";
import { planHost, undecidedSelection, type AcceptedRequest, type HostSnapshot, type InstancePlan, type RequestFailures } from "./plan-host.js";
import { EvacuationClock } from "./poll-timing.js";
import { withProbedClaims } from "./probe-claims.js";
import { countOutcomes, type HostReport } from "./recovery-report.js";
import { pickSubmissions } from "./schedule.js";
import { NovaView, probeEvacuations, type RecoveryTarget } from "./snapshot.js";

/** Builds a host's report from its plans. */
export function hostReport(host: string, plans: readonly InstancePlan[], submitted: number, waitForCompletion: boolean): HostReport {
  const counts = countOutcomes(plans);
  const done = counts.pending === 0 && (!waitForCompletion || counts["in-progress"] === 0);
  return {
    host, done, submitted,
    recovered: counts.recovered, failed: counts.failed, skipped: counts.skipped,
    inProgress: counts["in-progress"], pending: counts.pending,
    instances: plans.map(({ ready: _r, priority: _p, created: _c, restoreStopped: _s, evacuationsSeen: _e, awaitingRecord: _a, ...instance }) => instance),
  };
}

/** Turns bare host names into targets, with the failure time Nova's service records give. */
async function resolveTargets(openstack: OpenStack, hosts: readonly (string | RecoveryTarget)[], now: number): Promise<RecoveryTarget[]> {
  if (hosts.every((item) => typeof item !== "string")) return hosts as RecoveryTarget[];
  const services = new Map((await openstack.compute.listServices()).map((service) => [service.host, service]));
  return hosts.map((item) => (typeof item === "string" ? { host: item, since: failureTime(services.get(item), now), notBefore: now } : item));
}

/**
 * Whether the clock watches an evacuation as holding a slot: one in progress, unless plan-host reports that a
 * destination already claimed it (placing: false) and no ceiling on evacuations in flight applies.
 */
function holdsSlot(plan: InstancePlan, run: EngineRun): boolean {
  return plan.outcome === "in-progress" && (plan.placing !== false || run.maxInFlight > 0);
}

/** One run of the engine: its targets, what it remembers between looks, and the steps of its loop. */
export class RecoveryRun {
  private readonly clock: () => number;
  private targets: readonly RecoveryTarget[];
  private remaining: readonly RecoveryTarget[];
  private plans = new Map<string, readonly InstancePlan[]>();
  private reports: HostReport[] = [];
  private readonly finished = new Map<string, HostReport>();
  private readonly hostsDone: Promise<void>[] = [];
  private readonly submittedByHost = new Map<string, number>();
  private readonly seen = new Map<string, string>();
  private readonly timing = new EvacuationClock();
  private readonly view: NovaView;
  private readonly failures: Map<string, RequestFailures>;
  private readonly originalStates: Map<string, OriginalState>;
  /** Accepted evacuations whose record no look has shown yet: never sent again meanwhile. */
  private readonly accepted = new Map<string, AcceptedRequest>();
  private discovery: Promise<RecoveryTarget[]> | undefined;
  private discoveredAt: number;
  private lookedAt = { startedAt: 0, endedAt: 0 };

  private constructor(private readonly deps: EngineDeps, private readonly run: EngineRun, targets: RecoveryTarget[]) {
    this.clock = deps.now ?? Date.now;
    this.targets = [...targets];
    this.remaining = [...targets];
    this.failures = deps.failures ?? new Map();
    this.originalStates = deps.originalStates ?? new Map();
    this.view = new NovaView(deps.openstack, new EvacuableTagSource(deps.openstack, run.evacuableTag, deps.log, run.instanceFiltering));
    this.discoveredAt = this.clock();
  }

  /** Starts a run over `hosts` (names get their failure time from Nova). */
  static async begin(deps: EngineDeps, hosts: readonly (string | RecoveryTarget)[], run: EngineRun): Promise<RecoveryRun> {
    return new RecoveryRun(deps, run, await resolveTargets(deps.openstack, hosts, (deps.now ?? Date.now)()));
  }

  /** True while some host is not done. */
  hasHostsLeft(): boolean {
    return this.remaining.length > 0;
  }

  /** Looks at Nova (and, once per poll interval, for newly failed hosts alongside). */
  async look(): Promise<HostSnapshot[]> {
    const now = this.clock();
    if (this.deps.discover && now - this.discoveredAt >= this.run.pollIntervalMs) {
      this.discoveredAt = now;
      this.discovery = this.discover();
    }
    const snapshots = await this.view.look(this.remaining, now, this.submittedByHost.size > 0);
    this.lookedAt = { startedAt: now, endedAt: this.clock() };
    return snapshots;
  }

  /** Adds the hosts found failed since the run began; true when some joined (the next look includes them). */
  async joinNewHosts(): Promise<boolean> {
    const joined = (await this.discovery) ?? [];
    this.discovery = undefined;
    this.targets = [...this.targets, ...joined];
    this.remaining = [...this.remaining, ...joined];
    return joined.length > 0;
  }

  /** Plans every instance of every host from a look. */
  plan(snapshots: readonly HostSnapshot[]): void {
    const now = this.lookedAt.startedAt;
    this.deps.log.debug({ hosts: this.remaining.length, ms: this.lookedAt.endedAt - now }, "looked at Nova");
    if (this.rememberOriginalStates(snapshots, now)) this.deps.onMemoryChanged?.();
    const vmStates = new Map([...this.originalStates].map(([id, state]) => [id, state.vmState]));
    const failedHosts = new Set(this.targets.map((target) => target.host));
    const decided = snapshots.map((snapshot) => this.decideSelection(snapshot));
    this.plans = new Map(decided.map((snapshot) => [snapshot.host, planHost({ ...snapshot, failedHosts }, this.failures, this.run, now, vmStates, this.accepted)]));
    for (const plan of [...this.plans.values()].flat()) if (!plan.awaitingRecord) this.accepted.delete(plan.id);
    const holding = new Set([...this.plans.values()].flat().filter((plan) => holdsSlot(plan, this.run)).map((plan) => plan.id));
    this.timing.observeLook(snapshots, holding, this.lookedAt);
  }

  /** Stops the instances that must be put back in their old power state. */
  restorePowerStates(): Promise<void> {
    return restorePowerStates(this.deps, this.plans);
  }

  /** Sends what the limits allow from the current plans. */
  async submit(): Promise<void> {
    const picked = pickSubmissions(this.plans, this.run);
    if (picked.length === 0) return;
    const memory: RequestMemory = {
      accepted: this.accepted,
      failures: this.failures,
      failureOf: (host) => this.targets.find((target) => target.host === host)?.since.toISOString() ?? "",
    };
    const accepted = await submitEvacuations(this.deps, memory, picked, this.run, this.clock(), this.timing);
    if (accepted.size < picked.length) this.deps.onMemoryChanged?.();
    for (const { host } of picked) this.submittedByHost.set(host, (this.submittedByHost.get(host) ?? 0) + 1);
    markSubmitted(this.plans, picked, accepted);
  }

  /** Reports progress, and records each host done the moment it is. */
  report(): void {
    this.reports = [...this.plans].map(([host, list]) => hostReport(host, list, this.submittedByHost.get(host) ?? 0, this.run.waitForCompletion));
    for (const [host, list] of this.plans) this.logTransitions(host, list);
    this.deps.onProgress?.([...this.finished.values(), ...this.reports]);
    for (const report of this.reports) {
      if (!report.done || this.finished.has(report.host)) continue;
      this.finished.set(report.host, report);
      if (this.deps.onHostDone) this.hostsDone.push(this.deps.onHostDone(report).catch((error: unknown) =>
        this.deps.log.warn({ host: report.host, err: oneLine(error) }, "could not record the host as done; the next pass will")));
    }
    this.remaining = this.remaining.filter((target) => !this.finished.has(target.host));
  }

  /**
   * Waits for the next look, probing in between when the clock asks for it: a probe that shows a destination claimed
   * an evacuation frees its slot at once, and the next ones go out from these plans (the look then confirms it all).
   * false when the deadline comes first or the run is aborted.
   */
  async waitForNextCheck(): Promise<boolean> {
    const { run, timing } = this;
    for (;;) {
      const next = timing.nextCheck(this.clock(), run.pollIntervalMs);
      if (run.signal.aborted || next.at >= run.deadline) return false;
      const pause = next.at - this.clock();
      if (pause > 0) await sleep(pause, undefined, { signal: run.signal }).catch(() => undefined);
      if (run.signal.aborted) return false;
      if (next.kind === "look") return true;
      const results = await this.probe(next.targets.map(({ host }) => host));
      if (!results) return true;
      await this.freeClaimedSlots(results);
    }
  }

  /** Waits for every "done" record, and returns each host's last report. */
  async finish(): Promise<HostReport[]> {
    await Promise.all(this.hostsDone);
    return this.targets.map((target) => this.finished.get(target.host) ?? this.reports.find((item) => item.host === target.host) ?? hostReport(target.host, [], 0, this.run.waitForCompletion));
  }

  /** Reads the recent evacuation records of `hosts` (from Nova's own time); undefined when one read failed. */
  private async probe(hosts: readonly string[]): Promise<ProbeResult[] | undefined> {
    const startedAt = this.clock();
    const sinceMs = this.view.changesSinceMs();
    const probed = await Promise.all(hosts.map((host) => probeEvacuations(this.deps.openstack, host, sinceMs).catch((error: unknown) => {
      this.deps.log.debug({ host, err: oneLine(error) }, "probe failed; looking instead");
      return undefined;
    })));
    if (probed.some((migrations) => migrations === undefined)) return undefined;
    const endedAt = this.clock();
    const results = hosts.map((host, index) => ({ host, migrations: probed[index] ?? [] }));
    for (const { host, migrations } of results) this.timing.observeProbe(host, migrations, { startedAt, endedAt });
    return results;
  }

  private async freeClaimedSlots(results: readonly ProbeResult[]): Promise<void> {
    let freed = false;
    for (const { host, migrations } of results) {
      const claimed = withProbedClaims(this.plans.get(host) ?? [], migrations);
      if (claimed) this.plans.set(host, claimed);
      freed ||= claimed !== undefined;
    }
    if (freed && !this.run.signal.aborted) await this.submit();
  }

  /** Asks `deps.discover` for hosts that failed since the run began; none when it fails (logged). */
  private async discover(): Promise<RecoveryTarget[]> {
    const known = new Set(this.targets.map((target) => target.host));
    try {
      const found = (await this.deps.discover?.(known)) ?? [];
      const joined = found.filter((target) => !known.has(target.host));
      for (const target of joined) this.deps.log.info({ host: target.host, since: target.since.toISOString() }, "host joins the recovery under way");
      return joined;
    } catch (error) {
      this.deps.log.warn({ err: oneLine(error) }, "could not look for newly failed hosts; the next pass will");
      return [];
    }
  }

  /** Decides the host's selection at its first look with the cloud's tags, once for the whole failure, and records it. */
  private decideSelection(snapshot: HostSnapshot): HostSnapshot {
    const selection = undecidedSelection(snapshot, this.run);
    if (!selection) return snapshot;
    const decide = (target: RecoveryTarget): RecoveryTarget => (target.host === snapshot.host ? { ...target, selection } : target);
    this.targets = this.targets.map(decide);
    this.remaining = this.remaining.map(decide);
    this.deps.log.info({ host: snapshot.host, selection }, selection === "all" ? "nothing tagged evacuable: every instance is selected" : "selecting the instances tagged evacuable");
    if (this.deps.onSelectionDecided) this.hostsDone.push(this.deps.onSelectionDecided(snapshot.host, selection).catch((error: unknown) =>
      this.deps.log.warn({ host: snapshot.host, err: oneLine(error) }, "could not record the selection in Nova; the next pass decides it again")));
    return { ...snapshot, selection };
  }

  /** Records the vm_state of instances seen on their failed host before any evacuation touched them; true if any was new. */
  private rememberOriginalStates(snapshots: readonly HostSnapshot[], now: number): boolean {
    let added = false;
    for (const snapshot of snapshots) {
      const touched = new Set(snapshot.evacuations.map((migration) => migration.instanceUuid));
      for (const server of snapshot.onHost) {
        if (this.originalStates.has(server.id) || touched.has(server.id) || this.accepted.has(server.id)) continue;
        if (server.vmState === "active" || server.vmState === "stopped") {
          this.originalStates.set(server.id, { vmState: server.vmState, seenAt: now });
          added = true;
        }
      }
    }
    return added;
  }

  /** Logs what changed for each instance since the previous look. */
  private logTransitions(host: string, plans: readonly InstancePlan[]): void {
    const { log } = this.deps;
    for (const plan of plans) {
      if (this.seen.get(plan.id) === plan.outcome) continue;
      this.seen.set(plan.id, plan.outcome);
      if (plan.outcome === "recovered") log.info({ host, instance: plan.id, server: plan.name, now_on: plan.host, status: plan.status }, "instance recovered");
      if (plan.outcome === "failed") log.error({ host, instance: plan.id, server: plan.name, reason: plan.reason }, "instance not recovered");
    }
  }
}
