// What the evacuation engine reads and changes of the cloud: a leaf interface, so the engine does not import cloud-state.
import type { SimClock } from "./clock.js";
import type { SimConfig, SimHost, SimService } from "./cloud-model.js";
import type { FailureBook } from "./failures.js";
import type { MigrationStore } from "./migration-store.js";
import type { Prng } from "./prng.js";
import type { ServerStore } from "./server-store.js";
import type { TimerSet } from "./timers.js";

/** The parts of SimCloud an evacuation touches. */
export interface EvacuationCloud {
  readonly clock: SimClock;
  readonly config: SimConfig;
  readonly timers: TimerSet;
  readonly failures: FailureBook;
  readonly migrationStore: MigrationStore;
  readonly serverStore: ServerStore;
  readonly behaviour: Prng;
  readonly sharedStorage: boolean;
  stamp(ms: number): number;
  host(name: string): SimHost | undefined;
  serviceRecords(): SimService[];
  serviceIsUp(service: SimService): boolean;
  processAlive(hostName: string): boolean;
}
