// A small map kept in a JSON file (mode 0600, written atomically): the engine's caches between monitor processes.
import { readFile, rename, writeFile } from "node:fs/promises";

/** Loads a map, keeping only the entries `keep` accepts; a missing or unreadable file is an empty map. */
export async function loadJsonMap<T>(path: string, keep: (value: T) => boolean): Promise<Map<string, T>> {
  try {
    const entries = JSON.parse(await readFile(path, "utf8")) as Record<string, T>;
    return new Map(Object.entries(entries).filter(([, value]) => keep(value)));
  } catch {
    return new Map();
  }
}

/** Saves a map atomically, readable by its owner only. */
export async function saveJsonMap<T>(path: string, map: ReadonlyMap<string, T>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(Object.fromEntries(map)), { mode: 0o600 });
  await rename(temporary, path);
}
