// The contract between NovaEvacuate and a recovery back-end (Masakari, Mistral): hand over a fenced host, read its progress.

/** The back-ends a host can be handed to. */
export type BackendDriverName = "masakari" | "mistral";
/** A fenced host handed to a recovery back-end. */
export interface DriverHost { readonly host: string; /** stable id of this failure: the same across retries and controllers */ readonly failureId: string; /** when the host was fenced, Nova's time (ISO) */ readonly fencedAt: string; readonly onSharedStorage: boolean; /** the notification or execution id recorded earlier (Nova marker), followed first */ readonly ref?: string; }
/** Where a back-end's recovery of one host stands. */
export interface DriverProgress { readonly state: "pending" | "running" | "done" | "failed"; readonly recovered: number; readonly failed: number; /** notification or execution id */ readonly ref?: string; readonly detail?: string; }
/**
 * A recovery back-end. `advance` starts the host's recovery if not started yet (idempotently) and reports progress.
 * `follow` only looks: the progress of this failure's recovery when the back-end holds one, undefined when the back-end
 * answered that it holds none, `pending` when it could not be asked; it never starts anything.
 */
export interface RecoveryDriver {
  readonly name: BackendDriverName;
  advance(host: DriverHost, signal: AbortSignal): Promise<DriverProgress>;
  follow(host: DriverHost, signal: AbortSignal): Promise<DriverProgress | undefined>;
}
