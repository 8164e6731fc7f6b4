// Small numeric helpers: medians, ratios, the latency lower bound, and number formatting for the report.

/** The median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** How a run's instances sit on the failed hosts, and the limits our engine applies. */
export interface BoundInput {
  /** Instances per failed host. */
  perHost: readonly number[];
  concurrency: number;
  perHostConcurrency: number;
  /** One evacuation's latency in the simulator (its minimum when jittered). */
  latencyMs: number;
}

/**
 * The recovery time the latency allows at our concurrency: every evacuation takes `latencyMs`, at most
 * `concurrency` run at once and at most `perHostConcurrency` from one host; so at least
 * max(ceil(N / concurrency), max over hosts of ceil(n_h / perHostConcurrency)) rounds of `latencyMs`.
 */
export function latencyLowerBoundMs(input: BoundInput): number {
  const total = input.perHost.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const global = Math.ceil(total / input.concurrency);
  const perHost = Math.max(...input.perHost.map((n) => Math.ceil(n / input.perHostConcurrency)));
  return Math.max(global, perHost) * input.latencyMs;
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
