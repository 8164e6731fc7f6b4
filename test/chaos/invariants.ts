// The product's promise, checked after every run from the simulator's own records.
import type { InstanceAtFailure, RunRecord } from "./run-scenario.js";

/** The invariants, declared once (summary, JSON and docs use these names). */
export const INVARIANTS = {
  "exactly-once": "exactly one accepted evacuation per selected instance, none for any other",
  "verified-or-reported": "every selected instance verified recovered (ACTIVE, or SHUTOFF if it was) on another host, or reported failed with its reason",
  "marker-counts": "the host's evacuated marker exists and its recovered/failed/skipped counts match the records",
  "no-host-lost": "every fenced host ends done (evacuated marker, attrd no or unset) and fence_compute on succeeds",
  "within-timeout": "every agent action returned within its operation timeout",
} as const;

/** One invariant's name. */
export type Invariant = keyof typeof INVARIANTS;

/** One broken promise in one run. */
export interface Violation {
  readonly invariant: Invariant;
  readonly detail: string;
}

/** True when a metadata or extra-spec value says yes (as the agents read it). */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes|on|y|t)$/i.test(value.trim());
}

/**
 * The instances the failure selects, decided over the instances on the host when it failed (design.md, Selection):
 * tagged flavor, tagged image or instance metadata evacuable=true; when the cloud has no tagged flavor or image and
 * no instance of the host is tagged, every instance.
 */
export function expectedSelection(instances: readonly InstanceAtFailure[], record: Pick<RunRecord, "taggedFlavorIds" | "taggedImageIds">): Set<string> {
  const flavors = new Set(record.taggedFlavorIds);
  const images = new Set(record.taggedImageIds);
  const tagged = (i: InstanceAtFailure): boolean => isTrue(i.metadata.evacuable) || flavors.has(i.flavorId) || (i.imageId !== null && images.has(i.imageId));
  const anything = flavors.size > 0 || images.size > 0 || instances.some(tagged);
  return new Set(instances.filter((i) => !anything || tagged(i)).map((i) => i.id));
}

/** The counts of an evacuated marker, or undefined. */
function markerCounts(reason: string | null): { recovered: number; failed: number; skipped: number } | undefined {
  const match = /^nova-ha:evacuated\b.*\brecovered=(\d+)\b.*\bfailed=(\d+)\b.*\bskipped=(\d+)/.exec(reason ?? "");
  return match ? { recovered: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3]) } : undefined;
}

/** Every violation of the run. */
export function checkInvariants(record: RunRecord): Violation[] {
  const violations: Violation[] = [];
  const add = (invariant: Invariant, detail: string): void => void violations.push({ invariant, detail });
  const end = new Map(record.atEnd.map((i) => [i.id, i]));
  for (const host of record.scenario.fenced) {
    const instances = record.atFailure.filter((i) => i.host === host);
    const selected = expectedSelection(instances, record);
    let recovered = 0;
    let failed = 0;
    for (const instance of instances) {
      const accepted = record.evacuateRecords.filter((r) => r.instance === instance.id && r.accepted).length;
      const requests = record.evacuateRecords.filter((r) => r.instance === instance.id).length;
      const now = end.get(instance.id);
      const label = `${host}/${instance.name} (${instance.id}${instance.taskState ? `, task_state ${instance.taskState}` : ""})`;
      if (!selected.has(instance.id)) {
        if (accepted > 0) add("exactly-once", `${label} is not selected but was evacuated ${accepted} time(s)`);
        continue;
      }
      const ok = now !== undefined && now.host !== null && now.host !== host && now.taskState === null && now.vmState === (instance.vmState === "stopped" ? "stopped" : "active");
      const reason = record.reportedFailed[instance.id];
      if (ok) recovered++;
      else failed++;
      if (accepted > 1) add("exactly-once", `${label}: ${accepted} accepted evacuations (${requests} requests), ended ${now?.vmState ?? "?"} on ${now?.host ?? "?"}`);
      if (accepted === 0 && reason === undefined) add("exactly-once", `${label}: selected, never evacuated (${requests} requests) and not reported failed`);
      if (!ok && reason === undefined) {
        add("verified-or-reported", `${label}: ended ${now?.vmState ?? "?"}/${now?.taskState ?? "-"} on ${now?.host ?? "?"}, expected ${instance.vmState === "stopped" ? "SHUTOFF" : "ACTIVE"} elsewhere, and no failure reported`);
      }
    }
    const final = record.hosts.find((h) => h.host === host);
    const counts = markerCounts(final?.reason ?? null);
    const expected = { recovered, failed, skipped: instances.length - selected.size };
    if (!counts) add("marker-counts", `${host}: no evacuated marker (disabled_reason ${JSON.stringify(final?.reason ?? null)})`);
    else if (counts.recovered !== expected.recovered || counts.failed !== expected.failed || counts.skipped !== expected.skipped) {
      add("marker-counts", `${host}: marker recovered=${counts.recovered} failed=${counts.failed} skipped=${counts.skipped}, records say recovered=${expected.recovered} failed=${expected.failed} skipped=${expected.skipped}`);
    }
    const attrdDone = final?.attrd === undefined || final.attrd === "" || final.attrd === "no";
    if (!counts || !attrdDone) add("no-host-lost", `${host}: not done after ${record.monitors} monitors (marker ${JSON.stringify(final?.reason ?? null)}, attrd ${JSON.stringify(final?.attrd ?? null)})`);
    else if (final?.on && final.on.exitCode !== 0) add("no-host-lost", `${host}: fence_compute on exited ${final.on.exitCode ?? final.on.signal} after ${final.on.durationMs} ms`);
  }
  for (const action of record.actions) {
    if (action.killed) continue;
    if (action.overran || action.durationMs > action.timeoutMs) add("within-timeout", `${action.label} took ${action.durationMs} ms, timeout ${action.timeoutMs} ms (skew ${action.skewMs} ms)`);
  }
  return violations;
}
