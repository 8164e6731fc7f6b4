// Nova states, as the engine reads them, declared once.

/** vm_states Nova accepts an evacuation for. */
export const EVACUABLE_VM_STATES: ReadonlySet<string> = new Set(["active", "stopped", "error"]);

/** Migration statuses that mean the evacuation is still running. */
export const MIGRATION_IN_FLIGHT: ReadonlySet<string> = new Set([
  "accepted", "pre-migrating", "migrating", "running", "queued", "preparing", "post-migrating",
]);

/**
 * Migration statuses of an evacuation Nova is still placing: accepted by the API, not yet claimed by a destination
 * compute (the claim sets pre-migrating). Until then it costs the control plane (conductor, scheduler, placement);
 * after it, the destination's own rebuild.
 */
export const MIGRATION_PLACING: ReadonlySet<string> = new Set(["accepted"]);

/**
 * Task states an evacuation sets: the API's `rebuilding`, then the destination's two. Any other task state on a dead
 * host (a reboot, a stop, a snapshot the host died in the middle of) is left over from before the failure: Nova
 * accepts the evacuation of such an instance, and it is evacuated like one with no task.
 */
export const EVACUATION_TASK_STATES: ReadonlySet<string> = new Set(["rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"]);

/** Task states of a rebuild already running on its destination compute. */
export const REBUILDING_ON_DESTINATION: ReadonlySet<string> = new Set(["rebuild_block_device_mapping", "rebuild_spawning"]);

/** Migration statuses that mean the attempt failed. */
export const MIGRATION_FAILED: ReadonlySet<string> = new Set(["failed", "error", "cancelled"]);

/** Server statuses that count as recovered once the server is on another host with no task running. */
export const RECOVERED_STATUSES: ReadonlySet<string> = new Set(["ACTIVE", "SHUTOFF"]);
