// The engine loop: look at Nova, decide, submit within limits, and repeat until done or out of time.
import type { EngineDeps, EngineRun } from "./engine-types.js";
import type { HostReport } from "./recovery-report.js";
import { RecoveryRun } from "./recovery-run.js";
import type { RecoveryTarget } from "./snapshot.js";

export type { EngineDeps, EngineRun } from "./engine-types.js";

/** Recovers the instances of `hosts` until every host is done, the deadline nears or the signal aborts. */
export async function evacuateHosts(deps: EngineDeps, hosts: readonly (string | RecoveryTarget)[], run: EngineRun): Promise<HostReport[]> {
  const recovery = await RecoveryRun.begin(deps, hosts, run);
  while (recovery.hasHostsLeft()) {
    const snapshots = await recovery.look();
    if (await recovery.joinNewHosts()) continue; // a host failed meanwhile: look again at once, with it
    recovery.plan(snapshots);
    await recovery.restorePowerStates();
    await recovery.submit();
    recovery.report();
    if (!recovery.hasHostsLeft() || !(await recovery.waitForNextCheck())) break;
  }
  return recovery.finish();
}
