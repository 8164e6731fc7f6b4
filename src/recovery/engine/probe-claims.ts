// What a probe of one host's evacuation records tells the plans of the last look: which evacuations a destination
// has claimed since (or that ended), so their slots are free before the next look confirms it.
import type { Migration } from "../../openstack/types.js";
import { MIGRATION_PLACING } from "./instance-state.js";
import { latestByInstance } from "./latest-migration.js";
import type { InstancePlan } from "./plan-host.js";

/**
 * The plans with `placing: false` for each evacuation still counted as placing whose newest record in `migrations`
 * left the placing statuses; undefined when none did. Nothing else changes: whether it ends recovered or failed is
 * for the next look to say.
 */
export function withProbedClaims(plans: readonly InstancePlan[], migrations: readonly Migration[]): InstancePlan[] | undefined {
  const newest = latestByInstance(migrations);
  let changed = false;
  const updated = plans.map((plan) => {
    if (plan.outcome !== "in-progress" || plan.placing !== true) return plan;
    const migration = newest.get(plan.id);
    if (!migration || MIGRATION_PLACING.has(migration.status)) return plan;
    changed = true;
    return { ...plan, placing: false };
  });
  return changed ? updated : undefined;
}
