// Where each instance of the failed host is in its recovery, from Nova's view of it (pure).
import type { SimMigration, SimServer } from "../../test/sim/cloud-model.js";

/** The phases an instance of the failed host goes through. */
export type InstancePhase = "waiting" | "evacuating" | "recovered" | "failed";

/** An instance of the failed host as it was when the host died. */
export interface OriginalInstance {
  readonly uuid: string;
  readonly name: string;
  /** SHUTOFF when the host died: it must come back SHUTOFF. */
  readonly stopped: boolean;
}

/** One row of the instance table. */
export interface InstanceRow extends OriginalInstance {
  readonly phase: InstancePhase;
  /** Nova's status: ACTIVE, SHUTOFF, REBUILD, ERROR, or "gone" when it was deleted. */
  readonly status: string;
  /** The host it is on now. */
  readonly host: string;
  /** The destination of its latest evacuation, once the scheduler picked one. */
  readonly destination?: string;
  /** Nova's task_state while it is being rebuilt. */
  readonly task?: string;
  /** Evacuations of it so far (a retry makes two). */
  readonly attempts: number;
  /** When it was seen recovered (its latest evacuation's last update), if it is. */
  readonly recoveredAt?: number;
}

/** Migration statuses of an evacuation that is still running. */
const RUNNING_MIGRATION = new Set(["accepted", "pre-migrating", "running", "queued", "preparing"]);

/** Nova's status word for a server's vm_state and task_state. */
export function novaStatus(server: Pick<SimServer, "vmState" | "taskState">): string {
  if (server.taskState?.startsWith("rebuild")) return "REBUILD";
  const words: Record<string, string> = { active: "ACTIVE", stopped: "SHUTOFF", error: "ERROR", paused: "PAUSED" };
  return words[server.vmState] ?? server.vmState.toUpperCase();
}

/** Classifies one instance of `failedHost` from the server and its evacuations (oldest first). */
export function instanceRow(original: OriginalInstance, server: SimServer | undefined, migrations: readonly SimMigration[], failedHost: string): InstanceRow {
  const mine = migrations.filter((m) => m.instanceUuid === original.uuid).sort((a, b) => a.id - b.id);
  const latest = mine[mine.length - 1];
  const destination = latest?.destCompute ?? undefined;
  const base = { ...original, attempts: mine.length, ...(destination ? { destination } : {}) };
  if (!server || server.deleted) return { ...base, phase: "failed", status: "gone", host: "" };
  const host = server.host ?? "";
  const status = novaStatus(server);
  const task = server.taskState ?? undefined;
  const running = task !== undefined || (latest !== undefined && RUNNING_MIGRATION.has(latest.status));
  if (running) return { ...base, phase: "evacuating", status, host, ...(task ? { task } : {}) };
  if (server.vmState === "error") return { ...base, phase: "failed", status, host };
  if (host !== failedHost && (server.vmState === "active" || server.vmState === "stopped")) {
    const recoveredAt = latest ? (latest.updatedAt ?? latest.createdAt) : server.updatedAt;
    return { ...base, phase: "recovered", status, host, recoveredAt };
  }
  return { ...base, phase: "waiting", status, host };
}

/** Rows for every original instance, in the order given. */
export function instanceRows(originals: readonly OriginalInstance[], servers: readonly SimServer[], migrations: readonly SimMigration[], failedHost: string): InstanceRow[] {
  const byId = new Map(servers.map((s) => [s.uuid, s]));
  return originals.map((original) => instanceRow(original, byId.get(original.uuid), migrations, failedHost));
}

/** How many rows are in each phase. */
export function phaseCounts(rows: readonly InstanceRow[]): Record<InstancePhase, number> {
  const counts: Record<InstancePhase, number> = { waiting: 0, evacuating: 0, recovered: 0, failed: 0 };
  for (const row of rows) counts[row.phase]++;
  return counts;
}
