// The engine's shared shapes, in a leaf file: what it needs from outside and how long a run may go on.
import type { Logger } from "../../kit/logger.js";
import type { OpenStack } from "../../openstack/api.js";
import type { Migration } from "../../openstack/types.js";
import type { OriginalState } from "../memory/power-state-memory.js";
import type { SelectionMode } from "./evacuable.js";
import type { RequestFailures } from "./plan-host.js";
import type { HostReport } from "./recovery-report.js";
import type { RecoveryOptions } from "./recovery-options.js";
import type { RecoveryTarget } from "./snapshot.js";

/** What the engine works with. */
export interface EngineDeps {
  readonly openstack: OpenStack;
  readonly log: Logger;
  /** Evacuate requests that failed without a migration record, per instance; the caller may persist it. */
  readonly failures?: Map<string, RequestFailures>;
  /** vm_state of each instance before its host failed; the caller may persist it. */
  readonly originalStates?: Map<string, OriginalState>;
  /** Called when `failures` or `originalStates` changed, so the caller can save them at once (a kill loses nothing). */
  readonly onMemoryChanged?: () => void;
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
  /**
   * Called once per host when its selection is decided (the first look with the cloud's tags), to record it durably;
   * later runs get it back in the host's target. A rejection is logged, never thrown.
   */
  readonly onSelectionDecided?: (host: string, selection: SelectionMode) => Promise<void>;
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

/** What a probe read of one host. */
export interface ProbeResult {
  readonly host: string;
  readonly migrations: readonly Migration[];
}
