// Repeated, interleaved measurement of one invocation per side, with the requests each run cost, and their medians.
import type { Side } from "./agents.js";
import type { BenchContext } from "./context.js";
import { type Measured, measure, type RunSpec } from "./measure.js";
import { median } from "./stats.js";

/** One run and the Keystone + Nova requests it made. */
export interface Sample {
  m: Measured;
  requests: number;
}

/** Medians over a side's runs. */
export interface Summary {
  wall: number;
  cpu: number;
  rss: number;
  requests: number;
  /** Distinct exit codes seen, e.g. "0" or "0/1". */
  codes: string;
}

/** How to invoke each side (no peer: ours only). */
export interface SidePair {
  ours: () => RunSpec;
  peer?: () => RunSpec;
  /** Set-up before every run of either side. */
  prepare?: () => void;
}

async function sample(context: BenchContext, pair: SidePair, side: Side): Promise<Sample | undefined> {
  const build = side === "ours" ? pair.ours : pair.peer;
  if (!build) return undefined;
  pair.prepare?.();
  context.sim.resetCounts();
  const m = await measure(build());
  return { m, requests: context.sim.counts().novaKeystone };
}

/** One warm-up run per side, then `runs` runs each, ours and peer alternating first. */
export async function interleaved(context: BenchContext, pair: SidePair, runs: number): Promise<{ ours: Sample[]; peer: Sample[] }> {
  const out = { ours: [] as Sample[], peer: [] as Sample[] };
  await sample(context, pair, "ours");
  await sample(context, pair, "peer");
  for (let i = 0; i < runs; i++) {
    const order: Side[] = i % 2 === 0 ? ["ours", "peer"] : ["peer", "ours"];
    for (const side of order) {
      const s = await sample(context, pair, side);
      if (s) out[side].push(s);
    }
  }
  return out;
}

/** Medians of a side's samples. */
export function summarize(samples: readonly Sample[]): Summary {
  return {
    wall: median(samples.map((s) => s.m.wallMs)),
    cpu: median(samples.map((s) => s.m.cpuMs)),
    rss: median(samples.map((s) => s.m.maxRssKb)),
    requests: median(samples.map((s) => s.requests)),
    codes: [...new Set(samples.map((s) => String(s.m.code)))].join("/"),
  };
}

/** Evidence for runs that did not exit as expected. */
export function unexpectedExits(label: string, samples: readonly Sample[], expected: readonly number[]): string[] {
  const bad = samples.filter((s) => s.m.code === null || !expected.includes(s.m.code));
  if (bad.length === 0) return [];
  const first = (bad[0] as Sample).m;
  const stderr = first.stderr.trim().split("\n").slice(-4).join(" ⏎ ");
  return [`${label}: ${bad.length}/${samples.length} runs exited ${first.timedOut ? "on timeout" : first.code}; stderr: ${stderr}`];
}
