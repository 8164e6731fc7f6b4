// Runs many scenarios, a few at a time, and sums up faults injected and invariants violated per seed.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { checkInvariants, INVARIANTS, type Invariant, type Violation } from "./invariants.js";
import { runScenario } from "./run-scenario.js";
import { drawScenario, FAULT_KINDS, type FaultKind } from "./scenario.js";

/** How to run a campaign. */
export interface CampaignOptions {
  readonly runs: number;
  /** Run i plays the scenario of seed + i. */
  readonly seed: number;
  readonly parallel: number;
  /** Where run directories go; passing runs' directories are removed unless keep. */
  readonly dir: string;
  readonly keep: boolean;
  /** Called after each run. */
  readonly onRun?: (run: RunSummary, finished: number) => void;
}

/** One run, as the summary keeps it. */
export interface RunSummary {
  readonly seed: number;
  readonly faults: readonly FaultKind[];
  readonly netFaults: Record<string, number>;
  readonly violations: readonly Violation[];
  readonly monitors: number;
  /** Selected instances the agents reported failed (with a reason) instead of recovering them. */
  readonly reportedFailed: number;
  readonly doneAfterMs: number | null;
  readonly durationMs: number;
  readonly dir?: string;
  /** The run itself crashed (a bug of the campaign or the simulator, not of the agents). */
  readonly error?: string;
}

/** The campaign's result. */
export interface CampaignResult {
  readonly runs: number;
  readonly seed: number;
  readonly parallel: number;
  readonly durationMs: number;
  /** Runs in which each fault kind happened. */
  readonly faults: Record<FaultKind, number>;
  /** Network faults injected over all runs, by kind. */
  readonly netFaults: Record<string, number>;
  /** Violations per invariant, and runs with at least one. */
  readonly violations: Record<Invariant, { readonly count: number; readonly runs: number; readonly seeds: readonly number[] }>;
  readonly failingSeeds: readonly number[];
  /** Instances reported failed with a reason (allowed by the promise, but none of the injected faults makes recovery impossible). */
  readonly reportedFailed: { readonly instances: number; readonly seeds: readonly number[] };
  readonly crashed: readonly number[];
  readonly results: readonly RunSummary[];
}

async function playOne(seed: number, options: CampaignOptions): Promise<RunSummary> {
  const dir = join(options.dir, `seed-${seed}`);
  try {
    const record = await runScenario(drawScenario(seed), dir);
    const violations = checkInvariants(record);
    if (violations.length === 0 && !options.keep) rmSync(dir, { recursive: true, force: true });
    return {
      seed, faults: record.faults, netFaults: record.netFaults, violations, monitors: record.monitors, reportedFailed: Object.keys(record.reportedFailed).length,
      doneAfterMs: record.doneAfterMs ?? null, durationMs: record.durationMs, ...(violations.length > 0 || options.keep ? { dir } : {}),
    };
  } catch (error) {
    return { seed, faults: [], netFaults: {}, violations: [], monitors: 0, reportedFailed: 0, doneAfterMs: null, durationMs: 0, dir, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

/** Runs the campaign. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const results: RunSummary[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.runs) {
      const seed = options.seed + next++;
      const run = await playOne(seed, options);
      results.push(run);
      options.onRun?.(run, results.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, worker));
  results.sort((a, b) => a.seed - b.seed);
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, results.filter((r) => r.faults.includes(k)).length])) as Record<FaultKind, number>;
  const netFaults: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.netFaults)) netFaults[k] = (netFaults[k] ?? 0) + n;
  const violations = Object.fromEntries(
    (Object.keys(INVARIANTS) as Invariant[]).map((inv) => {
      const hit = results.filter((r) => r.violations.some((v) => v.invariant === inv));
      return [inv, { count: results.reduce((n, r) => n + r.violations.filter((v) => v.invariant === inv).length, 0), runs: hit.length, seeds: hit.map((r) => r.seed) }];
    }),
  ) as unknown as CampaignResult["violations"];
  return {
    runs: results.length, seed: options.seed, parallel: options.parallel, durationMs: Date.now() - started, faults, netFaults, violations,
    failingSeeds: results.filter((r) => r.violations.length > 0).map((r) => r.seed),
    reportedFailed: { instances: results.reduce((n, r) => n + r.reportedFailed, 0), seeds: results.filter((r) => r.reportedFailed > 0).map((r) => r.seed) },
    crashed: results.filter((r) => r.error !== undefined).map((r) => r.seed),
    results,
  };
}
