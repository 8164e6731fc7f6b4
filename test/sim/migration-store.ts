// The migrations table, indexed by uuid and by source compute.
import type { SimMigration } from "./cloud-model.js";

/** Fields a new migration record needs. */
export type NewMigration = Omit<SimMigration, "id" | "uuid" | "createdAt" | "updatedAt">;

/** Migration records, oldest first. */
export class MigrationStore {
  private list: SimMigration[] = [];
  private byUuid = new Map<string, SimMigration>();
  private bySourceIndex = new Map<string, SimMigration[]>();

  constructor(private readonly newUuid: () => string, private readonly now: () => number) {}

  /** Removes every record. */
  clear(): void {
    this.list = [];
    this.byUuid = new Map();
    this.bySourceIndex = new Map();
  }

  /** Inserts a record (updated_at stays null until the first save, as in Nova). */
  create(fields: NewMigration): SimMigration {
    const m: SimMigration = { ...fields, id: this.list.length + 1, uuid: this.newUuid(), createdAt: this.now(), updatedAt: null };
    this.list.push(m);
    this.byUuid.set(m.uuid, m);
    const bucket = this.bySourceIndex.get(m.sourceCompute) ?? [];
    bucket.push(m);
    this.bySourceIndex.set(m.sourceCompute, bucket);
    return m;
  }

  /** Saves changes and bumps updated_at. */
  save(m: SimMigration, patch: Partial<SimMigration>): void {
    Object.assign(m, patch, { updatedAt: this.now() });
  }

  /** One record by uuid. */
  get(uuid: string): SimMigration | undefined {
    return this.byUuid.get(uuid);
  }

  /** Every record, oldest first. */
  all(): SimMigration[] {
    return this.list;
  }

  /** Records whose source compute is `host`, oldest first. */
  bySource(host: string): SimMigration[] {
    return this.bySourceIndex.get(host) ?? [];
  }
}
