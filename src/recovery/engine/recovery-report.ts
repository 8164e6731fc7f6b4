// What the engine reports about each host and each instance it is responsible for.

/** Where one instance stands. */
export type InstanceOutcome =
  | "pending" // still on the failed host, to be evacuated (or waiting for a retry)
  | "in-progress" // Nova is rebuilding it elsewhere
  | "recovered" // verified: on another host, ACTIVE or back in its old power state
  | "failed" // gave up: retries exhausted, timed out, or a state Nova cannot evacuate
  | "skipped"; // deliberately left alone (not selected, deleted)

/** One instance's line in the report. */
export interface InstanceReport {
  readonly id: string;
  readonly name: string;
  readonly outcome: InstanceOutcome;
  readonly reason?: string;
  /** Evacuation attempts so far. */
  readonly attempts: number;
  /** The host it is on now (the destination once it moved). */
  readonly host: string | null;
  readonly status: string;
}

/** One failed host's line in the report. */
export interface HostReport {
  readonly host: string;
  /** Nothing left pending or in progress: the host's recovery is finished. */
  readonly done: boolean;
  readonly recovered: number;
  readonly failed: number;
  readonly skipped: number;
  readonly inProgress: number;
  readonly pending: number;
  /** Requests sent in this pass. */
  readonly submitted: number;
  readonly instances: readonly InstanceReport[];
}

/** Counts the outcomes of a host's instances. */
export function countOutcomes(instances: readonly InstanceReport[]): Record<InstanceOutcome, number> {
  const counts: Record<InstanceOutcome, number> = { pending: 0, "in-progress": 0, recovered: 0, failed: 0, skipped: 0 };
  for (const instance of instances) counts[instance.outcome] += 1;
  return counts;
}
