// `nova-ha status` for hosts handed to a recovery back-end: what the Nova marker records (driver, id, state), and what the back-end says now, read-only.
import { oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import { createMasakariApi } from "../openstack/masakari/masakari-api.js";
import { createMistralApi } from "../openstack/mistral/mistral-api.js";
import { CONFIGURED_FIELD, DRIVER_FIELD, REF_FIELD } from "../recovery/drivers/driver-choice.js";
import type { BackendDriverName } from "../recovery/drivers/recovery-driver.js";
import { markerFields } from "../recovery/host/host-recovery-state.js";
import { connectBackend } from "./backend-connection.js";
import type { HostStatus } from "./host-status.js";

/** The back-ends' names as the operator reads them, and what their ids are called. */
const BACKEND_WORDS: Readonly<Record<BackendDriverName, { name: string; ref: string }>> = {
  masakari: { name: "Masakari", ref: "notification" },
  mistral: { name: "Mistral", ref: "execution" },
};

/** Reads the live state of a notification or execution; one per back-end, never starts anything. */
export type BackendReader = (driver: BackendDriverName, ref: string) => Promise<string>;

/** A host's back-end hand-over as its marker records it; undefined when its recovery is our engine's. */
function handOver(row: HostStatus): { driver: BackendDriverName; ref?: string; state?: string; outcome?: string; configured?: string } | undefined {
  const fields = markerFields(row.service?.disabledReason);
  const driver = fields[DRIVER_FIELD];
  if (driver !== "masakari" && driver !== "mistral") return undefined;
  const { state, outcome } = fields;
  const ref = fields[REF_FIELD];
  const configured = fields[CONFIGURED_FIELD];
  return { driver, ...(ref ? { ref } : {}), ...(state ? { state } : {}), ...(outcome ? { outcome } : {}), ...(configured ? { configured } : {}) };
}

/**
 * Adds to each row handed to a back-end what the marker records and, while the recovery runs, what the back-end says
 * now ("Masakari notification <id>: running; Masakari says running"). A back-end that cannot be read is named in
 * the row; the report goes on.
 */
export async function withBackendProgress(rows: readonly HostStatus[], read: BackendReader): Promise<HostStatus[]> {
  return Promise.all(rows.map(async (row) => {
    const hand = handOver(row);
    if (!hand) return row;
    const words = BACKEND_WORDS[hand.driver];
    const id = hand.ref ? `${words.ref} ${hand.ref}` : `no ${words.ref} yet`;
    const recorded = hand.outcome ? `ended ${hand.outcome}` : (hand.state ?? "handed over");
    let live = "";
    if (hand.ref && !hand.outcome && row.phase === "evacuating") {
      live = await read(hand.driver, hand.ref).then((state) => `; ${words.name} says ${state}`, (error: unknown) => `; ${words.name} not readable: ${oneLine(error)}`);
    }
    const stalled = hand.state === "stalled" ? " (past backend_stall_timeout: see docs/backends.md)" : "";
    const switched = hand.configured && !hand.outcome
      ? ` (recovery_driver is now ${hand.configured}: this recovery stays with ${words.name} to its end, ${hand.configured} recovers the next failure)` : "";
    return { ...row, detail: `${row.detail}; through ${words.name}, ${id}: ${recorded}${stalled}${switched}${live}` };
  }));
}

/** A reader over the CLI's credentials: one session per back-end, opened on first use; `close` releases them. */
export function backendReader(options: { cloud?: string; interface?: string }, deps: { env: NodeJS.ProcessEnv; log: Logger }): { read: BackendReader; close(): void } {
  const opened = new Map<BackendDriverName, ReturnType<typeof connectBackend>>();
  const open = (driver: BackendDriverName) => {
    const connection = opened.get(driver) ?? connectBackend(driver, options, deps);
    opened.set(driver, connection);
    return connection;
  };
  return {
    read: async (driver, ref) => {
      const { session } = await open(driver);
      if (driver === "masakari") return (await createMasakariApi(session).getNotification(ref)).status;
      const execution = await createMistralApi(session).getExecution(ref);
      return execution ? execution.state : "no such execution";
    },
    close: () => {
      for (const connection of opened.values()) void connection.then((c) => c.close(), () => undefined);
    },
  };
}
