// Summary statistics, a stopwatch and a text table for the Nova lab calibration (nova-calibrate.ts).
import { performance } from "node:perf_hooks";

/** Count, median, 90th percentile and extremes of a set of durations, in ms (one decimal). */
export interface Summary {
  n: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

/** The q-quantile (0..1) of ascending values, linearly interpolated between the closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const below = sorted[Math.floor(at)] as number;
  const above = sorted[Math.ceil(at)] as number;
  return below + (above - below) * (at - Math.floor(at));
}

/** Rounds to 0.1 ms. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Summarizes samples (ms); an empty list gives n = 0 and NaN figures. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    medianMs: roundMs(quantile(sorted, 0.5)),
    p90Ms: roundMs(quantile(sorted, 0.9)),
    minMs: roundMs(sorted[0] ?? Number.NaN),
    maxMs: roundMs(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Milliseconds on a monotonic clock. */
export function now(): number {
  return performance.now();
}

/** Runs `fn` and returns its value with its duration in ms. */
export async function stopwatch<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = now();
  const value = await fn();
  return { value, ms: now() - start };
}

/** A left-aligned first column and right-aligned other columns, as lines of text. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "))
    .join("\n");
}
