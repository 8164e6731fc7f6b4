// Keeps failed evacuate requests (the ones that leave no trace in Nova) across monitor processes.
import { readFile, rename, writeFile } from "node:fs/promises";
import type { RequestFailures } from "./plan-host.js";

/** How long a remembered failure stays relevant. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

/** Loads the memory; a missing or unreadable file is an empty memory (it is a cache, Nova is the truth). */
export async function loadFailureMemory(path: string, now = Date.now()): Promise<Map<string, RequestFailures>> {
  try {
    const entries = JSON.parse(await readFile(path, "utf8")) as Record<string, RequestFailures>;
    return new Map(Object.entries(entries).filter(([, failure]) => now - failure.lastAt < FORGET_AFTER_MS));
  } catch {
    return new Map();
  }
}

/** Saves the memory atomically (mode 0600). */
export async function saveFailureMemory(path: string, memory: ReadonlyMap<string, RequestFailures>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(Object.fromEntries(memory)), { mode: 0o600 });
  await rename(temporary, path);
}
