// The knobs of the recovery engine, with the defaults the agents advertise.

/** How the engine evacuates and how long it keeps trying. */
export interface RecoveryOptions {
  /** Evacuations Nova is still placing at once (requested, no destination claimed yet), across all hosts. */
  readonly concurrency: number;
  /** Evacuations Nova is still placing at once, from one failed host. */
  readonly perHostConcurrency: number;
  /** Evacuations running at once, placing or rebuilding on their destination, across all hosts; 0: no limit of ours. */
  readonly maxInFlight: number;
  /** How long one instance may take from request to verified recovery before it counts as failed. */
  readonly instanceTimeoutMs: number;
  /** Evacuation attempts per instance before it is marked failed. */
  readonly retryLimit: number;
  /** First retry delay; doubles with each failed attempt. */
  readonly retryBackoffMs: number;
  /** Pause between two looks at Nova while evacuations are in flight. */
  readonly pollIntervalMs: number;
  /** Sent as onSharedStorage below microversion 2.14 only; undefined lets Nova decide. */
  readonly onSharedStorage: boolean | undefined;
  /** false evacuates nothing (the peers' instance_filtering=false). */
  readonly instanceFiltering: boolean;
  /** Tag, extra spec and metadata key that select instances. */
  readonly evacuableTag: string;
  /** Wait this long after picking up a host before its first evacuation (storage lock expiry). */
  readonly evacuateDelayMs: number;
}

/** Defaults shared by NovaEvacuate and fence_evacuate. */
export const DEFAULT_RECOVERY_OPTIONS: RecoveryOptions = {
  concurrency: 64,
  perHostConcurrency: 32,
  maxInFlight: 0,
  instanceTimeoutMs: 600_000,
  retryLimit: 3,
  retryBackoffMs: 10_000,
  pollIntervalMs: 2_000,
  onSharedStorage: undefined,
  instanceFiltering: true,
  evacuableTag: "evacuable",
  evacuateDelayMs: 0,
};
