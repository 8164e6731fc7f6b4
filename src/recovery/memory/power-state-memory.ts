// Remembers each instance's vm_state as first seen on its failed host, to put it back in that state elsewhere.
import { loadJsonMap, saveJsonMap } from "./json-map-file.js";

/** An instance's state before its host failed. */
export interface OriginalState {
  /** "active" or "stopped". */
  readonly vmState: string;
  readonly seenAt: number;
}

/** How long an original state stays relevant. */
const FORGET_AFTER_MS = 7 * 24 * 60 * 60_000;

/** Loads the memory; missing or unreadable means empty (then a recovered instance is accepted ACTIVE or SHUTOFF). */
export function loadPowerStateMemory(path: string, now = Date.now()): Promise<Map<string, OriginalState>> {
  return loadJsonMap<OriginalState>(path, (state) => now - state.seenAt < FORGET_AFTER_MS);
}

/** Saves the memory atomically (mode 0600). */
export function savePowerStateMemory(path: string, memory: ReadonlyMap<string, OriginalState>): Promise<void> {
  return saveJsonMap(path, memory);
}
