// Follows the hosts a pass handed to a recovery back-end (Masakari, Mistral): asks each driver at every poll until the back-end reports an end, or the pass's time is up.
import { setTimeout as sleep } from "node:timers/promises";
import { oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import { driverFields, switchFields, type DriverName } from "./drivers/driver-choice.js";
import type { BackendDriverName, DriverHost, DriverProgress, RecoveryDriver } from "./drivers/recovery-driver.js";
import type { HostReport } from "./engine/recovery-report.js";

/** A host handed to a back-end. */
export interface BackendTarget {
  readonly host: string;
  readonly driver: BackendDriverName;
  /** The failure time in Nova's clock (the marker's `since`): the failure's id, the same on every controller. */
  readonly since: Date;
  /** When the host was handed over (the `evacuating` marker's `at`): the stall clock runs from it. */
  readonly startedAt: number;
  /** The notification or execution id a marker recorded. */
  readonly ref?: string;
}

/** Where a host's hand-over stands, as the `evacuating` marker records it besides driver and ref. */
export type HandOverState = "pending" | "running" | "stalled";

/** What following needs. */
export interface BackendDeps {
  readonly log: Logger;
  /** The driver of a back-end, opened on first use. */
  readonly driverFor: (name: BackendDriverName) => RecoveryDriver;
  readonly onSharedStorage: boolean;
  /** A recovery running longer than this is reported stalled (logs and marker); it is followed on, never started again. */
  readonly stallAfterMs: number;
  /** Records ref and state in the host's `evacuating` marker (fields: driver, ref, state), at every poll; writes only what changed. */
  readonly onHandOver: (host: string, fields: Record<string, string>) => Promise<void>;
  /** Records a host whose back-end reported an end (fields: driver, ref, outcome); awaited before the host counts as done. */
  readonly onHostDone: (report: HostReport, fields: Record<string, string>) => Promise<void>;
  /**
   * recovery_driver now. A host on another driver was handed over before it changed: its back-end is only followed
   * (`follow`), never asked to start; if it answers that it holds nothing, the host is released to this driver.
   * Undefined: every host's driver is the configured one.
   */
  readonly configured?: DriverName;
  /** Records a released host's hand-over to `driver` (a new `evacuating` marker); the next monitor picks it up there. */
  readonly onReleased?: (host: string, driver: DriverName) => Promise<void>;
  /** Hosts fenced while following (not among `known`); they join at once. */
  readonly discover?: (known: ReadonlySet<string>) => Promise<BackendTarget[]>;
  readonly now?: () => number;
}

/** How long following may go on. */
export interface BackendRun {
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly pollIntervalMs: number;
}

/** The driver's view of a target: the failure's id and time come from the marker's `since`. */
export function driverHost(target: BackendTarget, onSharedStorage: boolean): DriverHost {
  const fencedAt = target.since.toISOString();
  return { host: target.host, failureId: `${target.host}@${fencedAt}`, fencedAt, onSharedStorage, ...(target.ref ? { ref: target.ref } : {}) };
}

/** A back-end's progress as a host report: instance lines are the back-end's, only the counts come back. */
function reportOf(host: string, progress: DriverProgress): HostReport {
  const ended = progress.state === "done" || progress.state === "failed";
  return {
    host, done: ended, recovered: progress.recovered, failed: progress.failed, skipped: 0,
    inProgress: progress.state === "running" ? 1 : 0, pending: progress.state === "pending" ? 1 : 0, submitted: 0, instances: [],
  };
}

/** One followed host: its target, what was last recorded, what the driver said last, and whether it went to another driver. */
interface Followed {
  target: BackendTarget;
  recorded: { ref?: string; state?: HandOverState };
  progress: DriverProgress;
  released?: boolean;
}

/** Follows `targets` until each back-end reported an end or the run's time is up; returns one report per host. */
export async function followBackends(deps: BackendDeps, targets: readonly BackendTarget[], run: BackendRun): Promise<HostReport[]> {
  const clock = deps.now ?? Date.now;
  const hosts = new Map<string, Followed>();
  const join = (target: BackendTarget): void => {
    hosts.set(target.host, { target, recorded: { ref: target.ref }, progress: { state: "pending", recovered: 0, failed: 0, ...(target.ref ? { ref: target.ref } : {}) } });
  };
  targets.forEach(join);
  const open = (): Followed[] => [...hosts.values()].filter((item) => !item.released && !reportOf(item.target.host, item.progress).done);

  for (;;) {
    if (deps.discover) {
      const joined = await deps.discover(new Set(hosts.keys())).catch((error: unknown) => {
        deps.log.warn({ err: oneLine(error) }, "could not look for newly failed hosts; trying at the next poll");
        return [];
      });
      joined.forEach(join);
    }
    await Promise.all(open().map((item) => advance(deps, item, run.signal, clock())));
    if (open().length === 0 || run.signal.aborted || clock() + run.pollIntervalMs >= run.deadline) break;
    try {
      await sleep(run.pollIntervalMs, undefined, { signal: run.signal });
    } catch {
      break;
    }
  }
  return [...hosts.values()].map((item) => reportOf(item.target.host, item.progress));
}

/** Asks the driver once, records what changed, and records the host done when its back-end ended. */
async function advance(deps: BackendDeps, item: Followed, signal: AbortSignal, now: number): Promise<void> {
  const { target } = item;
  // Once the back-end's id is known, the driver follows it directly.
  const known = item.progress.ref ?? target.ref;
  const asked = driverHost({ ...target, ...(known ? { ref: known } : {}) }, deps.onSharedStorage);
  const switched = switchFields(target.driver, deps.configured);
  const driver = deps.driverFor(target.driver);
  const progress = Object.keys(switched).length > 0 ? await driver.follow(asked, signal) : await driver.advance(asked, signal);
  if (!progress) return release(deps, item);
  const ref = progress.ref ?? known;
  const previous = item.progress;
  item.progress = { ...progress, ...(ref ? { ref } : {}) };
  const fields = { ...driverFields(target.driver, ref), ...switched };
  const where = { host: target.host, driver: target.driver, ref, detail: progress.detail };
  if (progress.state === "done" || progress.state === "failed") {
    const report = reportOf(target.host, item.progress);
    await deps.onHostDone(report, { ...driverFields(target.driver, ref), outcome: progress.state });
    const text = progress.state === "done" ? (progress.failed > 0 ? "back-end finished the host's recovery with failures" : "back-end recovered the host") : "back-end's recovery of the host failed";
    (progress.state === "done" && progress.failed === 0 ? deps.log.info : deps.log.warn).call(deps.log, { ...where, recovered: progress.recovered, failed: progress.failed }, text);
    return;
  }
  const runningFor = now - target.startedAt;
  const state: HandOverState = progress.state === "running" && runningFor > deps.stallAfterMs ? "stalled" : progress.state;
  const changed = state !== item.recorded.state || ref !== item.recorded.ref;
  // Asked at every poll: the pass writes only what differs (a back-end may have written its own reason over ours).
  try {
    await deps.onHandOver(target.host, { ...fields, state });
    item.recorded = { ref, state };
  } catch (error) {
    deps.log.warn({ host: target.host, err: oneLine(error) }, "could not record the back-end's progress in Nova's marker; trying at the next poll");
  }
  if (changed) {
    if (state === "stalled") {
      deps.log.warn({ ...where, running_s: Math.round(runningFor / 1000) },
        "the back-end's recovery of the host is stalled (running past backend_stall_timeout): followed on, never started again; see docs/backends.md");
    } else if (state !== previous.state || previous.detail !== progress.detail) {
      (state === "pending" ? deps.log.warn : deps.log.info).call(deps.log, where, state === "pending" ? "back-end not reachable or refusing; the host stays pending" : "host handed to the back-end");
    }
  }
}

/**
 * A host whose back-end, asked after recovery_driver changed, holds no recovery of this failure: nothing was ever
 * started there, so the failure goes to the configured driver, once its new marker is written (next monitor).
 */
async function release(deps: BackendDeps, item: Followed): Promise<void> {
  const { target } = item;
  const configured = deps.configured;
  if (!configured || !deps.onReleased) return;
  try {
    await deps.onReleased(target.host, configured);
    item.released = true;
    deps.log.warn({ host: target.host, driver: target.driver, recovery_driver: configured },
      "the back-end holds no recovery of this failure (nothing was ever started there): the host goes to recovery_driver at the next monitor");
  } catch (error) {
    deps.log.warn({ host: target.host, err: oneLine(error) }, "could not hand the host to recovery_driver in Nova's marker; trying at the next poll");
  }
}
