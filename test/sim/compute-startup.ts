// What a restarting nova-compute does to the database before serving: settle evacuations away from it, error out stuck rebuilds.
import type { MigrationStore } from "./migration-store.js";
import type { ServerStore } from "./server-store.js";

/** Evacuation statuses the source compute marks "completed" at start-up (_destroy_evacuated_instances). */
const SETTLED_AT_STARTUP = new Set(["accepted", "pre-migrating", "done"]);

/** Task states that put an instance of this host in ERROR at start-up (_init_instance). */
const REBUILD_TASK_STATES = new Set(["rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"]);

/** Applies nova-compute's start-up clean-up for `host`. */
export function computeStartup(host: string, migrations: MigrationStore, servers: ServerStore): void {
  for (const m of migrations.bySource(host)) {
    if (m.migrationType === "evacuation" && SETTLED_AT_STARTUP.has(m.status)) migrations.save(m, { status: "completed" });
  }
  for (const s of servers.onHost(host)) {
    if ((s.vmState === "active" || s.vmState === "stopped") && s.taskState !== null && REBUILD_TASK_STATES.has(s.taskState)) {
      servers.update(s, { vmState: "error", taskState: null });
    }
  }
}
