// The pure heart of the engine: from what Nova says about one failed host, where each instance stands.
import type { Migration, Server } from "../../openstack/types.js";
import { evacuableSelector, evacuationPriority, selectionMode, type EvacuableTags, type SelectionMode } from "./evacuable.js";
import { EVACUABLE_VM_STATES, EVACUATION_TASK_STATES, MIGRATION_FAILED, MIGRATION_IN_FLIGHT, MIGRATION_PLACING, RECOVERED_STATUSES, REBUILDING_ON_DESTINATION } from "./instance-state.js";
import type { InstanceReport } from "./recovery-report.js";
import type { RecoveryOptions } from "./recovery-options.js";
import { novaTimeMs } from "../../openstack/nova-time.js";

/** Everything Nova says about one failed host, gathered in one look. */
export interface HostSnapshot {
  readonly host: string;
  /** When the host failed; evacuations before this belong to an older failure. */
  readonly since: Date;
  /** Servers still on the host. */
  readonly onHost: readonly Server[];
  /** Evacuation migrations from the host since `since`. */
  readonly evacuations: readonly Migration[];
  /** Servers changed since `since`, by id: where evacuated servers are now. */
  readonly changed: ReadonlyMap<string, Server>;
  /** undefined while the cloud's tags cannot be read: the selection then fails closed. */
  readonly tags: EvacuableTags | undefined;
  /** No evacuation request before this time (evacuate_delay), epoch ms. */
  readonly notBefore: number;
  /** Every host the run recovers: an instance whose destination is one of them is recovered with that host. */
  readonly failedHosts?: ReadonlySet<string>;
  /** The selection decided when the host was picked up (recorded in Nova's marker); undefined until decided. */
  readonly selection?: SelectionMode;
}

/** Failed evacuate requests that left no migration record (HTTP errors), kept by the caller per instance. */
export interface RequestFailures {
  readonly count: number;
  readonly lastAt: number;
  readonly lastError: string;
  /** The failure they belong to: its `since`, as an ISO time (older records have none and are compared by time). */
  readonly failure?: string;
}

/** One evacuation Nova accepted: from which host, when (our clock), and how many of this failure's records of it were known then. */
export interface AcceptedRequest {
  readonly host: string;
  readonly name: string;
  readonly acceptedAt: number;
  readonly recordsKnown: number;
}

/**
 * Evacuations Nova accepted whose record no look has shown yet, per instance. Until a newer record shows, the
 * instance is in progress, whatever a look that missed the record says, even one that no longer finds it anywhere.
 */
export type AcceptedRequests = ReadonlyMap<string, AcceptedRequest>;

/** The start of the whole second a Nova time falls in: Nova on MariaDB keeps whole seconds. */
function wholeSecond(ms: number): number {
  return Math.floor(ms / 1_000) * 1_000;
}

/** An instance's standing plus what the scheduler needs. */
export interface InstancePlan extends InstanceReport {
  /** May be submitted now (pending, not waiting for a backoff or the delay). */
  readonly ready: boolean;
  readonly priority: number;
  readonly created: string;
  /** The instance runs again elsewhere but was shut off before its host failed: it must be stopped. */
  readonly restoreStopped?: boolean;
  /** In progress and Nova is still placing it (no destination compute has claimed it yet). */
  readonly placing?: boolean;
  /** This failure's evacuation records of the instance that the look saw. */
  readonly evacuationsSeen?: number;
  /** In progress on an accepted request alone: Nova's record of it has not shown yet. */
  readonly awaitingRecord?: boolean;
}

/** Whether an evacuation in progress is still being placed: no migration seen yet, or one not yet claimed. */
function stillPlacing(server: Server, last: Migration | undefined): boolean {
  if (server.taskState && REBUILDING_ON_DESTINATION.has(server.taskState)) return false;
  return last === undefined || MIGRATION_PLACING.has(last.status);
}

/**
 * Plans one instance that is no longer on the failed host. An instance that was stopped before the failure and
 * runs now (Nova rebuilds an ERROR instance as active, e.g. after a failed first attempt) is not recovered yet:
 * it must be stopped first.
 */
function planMoved(server: Server, attempts: number, originalVmState: string | undefined, failedHosts: ReadonlySet<string>): Omit<InstancePlan, "priority" | "created" | "ready"> {
  const base = { id: server.id, name: server.name, attempts, host: server.host, status: server.status };
  if (server.status === "DELETED") return { ...base, outcome: "skipped", reason: "deleted while being recovered" };
  // Its destination failed too: that host's recovery evacuates it again, and this one waits to see it recovered.
  if (server.host !== null && failedHosts.has(server.host)) return { ...base, outcome: "in-progress", reason: `its destination ${server.host} failed too` };
  if (server.taskState) return { ...base, outcome: "in-progress", reason: `task ${server.taskState} on ${server.host}` };
  if (originalVmState === "stopped" && server.status === "ACTIVE") {
    return { ...base, outcome: "in-progress", reason: "was SHUTOFF before the failure: stopping it", restoreStopped: true };
  }
  if (RECOVERED_STATUSES.has(server.status)) return { ...base, outcome: "recovered" };
  if (server.status === "ERROR") return { ...base, outcome: "failed", reason: `rebuild failed on ${server.host ?? "the destination"}` };
  return { ...base, outcome: "recovered", reason: `now ${server.status} on ${server.host}` };
}

/** Every instance the failure concerns: those still on the host and those that left it by this failure's evacuations. */
function concernedServers(snapshot: HostSnapshot, byInstance: ReadonlyMap<string, readonly Migration[]>): Server[] {
  const onHostIds = new Set(snapshot.onHost.map((server) => server.id));
  const left = [...byInstance.keys()].filter((id) => !onHostIds.has(id)).map((id) => snapshot.changed.get(id)).filter((server) => server !== undefined);
  return [...snapshot.onHost, ...left];
}

/** This failure's evacuation records, by instance, oldest first: both times are Nova's, compared in whole seconds. */
function evacuationsByInstance(snapshot: HostSnapshot): Map<string, Migration[]> {
  const byInstance = new Map<string, Migration[]>();
  for (const migration of snapshot.evacuations) {
    if (wholeSecond(novaTimeMs(migration.createdAt)) < wholeSecond(snapshot.since.getTime())) continue;
    byInstance.set(migration.instanceUuid, [...(byInstance.get(migration.instanceUuid) ?? []), migration]);
  }
  for (const list of byInstance.values()) list.sort((a, b) => novaTimeMs(a.createdAt) - novaTimeMs(b.createdAt) || Number(a.id) - Number(b.id));
  return byInstance;
}

/**
 * The selection this look would decide for the host: undefined when it is already decided, or cannot be yet (the
 * cloud's tags unread), or nothing is selected anyway (instance filtering off).
 */
export function undecidedSelection(snapshot: HostSnapshot, options: RecoveryOptions): SelectionMode | undefined {
  if (snapshot.selection || !snapshot.tags || !options.instanceFiltering) return undefined;
  return selectionMode(concernedServers(snapshot, evacuationsByInstance(snapshot)), snapshot.tags, options.evacuableTag);
}

/** Plans every instance the host is responsible for. */
export function planHost(
  snapshot: HostSnapshot,
  failures: ReadonlyMap<string, RequestFailures>,
  options: RecoveryOptions,
  now: number,
  originalVmStates: ReadonlyMap<string, string> = new Map(),
  accepted: AcceptedRequests = new Map(),
): InstancePlan[] {
  // An evacuation in the same second as the fence is this failure's.
  const byInstance = evacuationsByInstance(snapshot);
  const onHostIds = new Set(snapshot.onHost.map((server) => server.id));
  const selector = evacuableSelector(concernedServers(snapshot, byInstance), snapshot.tags, {
    instanceFiltering: options.instanceFiltering,
    tag: options.evacuableTag,
    decided: snapshot.selection,
  });

  // Like evacuations, failed requests from before this failure belong to an older one (the memory keeps them a day).
  const failureOf = (id: string): RequestFailures | undefined => {
    const failure = failures.get(id);
    if (!failure) return undefined;
    const ours = failure.failure === undefined ? failure.lastAt >= snapshot.since.getTime() : failure.failure === snapshot.since.toISOString();
    return ours ? failure : undefined;
  };
  const plans: InstancePlan[] = [];
  for (const server of snapshot.onHost) {
    const migrations = byInstance.get(server.id) ?? [];
    const failure = failureOf(server.id);
    const attempts = migrations.length + (failure?.count ?? 0);
    const last = migrations.at(-1);
    const extra = { priority: evacuationPriority(server), created: server.created };
    const base = { id: server.id, name: server.name, attempts, host: server.host, status: server.status, evacuationsSeen: migrations.length, ...extra };
    const selection = selector(server);
    // What was sent is followed whatever the selection says now. Accepted by Nova, its record not seen yet (a look
    // may miss it): in progress, never sent again.
    const request = accepted.get(server.id);
    if (request && migrations.length <= request.recordsKnown) {
      plans.push({ ...base, attempts: Math.max(attempts, request.recordsKnown + 1), outcome: "in-progress", reason: "evacuation accepted", ready: false, placing: true, awaitingRecord: true });
      continue;
    }
    // An evacuation's task state says one runs even before its record shows (Nova lists a record by changes-since
    // only once something updated it); any other task state on a dead host is left over from whatever the host was
    // doing when it died (a reboot, a stop), and Nova evacuates such an instance. Both a record and a task state are
    // followed whatever the selection says now: a pass that resumes before any destination claimed sees what an
    // earlier pass sent only by its task state, and the tags may have changed since. An instance the selection does
    // not take whose task made no progress (a user's rebuild the failure cut short) ends skipped, not failed.
    const evacuationTask = server.taskState !== null && EVACUATION_TASK_STATES.has(server.taskState ?? "");
    if ((last && MIGRATION_IN_FLIGHT.has(last.status)) || evacuationTask) {
      const startedAt = novaTimeMs(last?.createdAt ?? server.updated);
      const overdue = now - startedAt > options.instanceTimeoutMs;
      const stalled = `no progress for ${Math.round((now - startedAt) / 1000)} s (task ${server.taskState ?? last?.status})`;
      const ended = last || selection.selected ? { outcome: "failed" as const, reason: stalled } : { outcome: "skipped" as const, reason: `${selection.reason ?? "not selected"}; ${stalled}` };
      plans.push(
        overdue
          ? { ...base, ...ended, ready: false }
          : { ...base, outcome: "in-progress", reason: server.taskState ?? last?.status, ready: false, placing: stillPlacing(server, last) },
      );
      continue;
    }
    if (selection.undecided) {
      plans.push({ ...base, outcome: "pending", reason: selection.reason, ready: false });
      continue;
    }
    if (!selection.selected) {
      plans.push({ ...base, outcome: "skipped", reason: selection.reason, ready: false });
      continue;
    }
    if (!EVACUABLE_VM_STATES.has(server.vmState ?? "")) {
      plans.push({ ...base, outcome: "failed", reason: `Nova cannot evacuate an instance in state ${server.vmState ?? server.status}`, ready: false });
      continue;
    }
    const lastError = failure && (!last || failure.lastAt > novaTimeMs(last.updatedAt ?? last.createdAt))
      ? failure.lastError
      : last && MIGRATION_FAILED.has(last.status) ? `migration ${last.status}` : undefined;
    if (attempts >= options.retryLimit) {
      plans.push({ ...base, outcome: "failed", reason: `gave up after ${attempts} attempts${lastError ? ` (last: ${lastError})` : ""}`, ready: false });
      continue;
    }
    const lastFailureAt = Math.max(failure?.lastAt ?? 0, last ? novaTimeMs(last.updatedAt ?? last.createdAt) : 0);
    const retryAt = attempts === 0 ? snapshot.notBefore : lastFailureAt + options.retryBackoffMs * 2 ** (attempts - 1);
    plans.push({
      ...base,
      outcome: "pending",
      reason: attempts > 0 ? `retry ${attempts + 1} of ${options.retryLimit}${lastError ? ` after ${lastError}` : ""}` : undefined,
      ready: now >= Math.max(retryAt, snapshot.notBefore),
    });
  }

  // Accepted here, and in no record nor on the host in this look: in progress until its record shows (READ_ORDER in
  // snapshot.ts says why a look should not miss it; this keeps the instance even if one does).
  for (const [instanceId, request] of accepted) {
    if (request.host !== snapshot.host || onHostIds.has(instanceId) || byInstance.has(instanceId)) continue;
    const nowOn = snapshot.changed.get(instanceId);
    const base = {
      id: instanceId, name: nowOn?.name ?? request.name, attempts: request.recordsKnown + 1, host: nowOn?.host ?? null,
      status: nowOn?.status ?? "UNKNOWN", priority: 0, created: nowOn?.created ?? "", ready: false,
    };
    const waited = now - request.acceptedAt;
    // Every outcome here keeps awaitingRecord, so the run keeps the accepted request and later looks plan it the same:
    // a skipped or failed instance would otherwise vanish from the host's counts at the next look.
    if (nowOn?.status === "DELETED") plans.push({ ...base, outcome: "skipped", reason: "deleted while being recovered", awaitingRecord: true });
    else if (waited > options.instanceTimeoutMs) plans.push({ ...base, outcome: "failed", reason: `accepted ${Math.round(waited / 1000)} s ago, and Nova has shown no record of it since`, awaitingRecord: true });
    else plans.push({ ...base, outcome: "in-progress", reason: "evacuation accepted; its record has not shown yet", placing: true, awaitingRecord: true });
  }

  for (const [instanceId, migrations] of byInstance) {
    if (onHostIds.has(instanceId)) continue;
    const server = snapshot.changed.get(instanceId);
    const attempts = migrations.length + (failureOf(instanceId)?.count ?? 0);
    const extra = { priority: 0, created: "", ready: false };
    if (!server) {
      plans.push({ id: instanceId, name: instanceId, outcome: "skipped", reason: "Nova no longer knows this instance", attempts, host: null, status: "UNKNOWN", ...extra });
      continue;
    }
    // A rebuild stuck on the destination (its compute died mid-rebuild) times out too, or the host would never finish.
    const moved = planMoved(server, attempts, originalVmStates.get(instanceId), snapshot.failedHosts ?? new Set());
    const startedAt = novaTimeMs(migrations.at(-1)?.createdAt);
    const overdue = moved.outcome === "in-progress" && now - startedAt > options.instanceTimeoutMs;
    const stuck = overdue ? { outcome: "failed" as const, reason: `no progress for ${Math.round((now - startedAt) / 1000)} s (${moved.reason ?? "task"})` } : {};
    plans.push({ ...moved, ...stuck, ...extra, priority: evacuationPriority(server), created: server.created });
  }
  return plans;
}
