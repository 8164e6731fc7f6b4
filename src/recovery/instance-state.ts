// Nova states, as the engine reads them, declared once.

/** vm_states Nova accepts an evacuation for. */
export const EVACUABLE_VM_STATES: ReadonlySet<string> = new Set(["active", "stopped", "error"]);

/** Migration statuses that mean the evacuation is still running. */
export const MIGRATION_IN_FLIGHT: ReadonlySet<string> = new Set([
  "accepted", "pre-migrating", "migrating", "running", "queued", "preparing", "post-migrating",
]);

/** Migration statuses that mean the attempt failed. */
export const MIGRATION_FAILED: ReadonlySet<string> = new Set(["failed", "error", "cancelled"]);

/** Server statuses that count as recovered once the server is on another host with no task running. */
export const RECOVERED_STATUSES: ReadonlySet<string> = new Set(["ACTIVE", "SHUTOFF"]);
