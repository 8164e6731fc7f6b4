// Nova's (vm_state, task_state) → server status table, as nova/api/openstack/common.py declares it.

const REBUILD_TASKS = { rebuilding: "REBUILD", rebuild_block_device_mapping: "REBUILD", rebuild_spawning: "REBUILD" };
const RESIZE_TASKS = { resize_prep: "RESIZE", resize_migrating: "RESIZE", resize_migrated: "RESIZE", resize_finish: "RESIZE" };

/** vm_state → { task_state or "default" → status }. */
export const STATUS_MAP: Record<string, Record<string, string>> = {
  active: {
    default: "ACTIVE",
    rebooting: "REBOOT",
    reboot_pending: "REBOOT",
    reboot_started: "REBOOT",
    rebooting_hard: "HARD_REBOOT",
    reboot_pending_hard: "HARD_REBOOT",
    reboot_started_hard: "HARD_REBOOT",
    updating_password: "PASSWORD",
    ...REBUILD_TASKS,
    migrating: "MIGRATING",
    ...RESIZE_TASKS,
  },
  building: { default: "BUILD" },
  stopped: { default: "SHUTOFF", ...RESIZE_TASKS, ...REBUILD_TASKS },
  resized: { default: "VERIFY_RESIZE", resize_reverting: "REVERT_RESIZE" },
  paused: { default: "PAUSED", migrating: "MIGRATING" },
  suspended: { default: "SUSPENDED" },
  rescued: { default: "RESCUE" },
  error: { default: "ERROR", ...REBUILD_TASKS },
  deleted: { default: "DELETED" },
  soft_deleted: { default: "SOFT_DELETED" },
  shelved: { default: "SHELVED" },
  shelved_offloaded: { default: "SHELVED_OFFLOADED" },
};

/** Statuses that carry a "progress" field. */
export const PROGRESS_STATUSES = new Set(["ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"]);

/** Statuses that carry the instance fault. */
export const FAULT_STATUSES = new Set(["ERROR", "DELETED"]);

/** vm_states from which Nova accepts an evacuation. */
export const EVACUABLE_VM_STATES = new Set(["active", "stopped", "error"]);

/** The API status of a server. */
export function serverStatus(vmState: string, taskState: string | null): string {
  const map = STATUS_MAP[vmState];
  if (!map) return "UNKNOWN";
  return (taskState !== null ? map[taskState] : undefined) ?? map.default ?? "UNKNOWN";
}

/** vm_states whose servers show a given status (for the ?status= filter). */
export function vmStatesForStatus(status: string): Set<string> {
  const wanted = status.toUpperCase();
  const states = new Set<string>();
  for (const [vmState, map] of Object.entries(STATUS_MAP)) {
    if (Object.values(map).includes(wanted)) states.add(vmState);
  }
  return states;
}
