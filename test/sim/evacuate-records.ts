// The simulator's own record of every evacuate request it answered: accepted (a migration was created) or refused.

/** One evacuate request as Nova answered it. */
export interface EvacuateRecord {
  /** Real time the answer was decided (ms since the epoch, the simulator's clock). */
  readonly at: number;
  readonly instance: string;
  /** The server's host when the request came (the evacuation's source). */
  readonly sourceHost: string | null;
  /** Nova created a migration and started the rebuild (even if the caller saw an error or no answer). */
  readonly accepted: boolean;
  /** The HTTP status decided by Nova (before any injected network fault). */
  readonly status: number;
  /** The server's task_state when the request came. */
  readonly taskStateBefore: string | null;
  /** Nova's message for a refusal. */
  readonly message?: string;
}

/** Every evacuate request, oldest first. */
export class EvacuateRecords {
  private list: EvacuateRecord[] = [];

  /** Appends one record. */
  add(record: EvacuateRecord): void {
    this.list.push(record);
  }

  /** Copies of the records, optionally of one instance. */
  all(instance?: string): EvacuateRecord[] {
    return this.list.filter((r) => instance === undefined || r.instance === instance).map((r) => ({ ...r }));
  }

  /** Accepted evacuations per instance. */
  acceptedByInstance(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.list) if (r.accepted) counts.set(r.instance, (counts.get(r.instance) ?? 0) + 1);
    return counts;
  }

  /** Forgets every record. */
  clear(): void {
    this.list = [];
  }
}
