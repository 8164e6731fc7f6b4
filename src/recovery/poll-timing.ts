// When to look at Nova again: as soon as an evacuation in flight is expected to be done, never later than the poll interval.
import type { Migration } from "../openstack/types.js";
import type { HostSnapshot } from "./plan-host.js";
import { novaTimeMs } from "./nova-time.js";

/** Shortest pause between two looks, so a burst of early finishers does not turn into a busy loop. */
const MIN_PAUSE_MS = 250;
/** Margin after the expected finish, for Nova to write the result. */
const FINISH_MARGIN_MS = 150;


/** Learns how long evacuations take here, from Nova's own timestamps of finished evacuation migrations. */
export class EvacuationClock {
  private readonly durations = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();

  /** Reads the finished migrations of a look, and the start of those still running. */
  observe(snapshots: readonly HostSnapshot[], inFlight: ReadonlySet<string>): void {
    for (const snapshot of snapshots) {
      for (const migration of snapshot.evacuations) {
        this.learn(migration);
        // Evacuations started before this process (a resumed pass) count from Nova's creation time.
        if (inFlight.has(migration.instanceUuid) && !this.startedAt.has(migration.instanceUuid)) {
          const created = novaTimeMs(migration.createdAt);
          if (created > 0) this.startedAt.set(migration.instanceUuid, created);
        }
      }
    }
    for (const id of this.startedAt.keys()) if (!inFlight.has(id)) this.startedAt.delete(id);
  }

  /** Records that we just asked Nova to evacuate an instance. */
  submitted(instanceId: string, at: number): void {
    this.startedAt.set(instanceId, at);
  }

  /** The median duration seen so far, if any. */
  typicalMs(): number | undefined {
    const sorted = [...this.durations.values()].sort((a, b) => a - b);
    return sorted.length === 0 ? undefined : sorted[Math.floor(sorted.length / 2)];
  }

  /**
   * The pause before the next look: until the earliest evacuation still expected to finish, within
   * [MIN_PAUSE_MS, pollIntervalMs]. One running late is left to the normal interval, never polled in a tight loop.
   */
  nextPauseMs(now: number, pollIntervalMs: number): number {
    const typical = this.typicalMs();
    // Nothing learned yet: look twice as often while evacuations are in flight, to learn from the first ones.
    if (typical === undefined) return this.startedAt.size > 0 ? Math.max(MIN_PAUSE_MS, pollIntervalMs / 2) : pollIntervalMs;
    const upcoming = [...this.startedAt.values()].map((start) => start + typical + FINISH_MARGIN_MS).filter((finish) => finish > now);
    if (upcoming.length === 0) return pollIntervalMs;
    return Math.max(MIN_PAUSE_MS, Math.min(pollIntervalMs, Math.min(...upcoming) - now));
  }

  /** Keeps the duration of one finished evacuation. */
  private learn(migration: Migration): void {
    // Only "done": a "completed" record was touched again when the failed host's nova-compute came back.
    if (migration.status !== "done") return;
    const [start, end] = [novaTimeMs(migration.createdAt), novaTimeMs(migration.updatedAt)];
    if (start > 0 && end >= start) this.durations.set(migration.id, end - start);
  }
}
