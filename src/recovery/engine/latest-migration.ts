// Which of an instance's migration records counts: the newest, by Nova's creation time.
import type { Migration } from "../../openstack/types.js";
import { novaTimeMs } from "../../openstack/nova-time.js";

/** The newest migration record of each instance among `migrations` (a retry's record, not the failed attempt's). */
export function latestByInstance(migrations: readonly Migration[]): Map<string, Migration> {
  const latest = new Map<string, Migration>();
  for (const migration of migrations) {
    const seen = latest.get(migration.instanceUuid);
    if (!seen || novaTimeMs(migration.createdAt) >= novaTimeMs(seen.createdAt)) latest.set(migration.instanceUuid, migration);
  }
  return latest;
}
