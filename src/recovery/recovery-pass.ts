// One NovaEvacuate pass: find failed hosts in attrd and Nova, check they are fenced, recover them, record the outcome in both.
import { oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import type { ComputeService } from "../openstack/types.js";
import type { AttrdClient } from "../pacemaker/attrd.js";
import { evacuateHosts, type EngineRun } from "./engine/evacuate-hosts.js";
import type { EngineDeps } from "./engine/engine-types.js";
import { failureTime } from "./host/failure-time.js";
import {
  attrdOwesRecovery, attrdReading, DONE_VALUE, evacuatedMarker, evacuatingMarker, inProgressValue, isFencedInNova,
  markerFields, markerOwesRecovery, mayRecord, pairHosts, pickUpStep,
} from "./host/host-recovery-state.js";
import type { HostReport } from "./engine/recovery-report.js";
import type { RecoveryTarget } from "./engine/snapshot.js";
import { SELECTION_MODES, type SelectionMode } from "./engine/evacuable.js";
import { DRIVER_FIELD, driverFields, driverOfHost, type DriverName } from "./drivers/driver-choice.js";
import { recoverByDriver, type DrivenTarget, type PassDrivers } from "./recover-by-driver.js";

/**
 * What a pass needs from the outside world: the engine's dependencies that come from outside (the pass supplies the
 * engine's callbacks itself), plus attrd, the node's name, the lock and the back-ends.
 */
export interface PassDeps extends Pick<EngineDeps, "openstack" | "log" | "failures" | "originalStates" | "onProgress" | "onMemoryChanged" | "now"> {
  readonly attrd: AttrdClient;
  /** This cluster node's name, written into the in-progress marker. */
  readonly node: string;
  /**
   * Takes the lock that lets one pass at a time recover hosts on this node; undefined when another pass holds it (that
   * pass does the work). Asked only once a failed host is found, so an idle monitor costs nothing more.
   */
  readonly exclusive?: () => Promise<(() => void) | undefined>;
  /** recovery_driver and the back-ends' drivers; undefined: our engine recovers every host. */
  readonly drivers?: PassDrivers;
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

/** Merges attrd flags and Nova markers into the set of hosts to recover (host-recovery-state.ts pairs and decides). */
function findFailedHosts(flags: ReadonlyMap<string, string>, services: readonly ComputeService[], skipped: { host: string; reason: string }[]): FailedHost[] {
  const { attrdNameOf, hostOf } = pairHosts(flags, services);
  const found = new Map<string, FailedHost>();
  for (const [name, value] of flags) {
    if (!attrdOwesRecovery(value)) continue;
    const service = services.find((candidate) => candidate.host === hostOf.get(name));
    if (!service) skipped.push({ host: name, reason: "attrd asks for evacuation but Nova has no nova-compute service of that name" });
    else if (!found.has(service.host)) found.set(service.host, { service, flag: attrdNameOf.get(service.host) });
  }
  for (const service of services) {
    if (!found.has(service.host) && markerOwesRecovery(service.disabledReason)) found.set(service.host, { service, flag: undefined });
  }
  return [...found.values()];
}

/**
 * Records "in progress" in Nova (durable, awaited) and attrd (for the peers, in the background: `attrd` settles when
 * done, never rejects), once per host.
 */
async function markInProgress(deps: PassDeps, host: FailedHost, flags: ReadonlyMap<string, string>, now: number): Promise<{ target: RecoveryTarget; attrd: Promise<void>; driven: Omit<DrivenTarget, "target"> }> {
  const { service } = host;
  const attrdHost = host.flag ?? service.host;
  const chosen = driverOfHost(service.disabledReason, deps.drivers?.configured ?? "nova", attrdReading(flags.get(attrdHost)) === "in-progress");
  const since = failureTime(service, now);
  let startedAt = now;
  let selection: SelectionMode | undefined;
  const step = pickUpStep(service);
  if (step === "resume") {
    const fields = markerFields(service.disabledReason);
    startedAt = Date.parse(fields.at ?? "") || now;
    selection = SELECTION_MODES.find((mode) => mode === fields.select);
  } else if (step === "write") {
    await deps.openstack.compute.disable(service, evacuatingMarker(new Date(now), since, deps.node, driverFields(chosen.driver)));
  }
  const attrd = attrdReading(flags.get(attrdHost)) === "in-progress"
    ? Promise.resolve()
    : deps.attrd.update(attrdHost, inProgressValue(deps.node, new Date(now))).catch((error: unknown) =>
      deps.log.warn({ host: attrdHost, err: oneLine(error) }, "could not record the in-progress marker in attrd; Nova's marker still holds the state"));
  return { target: { host: service.host, since, notBefore: startedAt, ...(selection ? { selection } : {}) }, attrd, driven: { ...chosen, startedAt } };
}

/**
 * Writes `reason` into the host's service as it is now, only while our pending marker is still there: a service that
 * an unfencing re-enabled meanwhile (a peer's fence_compute on) or that an operator disabled for a reason of their
 * own is left as it is. Returns whether it wrote.
 */
async function rewritePendingMarker(deps: PassDeps, host: FailedHost, reason: string, overBackend = false): Promise<boolean> {
  const [current] = await deps.openstack.compute.listServices({ host: host.service.host });
  // A host handed to a back-end: the back-end's own disable reason (Masakari writes one over ours) is taken back.
  if (!current || !mayRecord(current, overBackend)) return false;
  if (current.disabledReason === reason) return true;
  await deps.openstack.compute.disable(current, reason);
  return true;
}

/** Adds the selection decided for the host to its "evacuating" marker, so that every later pass keeps it. */
async function recordSelection(deps: PassDeps, host: FailedHost, selection: SelectionMode, since: Date, startedAt: number): Promise<void> {
  await rewritePendingMarker(deps, host, evacuatingMarker(new Date(startedAt), since, deps.node, { select: selection }));
}

/** Records "done" in Nova and attrd for a finished host. */
async function markDone(deps: PassDeps, host: FailedHost, report: HostReport, now: number, fields: Record<string, string> = {}): Promise<void> {
  const reason = evacuatedMarker(new Date(now), report, fields);
  if (!(await rewritePendingMarker(deps, host, reason, DRIVER_FIELD in fields))) deps.log.info({ host: host.service.host }, "the service no longer carries our marker (unfenced, or disabled by someone else): left as it is");
  const attrdHost = host.flag ?? host.service.host;
  await deps.attrd.update(attrdHost, DONE_VALUE).catch((error: unknown) =>
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
  const drivenBy = new Map<string, Omit<DrivenTarget, "target">>();
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
      const { target, attrd, driven } = await markInProgress(deps, host, flags, now);
      drivenBy.set(target.host, driven);
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
    const recordDone = (report: HostReport, fields?: Record<string, string>): Promise<void> => {
      const host = fenced.find((item) => item.service.host === report.host);
      if (!host) return Promise.resolve();
      const record = recorded.get(report.host) ?? (async () => {
        // The "in progress" marks land before "done" replaces them.
        await attrdMarks.get(report.host);
        await selections.get(report.host);
        await markDone(deps, host, report, clock(), fields);
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
    /** Records a back-end's ref and state in the host's evacuating marker. */
    const onHandOver = async (hostName: string, fields: Record<string, string>): Promise<void> => {
      const host = fenced.find((item) => item.service.host === hostName);
      const target = picked.get(hostName);
      const startedAt = drivenBy.get(hostName)?.startedAt;
      if (host && target && startedAt !== undefined) await rewritePendingMarker(deps, host, evacuatingMarker(new Date(startedAt), target.since, deps.node, fields), true);
    };
    /** Hands a host its back-end never started to the configured driver: a new `evacuating` marker (same failure time) naming it. */
    const onReleased = async (hostName: string, driver: DriverName): Promise<void> => {
      const host = fenced.find((item) => item.service.host === hostName);
      const target = picked.get(hostName);
      if (host && target) await rewritePendingMarker(deps, host, evacuatingMarker(new Date(clock()), target.since, deps.node, driverFields(driver)), true);
    };
    const driven = (list: readonly RecoveryTarget[]): DrivenTarget[] => list.map((target) => ({ target, ...(drivenBy.get(target.host) ?? { driver: "nova", startedAt: target.notBefore }) }));
    const reports = await recoverByDriver({
      drivers: deps.drivers, log: deps.log, now: deps.now, onHandOver, onHostDone: recordDone, onReleased,
      run: { deadline: run.deadline, signal: run.signal, pollIntervalMs: run.pollIntervalMs },
      engine: (hosts, discover) => evacuateHosts({ ...deps, onHostDone: recordDone, onSelectionDecided, discover }, hosts, run),
      discover: async (known) => driven(await pickUp(known, false)),
    }, driven(targets));
    await Promise.all(attrdMarks.values());
    for (const report of reports) {
      if (report.done) await recordDone(report);
      else logOutcome(deps.log, report);
    }
    return { reports, skipped, attrdUnavailable };
  }
}
