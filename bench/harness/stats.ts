// Small numeric helpers: medians, ratios, the latency lower bound, and number formatting for the report.

/** The median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** How a run's instances sit on the failed hosts, the limits our engine applies, and the simulator's timing. */
export interface BoundInput {
  /** Instances per failed host. */
  perHost: readonly number[];
  /** Evacuations Nova may be placing at once, across all hosts. */
  concurrency: number;
  /** Evacuations Nova may be placing at once, from one failed host. */
  perHostConcurrency: number;
  /** One evacuation's latency in the simulator (its minimum when jittered). */
  latencyMs: number;
  /** Share of the latency before a destination compute claims the evacuation (the simulator's scheduling step). */
  placementFraction: number;
}

/** The waves the placing limits impose: max(ceil(N / concurrency), max over hosts of ceil(n_h / perHostConcurrency)). */
export function placementWaves(input: Omit<BoundInput, "latencyMs" | "placementFraction">): number {
  const total = input.perHost.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const global = Math.ceil(total / input.concurrency);
  const perHost = Math.max(...input.perHost.map((n) => Math.ceil(n / input.perHostConcurrency)));
  return Math.max(global, perHost);
}

/**
 * The recovery time the simulator allows at our limits: a placing slot frees when a destination claims the
 * evacuation (placementFraction × latency after the request), so wave k can start at k × that, and the last wave
 * still takes a whole latency: (waves − 1) × placementFraction × latency + latency. Requests and looks cost nothing here.
 */
export function latencyLowerBoundMs(input: BoundInput): number {
  const waves = placementWaves(input);
  return waves === 0 ? 0 : (waves - 1) * input.placementFraction * input.latencyMs + input.latencyMs;
}

/** a / b, NaN-safe. */
export function ratio(a: number, b: number): number {
  return b === 0 || Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a / b;
}

/** Seconds with sensible precision. */
export function seconds(ms: number): string {
  if (Number.isNaN(ms)) return "–";
  const s = ms / 1000;
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

/** Milliseconds as an integer. */
export function millis(ms: number): string {
  return Number.isNaN(ms) ? "–" : `${Math.round(ms)} ms`;
}

/** KiB as MiB. */
export function mib(kb: number): string {
  return Number.isNaN(kb) ? "–" : `${(kb / 1024).toFixed(0)} MiB`;
}

/** A ratio as "3.2×". */
export function times(r: number): string {
  if (Number.isNaN(r) || !Number.isFinite(r)) return "–";
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`;
}

/** A number with up to `digits` decimals, without trailing zeros. */
export function num(n: number, digits = 1): string {
  if (Number.isNaN(n)) return "–";
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}
