// Keeps failed evacuate requests (the ones that leave no trace in Nova) across monitor processes.
import { loadJsonMap, saveJsonMap } from "./json-map-file.js";
import type { RequestFailures } from "../engine/plan-host.js";

/** How long a remembered failure stays relevant. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

/** Loads the memory; a missing or unreadable file is an empty memory (it is a cache, Nova is the truth). */
export function loadFailureMemory(path: string, now = Date.now()): Promise<Map<string, RequestFailures>> {
  return loadJsonMap<RequestFailures>(path, (failure) => now - failure.lastAt < FORGET_AFTER_MS);
}

/** Saves the memory atomically (mode 0600). */
export function saveFailureMemory(path: string, memory: ReadonlyMap<string, RequestFailures>): Promise<void> {
  return saveJsonMap(path, memory);
}
