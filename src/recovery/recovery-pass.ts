// One NovaEvacuate pass: find failed hosts in attrd and Nova, check they are fenced, recover them, record the outcome in both.
import { oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import type { OpenStack } from "../openstack/api.js";
import type { ComputeService } from "../openstack/types.js";
import type { AttrdClient } from "../pacemaker/attrd.js";
import { inProgressValue, parseEvacuateFlag } from "../pacemaker/evacuate-attribute.js";
import { evacuateHosts, type EngineRun } from "./engine/evacuate-hosts.js";
import { failureTime } from "./host/failure-time.js";
import { isFencedInNova } from "./host/fenced.js";
import { matchNovaHost } from "./host/host-name.js";
import { formatNovaMarker, markerPending, parseNovaMarker } from "./host/nova-marker.js";
import type { RequestFailures } from "./engine/plan-host.js";
import type { OriginalState } from "./memory/power-state-memory.js";
import type { HostReport } from "./engine/recovery-report.js";
import type { RecoveryTarget } from "./engine/snapshot.js";
import { SELECTION_MODES, type SelectionMode } from "./engine/evacuable.js";

/** What a pass needs from the outside world. */
export interface PassDeps {
  readonly openstack: OpenStack;
  readonly attrd: AttrdClient;
  readonly log: Logger;
  /** This cluster node's name, written into the in-progress marker. */
  readonly node: string;
  readonly failures?: Map<string, RequestFailures>;
  readonly originalStates?: Map<string, OriginalState>;
  readonly onProgress?: (reports: readonly HostReport[]) => void;
  /** Called when the failure and power-state caches changed, to save them at once. */
  readonly onMemoryChanged?: () => void;
  /**
   * Takes the lock that lets one pass at a time recover hosts on this node; undefined when another pass holds it (that
   * pass does the work). Asked only once a failed host is found, so an idle monitor costs nothing more.
   */
  readonly exclusive?: () => Promise<(() => void) | undefined>;
  readonly now?: () => number;
}

/** A failed host, as found in attrd, Nova or both. */
interface FailedHost {
  readonly service: ComputeService;
  readonly flag: string | undefined;
}

/** What one pass did. */
export interface PassResult {
  readonly reports: readonly HostReport[];
  /** Hosts flagged but left alone, with why. */
  readonly skipped: readonly { host: string; reason: string }[];
  /** attrd could not be read: only Nova's markers were used. */
  readonly attrdUnavailable: boolean;
  /** Another pass held the lock: this one left the hosts to it. */
  readonly busy?: boolean;
}

/** Finds the service of an attrd host name with the same rules fence_compute used to write it (host-name.ts). */
function serviceFor(host: string, services: readonly ComputeService[]): ComputeService | undefined {
  const match = matchNovaHost(host, services.map((service) => service.host));
  return match.kind === "found" ? services.find((service) => service.host === match.host) : undefined;
}

/** Merges attrd flags and Nova markers into the set of hosts to recover. */
function findFailedHosts(flags: ReadonlyMap<string, string>, services: readonly ComputeService[], skipped: { host: string; reason: string }[]): FailedHost[] {
  const found = new Map<string, FailedHost>();
  for (const [host, value] of flags) {
    const flag = parseEvacuateFlag(value);
    if (flag.kind !== "requested" && flag.kind !== "in-progress") continue;
    const service = serviceFor(host, services);
    if (!service) skipped.push({ host, reason: "attrd asks for evacuation but Nova has no nova-compute service of that name" });
    else found.set(service.host, { service, flag: host });
  }
  for (const service of services) {
    if (!found.has(service.host) && markerPending(parseNovaMarker(service.disabledReason))) {
      found.set(service.host, { service, flag: undefined });
    }
  }
  return [...found.values()];
}

/**
 * Records "in progress" in Nova (durable, awaited) and attrd (for the peers, in the background: `attrd` settles when
 * done, never rejects), once per host.
 */
async function markInProgress(deps: PassDeps, host: FailedHost, flags: ReadonlyMap<string, string>, now: number): Promise<{ target: RecoveryTarget; attrd: Promise<void> }> {
  const { service } = host;
  const marker = parseNovaMarker(service.disabledReason);
  const since = failureTime(service, now);
  let startedAt = now;
  let selection: SelectionMode | undefined;
  if (marker.kind === "ours" && marker.phase === "evacuating") {
    startedAt = Date.parse(marker.fields.at ?? "") || now;
    selection = SELECTION_MODES.find((mode) => mode === marker.fields.select);
  } else if (marker.kind !== "foreign") {
    const reason = formatNovaMarker("evacuating", new Date(now), { since: since.toISOString(), by: deps.node });
    await deps.openstack.compute.disable(service, reason);
  }
  const attrdHost = host.flag ?? service.host;
  const attrd = parseEvacuateFlag(flags.get(attrdHost)).kind === "in-progress"
    ? Promise.resolve()
    : deps.attrd.update(attrdHost, inProgressValue(deps.node, new Date(now))).catch((error: unknown) =>
      deps.log.warn({ host: attrdHost, err: oneLine(error) }, "could not record the in-progress marker in attrd; Nova's marker still holds the state"));
  return { target: { host: service.host, since, notBefore: startedAt, ...(selection ? { selection } : {}) }, attrd };
}

/**
 * Writes `reason` into the host's service as it is now, only while our pending marker is still there: a service that
 * an unfencing re-enabled meanwhile (a peer's fence_compute on) or that an operator disabled for a reason of their
 * own is left as it is. Returns whether it wrote.
 */
async function rewritePendingMarker(deps: PassDeps, host: FailedHost, reason: string): Promise<boolean> {
  const [current] = await deps.openstack.compute.listServices({ host: host.service.host });
  if (!current || current.status !== "disabled" || !markerPending(parseNovaMarker(current.disabledReason))) return false;
  await deps.openstack.compute.disable(current, reason);
  return true;
}

/** Adds the selection decided for the host to its "evacuating" marker, so that every later pass keeps it. */
async function recordSelection(deps: PassDeps, host: FailedHost, selection: SelectionMode, since: Date, startedAt: number): Promise<void> {
  await rewritePendingMarker(deps, host, formatNovaMarker("evacuating", new Date(startedAt), { since: since.toISOString(), by: deps.node, select: selection }));
}

/** Records "done" in Nova and attrd for a finished host. */
async function markDone(deps: PassDeps, host: FailedHost, report: HostReport, now: number): Promise<void> {
  const reason = formatNovaMarker("evacuated", new Date(now), { recovered: report.recovered, failed: report.failed, skipped: report.skipped });
  if (!(await rewritePendingMarker(deps, host, reason))) deps.log.info({ host: host.service.host }, "the service no longer carries our marker (unfenced, or disabled by someone else): left as it is");
  const attrdHost = host.flag ?? host.service.host;
  await deps.attrd.update(attrdHost, "no").catch((error: unknown) =>
    deps.log.warn({ host: attrdHost, err: oneLine(error) }, "could not clear the attrd flag; Nova's marker says done"));
}

/** Logs where a host's recovery stands at the end of its part of a pass. */
function logOutcome(log: Logger, report: HostReport): void {
  log.info(
    { host: report.host, found: report.instances.length, submitted: report.submitted, in_progress: report.inProgress, pending: report.pending, recovered: report.recovered, failed: report.failed, skipped: report.skipped },
    report.done ? (report.failed > 0 ? "host recovery finished with failures" : "host recovered") : "host recovery continues",
  );
}

/** Runs one pass within `run.deadline`; hosts fenced while it runs join it. */
export async function recoveryPass(deps: PassDeps, run: EngineRun): Promise<PassResult> {
  const clock = deps.now ?? Date.now;
  const skipped: { host: string; reason: string }[] = [];
  let attrdUnavailable = false;
  const fenced: FailedHost[] = [];
  const attrdMarks = new Map<string, Promise<void>>();
  const picked = new Map<string, RecoveryTarget>();
  let release: (() => void) | undefined;
  let busy = false;

  /** Reads attrd and Nova, and marks in progress every fenced host not among `known`; returns their targets. */
  const pickUp = async (known: ReadonlySet<string>, firstLook: boolean): Promise<RecoveryTarget[]> => {
    // attrd_updater is a process to start: it runs alongside the services listing.
    const [flags, services] = await Promise.all([
      deps.attrd.queryAll().catch((error: unknown) => {
        const message = oneLine(error);
        if (firstLook) {
          attrdUnavailable = true;
          deps.log.warn({ err: message }, "attrd unreadable; using Nova's markers only");
        } else {
          deps.log.debug({ err: message }, "attrd unreadable while looking for newly failed hosts; using Nova's markers only");
        }
        return new Map<string, string>();
      }),
      deps.openstack.compute.listServices(),
    ]);
    const newlySkipped: { host: string; reason: string }[] = [];
    const found = findFailedHosts(flags, services, newlySkipped).filter((host) => !known.has(host.service.host));
    const ready = found.filter((host) => {
      if (isFencedInNova(host.service)) return true;
      newlySkipped.push({ host: host.service.host, reason: "flagged, but its nova-compute is up and not forced down: not touching a host that is not fenced" });
      return false;
    });
    for (const item of newlySkipped) {
      if (skipped.some((seen) => seen.host === item.host && seen.reason === item.reason)) continue;
      skipped.push(item);
      deps.log.warn({ host: item.host }, item.reason);
    }
    if (firstLook && ready.length === 0) deps.log.debug({ services: services.length }, "no failed host");
    if (firstLook && ready.length > 0 && deps.exclusive) {
      release = await deps.exclusive();
      if (!release) {
        busy = true;
        deps.log.info({ hosts: ready.map((host) => host.service.host) }, "another pass is recovering on this node; leaving the hosts to it");
        return [];
      }
    }
    const now = clock();
    const targets: RecoveryTarget[] = [];
    for (const host of ready) {
      const { target, attrd } = await markInProgress(deps, host, flags, now);
      targets.push({ ...target, notBefore: target.notBefore + run.evacuateDelayMs });
      picked.set(target.host, { ...target, notBefore: target.notBefore + run.evacuateDelayMs });
      fenced.push(host);
      attrdMarks.set(host.service.host, attrd);
      deps.log.info({ host: host.service.host, since: target.since.toISOString() }, "recovering host");
    }
    return targets;
  };

  const targets = await pickUp(new Set(), true);
  if (targets.length === 0) return busy ? { reports: [], skipped, attrdUnavailable, busy } : { reports: [], skipped, attrdUnavailable };
  try {
    return await recover(targets);
  } finally {
    release?.();
  }

  /** Recovers the picked-up hosts (and those that join), recording each one done as soon as it is. */
  async function recover(targets: RecoveryTarget[]): Promise<PassResult> {
    // A host is recorded done as soon as it is, while the others go on: its unfencing need not wait for them.
    const recorded = new Map<string, Promise<void>>();
    const recordDone = (report: HostReport): Promise<void> => {
      const host = fenced.find((item) => item.service.host === report.host);
      if (!host) return Promise.resolve();
      const record = recorded.get(report.host) ?? (async () => {
        // The "in progress" marks land before "done" replaces them.
        await attrdMarks.get(report.host);
        await selections.get(report.host);
        await markDone(deps, host, report, clock());
        logOutcome(deps.log, report);
      })();
      recorded.set(report.host, record);
      return record;
    };
    const selections = new Map<string, Promise<void>>();
    const onSelectionDecided = (hostName: string, selection: SelectionMode): Promise<void> => {
      const host = fenced.find((item) => item.service.host === hostName);
      const target = picked.get(hostName);
      if (!host || !target) return Promise.resolve();
      const write = recordSelection(deps, host, selection, target.since, target.notBefore - run.evacuateDelayMs);
      selections.set(hostName, write.catch(() => undefined));
      return write;
    };
    const reports = await evacuateHosts({ ...deps, onHostDone: recordDone, onSelectionDecided, discover: (known) => pickUp(known, false) }, targets, run);
    await Promise.all(attrdMarks.values());
    for (const report of reports) {
      if (report.done) await recordDone(report);
      else logOutcome(deps.log, report);
    }
    return { reports, skipped, attrdUnavailable };
  }
}
