// Splits a pass's hosts between our engine and the recovery back-ends, by the driver each host's recovery goes through, and runs both side by side.
import type { Logger } from "../kit/logger.js";
import { followBackends, type BackendDeps, type BackendRun, type BackendTarget } from "./backend-recovery.js";
import { isBackend, type DriverName } from "./drivers/driver-choice.js";
import type { BackendDriverName } from "./drivers/recovery-driver.js";
import type { HostReport } from "./engine/recovery-report.js";
import type { RecoveryTarget } from "./engine/snapshot.js";

/** A picked-up host with the driver its recovery goes through. */
export interface DrivenTarget {
  readonly target: RecoveryTarget;
  readonly driver: DriverName;
  /** When the host was handed over (the `evacuating` marker's `at`). */
  readonly startedAt: number;
  readonly ref?: string;
}

/** NovaEvacuate's recovery_driver and what the back-ends need. */
export interface PassDrivers {
  /** recovery_driver: newly failed hosts go to it, and only its side looks for them while the pass runs. */
  readonly configured: DriverName;
  readonly driverFor: BackendDeps["driverFor"];
  readonly stallAfterMs: number;
  readonly onSharedStorage: boolean;
}

/** How to run each side, and where newly failed hosts come from. */
export interface ByDriverDeps extends Pick<BackendDeps, "onHandOver" | "onHostDone" | "onReleased" | "now"> {
  /** Undefined: every host goes to our engine (recovery_driver=nova). */
  readonly drivers: PassDrivers | undefined;
  readonly engine: (targets: RecoveryTarget[], discover?: (known: ReadonlySet<string>) => Promise<RecoveryTarget[]>) => Promise<HostReport[]>;
  /** Picks up hosts fenced since (not among `known`), marked in progress with their driver. */
  readonly discover: (known: ReadonlySet<string>) => Promise<DrivenTarget[]>;
  readonly log: Logger;
  readonly run: BackendRun;
}

/** Follows the back-end side of a pass; without drivers configured a back-end host is an error in the caller. */
function backendSide(deps: ByDriverDeps): (targets: BackendTarget[], discover?: BackendDeps["discover"]) => Promise<HostReport[]> {
  return (targets, discover) => {
    const drivers = deps.drivers;
    if (!drivers) throw new Error("a host's recovery went to a back-end, but this pass has no recovery drivers");
    const { onHandOver, onHostDone, onReleased, now } = deps;
    return followBackends({ ...drivers, log: deps.log, onHandOver, onHostDone, discover, ...(onReleased ? { onReleased } : {}), ...(now ? { now } : {}) }, targets, deps.run);
  };
}

/** The back-end's view of a driven target. */
function backendTarget(item: DrivenTarget & { driver: BackendDriverName }): BackendTarget {
  const { target, driver, startedAt, ref } = item;
  return { host: target.host, driver, since: target.since, startedAt, ...(ref ? { ref } : {}) };
}

const onBackend = (item: DrivenTarget): item is DrivenTarget & { driver: BackendDriverName } => isBackend(item.driver);

/** Says, once a pass, that a host's recovery goes on through the driver it started with, not recovery_driver's. */
function warnSwitched(log: Logger, configured: DriverName, picked: readonly DrivenTarget[]): void {
  for (const { target, driver, ref } of picked.filter((item) => item.driver !== configured)) {
    log.warn({ host: target.host, driver, ref, recovery_driver: configured },
      `recovery_driver changed while the host's recovery was under way: it is followed to its end through ${driver}, never started again through ${configured}; ` +
      `${configured} recovers the host's next failure (docs/backends.md)`);
  }
}

/**
 * Runs the engine on the hosts of our own driver and follows the others on their back-ends, at the same time. Only the
 * configured side looks for newly failed hosts (they go to the configured driver); a host found then whose recovery
 * started under another driver is left to the next monitor. A side with no host at pick-up does not run.
 */
export async function recoverByDriver(deps: ByDriverDeps, picked: readonly DrivenTarget[]): Promise<HostReport[]> {
  const everyHost = new Set(picked.map((item) => item.target.host));
  const discoverFor = <T>(wanted: (item: DrivenTarget) => boolean, shape: (item: DrivenTarget) => T) => async (known: ReadonlySet<string>): Promise<T[]> => {
    const found = await deps.discover(new Set([...known, ...everyHost]));
    for (const item of found) everyHost.add(item.target.host);
    for (const item of found.filter((candidate) => !wanted(candidate))) {
      deps.log.info({ host: item.target.host, driver: item.driver }, "host's recovery started under another driver; left to the next monitor");
    }
    return found.filter(wanted).map(shape);
  };
  warnSwitched(deps.log, deps.drivers?.configured ?? "nova", picked);
  const engineHosts = picked.filter((item) => !onBackend(item)).map((item) => item.target);
  const backendHosts = picked.filter(onBackend).map(backendTarget);
  const configuredIsBackend = isBackend(deps.drivers?.configured ?? "nova");
  const followOnBackends = backendSide(deps);
  const [engine, backends] = await Promise.all([
    engineHosts.length === 0 ? [] : deps.engine(engineHosts, configuredIsBackend ? undefined : discoverFor((item) => !onBackend(item), (item) => item.target)),
    backendHosts.length === 0 ? [] : followOnBackends(backendHosts, configuredIsBackend
      ? discoverFor(onBackend, (item) => backendTarget(item as DrivenTarget & { driver: BackendDriverName }))
      : undefined),
  ]);
  return [...engine, ...backends];
}
