// Counts the instances Masakari evacuated or failed to, from the progress messages of recovery_workflow_details.

/** Masakari 14's host-failure messages that name instances (masakari/engine/drivers/taskflow/host_failure.py), as data. */
export const PROGRESS_MESSAGES: ReadonlyArray<{ readonly outcome: "recovered" | "failed"; readonly pattern: RegExp }> = [
  { outcome: "recovered", pattern: /^Successfully evacuate instances '([^']*)' from host/ },
  { outcome: "failed", pattern: /^Failed to evacuate instances '([^']*)' from host/ },
];

/** Instance ids recovered and failed; an instance that failed once and was recovered by a later attempt counts as recovered. */
export function countProgress(messages: readonly string[]): { recovered: string[]; failed: string[] } {
  const recovered = new Set<string>();
  const failed = new Set<string>();
  for (const message of messages) {
    for (const { outcome, pattern } of PROGRESS_MESSAGES) {
      const ids = pattern.exec(message)?.[1]?.split(",").map((id) => id.trim()).filter((id) => id !== "") ?? [];
      for (const id of ids) (outcome === "recovered" ? recovered : failed).add(id);
    }
  }
  for (const id of recovered) failed.delete(id);
  return { recovered: [...recovered].sort(), failed: [...failed].sort() };
}
