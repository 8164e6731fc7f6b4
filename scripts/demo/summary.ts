// The end of the demo: the timeline relative to the power-off, and a summary of the recovery (pure).
import type { RecoveryTracker } from "./recovery-tracker.js";
import type { Milestone } from "./recovery-events.js";

/** The recovery in numbers. */
export interface RecoverySummary {
  readonly instances: number;
  readonly stopped: number;
  readonly recovered: number;
  readonly failed: number;
  readonly unfinished: number;
  /** SHUTOFF before and SHUTOFF again after recovery; ACTIVE before and ACTIVE after. */
  readonly stoppedKept: number;
  readonly activeKept: number;
  /** Recovered in another power state than before (ACTIVE → SHUTOFF or back): a broken promise. */
  readonly powerChanged: number;
  /** Evacuate requests Nova accepted (one per instance unless one was retried). */
  readonly evacuations: number;
  /** Where the instances went. */
  readonly destinations: ReadonlyMap<string, number>;
  /** Seconds from the power-off to each milestone reached. */
  readonly seconds: Partial<Record<Milestone, number>>;
  readonly requests: number;
}

/** Adds up the tracker's rows and milestones. */
export function summarize(tracker: RecoveryTracker): RecoverySummary {
  const rows = tracker.rows;
  const destinations = new Map<string, number>();
  for (const row of rows) if (row.phase === "recovered") destinations.set(row.host, (destinations.get(row.host) ?? 0) + 1);
  return {
    instances: rows.length,
    stopped: rows.filter((r) => r.stopped).length,
    recovered: rows.filter((r) => r.phase === "recovered").length,
    failed: rows.filter((r) => r.phase === "failed").length,
    unfinished: rows.filter((r) => r.phase === "waiting" || r.phase === "evacuating").length,
    stoppedKept: rows.filter((r) => r.phase === "recovered" && r.stopped && r.status === "SHUTOFF").length,
    activeKept: rows.filter((r) => r.phase === "recovered" && !r.stopped && r.status === "ACTIVE").length,
    powerChanged: rows.filter((r) => r.phase === "recovered" && (r.stopped ? r.status !== "SHUTOFF" : r.status !== "ACTIVE")).length,
    evacuations: tracker.snapshot.migrations.filter((m) => tracker.killAt === undefined || m.createdAt >= tracker.killAt).length,
    destinations,
    seconds: Object.fromEntries([...tracker.reached.keys()].map((m) => [m, tracker.secondsTo(m)])),
    requests: tracker.requests,
  };
}

/** "12.3 s" or "not reached". */
function at(seconds: number | undefined): string {
  return seconds === undefined ? "not reached" : `${seconds.toFixed(1)} s`;
}

/** True when every instance came back and the node is in service again. */
export function demoSucceeded(summary: RecoverySummary): boolean {
  return summary.instances > 0 && summary.recovered === summary.instances && summary.powerChanged === 0 && summary.seconds["in-service"] !== undefined;
}

/** The summary as aligned lines. */
export function formatSummary(summary: RecoverySummary, host: string): string[] {
  const s = summary.seconds;
  const rows: [string, string][] = [
    ["instances", `${summary.instances} on ${host} when it died (${summary.stopped} SHUTOFF)`],
    ["recovered", `${summary.recovered} of ${summary.instances}: ${summary.activeKept} ACTIVE again, ${summary.stoppedKept} SHUTOFF kept SHUTOFF${summary.powerChanged ? `, ${summary.powerChanged} in ANOTHER power state than before` : ""}; failed ${summary.failed}${summary.unfinished ? `, unfinished ${summary.unfinished}` : ""}`],
    ["moved to", [...summary.destinations].sort(([a], [b]) => a.localeCompare(b)).map(([h, n]) => `${h} ${n}`).join(", ") || "-"],
    ["evacuations", `${summary.evacuations} evacuate requests accepted by Nova`],
    ["fencing", `power device off at ${at(s["fenced-power"])}, fence_compute off at ${at(s["fenced-nova"])}`],
    ["recovery", `all recovered at ${at(s["all-recovered"])} (first evacuation at ${at(s["first-evacuation"])})`],
    ["flag", `evacuate=yes at ${at(s.flagged)}, evacuate=no at ${at(s["flag-no"])}`],
    ["back", `unfenced at ${at(s.unfenced)}, nova-compute up and enabled at ${at(s["in-service"])}`],
    ["Nova requests", `${summary.requests} API requests since the power-off`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}

/** One closing line. */
export function verdict(summary: RecoverySummary, host: string): string {
  if (demoSucceeded(summary)) return `RESULT: all ${summary.instances} instances recovered in ${at(summary.seconds["all-recovered"])}; ${host} back in service.`;
  const problems = [
    summary.recovered < summary.instances ? `${summary.instances - summary.recovered} of ${summary.instances} instances not recovered` : "",
    summary.powerChanged ? `${summary.powerChanged} recovered in another power state than before` : "",
    summary.seconds["in-service"] === undefined ? `${host} not back in service` : "",
  ].filter(Boolean);
  return `RESULT: FAILED: ${problems.join("; ")}.`;
}
