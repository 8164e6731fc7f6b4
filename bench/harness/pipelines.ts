// A whole recovery, either side: fence_compute off per failed host, then monitor passes at the interval until done.
import { setTimeout as sleep } from "node:timers/promises";
import { fenceCall, type NovaEvacuateParams, novaEvacuateCall, peerLoopPass, type Side } from "./agents.js";
import type { RequestTally } from "./bench-sim.js";
import { type BenchContext, forgetFailureMemory } from "./context.js";
import { type Measured, measure } from "./measure.js";

/** How to run one recovery. */
export interface PipelineRun {
  side: Side;
  /** Hosts that fail (killed, then fenced one after another, as one fence device does). */
  hosts: readonly string[];
  /** Extra parameters for our NovaEvacuate (concurrency…). */
  params?: NovaEvacuateParams;
  /** Gives up after this long (an anomaly then). */
  timeoutMs: number;
}

/** One invocation in a pipeline, without its output. */
export interface StepRecord {
  label: string;
  code: number | null;
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  /** Last stderr lines when the exit code was unexpected. */
  evidence?: string;
  /** When our agent logged each "evacuation requested" (epoch ms). */
  submissions?: number[];
}

/** What one recovery did. */
export interface PipelineResult {
  side: Side;
  hosts: number;
  /** Instances on the failed hosts at the start. */
  total: number;
  recovered: number;
  leftOnFailedHosts: number;
  /** From the first fence_compute off to every instance verified recovered (NaN if never). */
  recoveryMs: number;
  /** The fence phase (every fence_compute off). */
  fenceMs: number;
  /** From the start to our agent's first "evacuation requested" (undefined for the peer, which logs none). */
  firstRequestMs?: number;
  /** From the start until the last pass returned. */
  endMs: number;
  passes: number;
  steps: StepRecord[];
  /** Agent CPU, every invocation summed. */
  cpuMs: number;
  maxRssKb: number;
  requests: RequestTally;
  /** Server-side CPU of the in-process simulator during the run (approximate: includes the bench's own polling). */
  simCpuMs: number;
  attrdFinal: Record<string, string>;
  anomalies: string[];
}

const POLL_MS = 50;

function tail(text: string, lines = 6): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** Timestamps of our agents' "evacuation requested" log lines (ISO time first on each line). */
export function submissionTimes(stderr: string): number[] {
  const times: number[] = [];
  for (const line of stderr.split("\n")) {
    if (!line.includes("evacuation requested")) continue;
    const at = Date.parse(line.slice(0, line.indexOf(" ")));
    if (!Number.isNaN(at)) times.push(at);
  }
  return times;
}

/** Groups submission times into rounds (a gap over `gapMs` starts a new one); returns each round's start. */
export function submissionRounds(times: readonly number[], gapMs = 500): number[] {
  const rounds: number[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const t of [...times].sort((a, b) => a - b)) {
    if (t - last > gapMs) rounds.push(t);
    last = t;
  }
  return rounds;
}

function record(label: string, m: Measured, expected: readonly number[]): StepRecord {
  const step: StepRecord = { label, code: m.code, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssKb: m.maxRssKb };
  const submissions = submissionTimes(m.stderr);
  if (submissions.length > 0) step.submissions = submissions;
  if (m.code === null || !expected.includes(m.code)) step.evidence = `${m.timedOut ? "timed out; " : ""}exit ${m.code}; stderr: ${tail(m.stderr)}`;
  return step;
}

/** Runs one recovery and measures it against the simulator's own state. */
export async function runPipeline(context: BenchContext, run: PipelineRun): Promise<PipelineResult> {
  const { sim, attrd, inv } = context;
  attrd.reset();
  forgetFailureMemory(context);
  const tracker = sim.track(run.hosts);
  for (const host of run.hosts) sim.kill(host);
  sim.resetCounts();
  const steps: StepRecord[] = [];
  const anomalies: string[] = [];
  const cpuStart = process.cpuUsage();
  const t0 = Date.now();
  let recoveredAt: number | undefined;
  const check = (): void => {
    if (recoveredAt === undefined && tracker.recovered() === tracker.total) recoveredAt = Date.now();
  };
  const poller = setInterval(check, POLL_MS);
  try {
    for (const host of run.hosts) {
      steps.push(record(`fence_compute off ${host}`, await measure(fenceCall(run.side, "fence_compute", inv, "off", host)), [0]));
    }
    const fenceMs = Date.now() - t0;
    const done = (): boolean => run.hosts.every((h) => attrd.all().get(h) === "no");
    let passes = 0;
    for (;;) {
      const spec = run.side === "ours" ? novaEvacuateCall(inv, "monitor", run.params, context.options.intervalMs) : peerLoopPass(inv);
      passes++;
      steps.push(record(`${run.side === "ours" ? "NovaEvacuate monitor" : "peer loop pass"} ${passes}`, await measure(spec), [0]));
      check();
      if (done()) break;
      if (Date.now() - t0 > run.timeoutMs) {
        anomalies.push(`gave up after ${passes} passes: attrd still ${JSON.stringify(Object.fromEntries(attrd.all()))}`);
        break;
      }
      await sleep(context.options.intervalMs);
    }
    const endMs = Date.now() - t0;
    // Requests are accepted; wait for the simulator to finish (or to have nothing left in flight).
    while (recoveredAt === undefined && Date.now() - t0 < run.timeoutMs) {
      check();
      if (recoveredAt === undefined && sim.idle()) {
        await sleep(500);
        check();
        if (sim.idle()) break;
      }
      await sleep(POLL_MS);
    }
    for (const step of steps) if (step.evidence) anomalies.push(`${step.label}: ${step.evidence}`);
    const recovered = tracker.recovered();
    if (recovered < tracker.total) anomalies.push(`${tracker.total - recovered} of ${tracker.total} instances not recovered`);
    const cpu = process.cpuUsage(cpuStart);
    const requestTimes = steps.flatMap((step) => step.submissions ?? []);
    return {
      side: run.side,
      hosts: run.hosts.length,
      total: tracker.total,
      recovered,
      leftOnFailedHosts: tracker.leftOnFailedHosts(),
      recoveryMs: recoveredAt === undefined ? Number.NaN : recoveredAt - t0,
      fenceMs,
      ...(requestTimes.length > 0 ? { firstRequestMs: Math.min(...requestTimes) - t0 } : {}),
      endMs,
      passes,
      steps,
      cpuMs: steps.reduce((a, s) => a + (Number.isNaN(s.cpuMs) ? 0 : s.cpuMs), 0),
      maxRssKb: Math.max(...steps.map((s) => s.maxRssKb).filter((v) => !Number.isNaN(v))),
      requests: sim.counts(),
      simCpuMs: (cpu.user + cpu.system) / 1000,
      attrdFinal: Object.fromEntries(attrd.all()),
      anomalies,
    };
  } finally {
    clearInterval(poller);
  }
}
