// Figure 2: recovery time, fence_compute off → every instance verified running elsewhere, ours vs the peer pipeline.
import { DEFAULT_RECOVERY_OPTIONS } from "../src/recovery/engine/recovery-options.js";
import type { NovaEvacuateParams } from "./harness/agents.js";
import type { BenchContext } from "./harness/context.js";
import type { FigureResult, GoalCheck } from "./harness/figure.js";
import { table } from "./harness/markdown.js";
import { type PipelineResult, runPipeline, submissionRounds } from "./harness/pipelines.js";
import { STEP_AT } from "../test/sim/evacuation-engine.js";
import { latencyLowerBoundMs, median, millis, placementWaves, ratio, seconds, times } from "./harness/stats.js";

/** One recovery scenario: which hosts fail in which cloud, and how our NovaEvacuate is tuned. */
export interface RecoveryScenario {
  name: string;
  cloudHosts: number;
  serversPerHost: number;
  failedHosts: number;
  /** Non-default parameters for our NovaEvacuate (the lower bound follows them). */
  params?: NovaEvacuateParams;
  /** Run only ours (a variant of a scenario whose peer run already exists). */
  oursOnly?: boolean;
}

/** Our engine's limits for a scenario. */
export function limitsOf(s: RecoveryScenario): { concurrency: number; perHostConcurrency: number } {
  return {
    concurrency: Number(s.params?.concurrency ?? DEFAULT_RECOVERY_OPTIONS.concurrency),
    perHostConcurrency: Number(s.params?.per_host_concurrency ?? DEFAULT_RECOVERY_OPTIONS.perHostConcurrency),
  };
}

/** A tuned variant sized to the failure (every instance of 10 failed hosts in flight at once) with a 1 s poll: what the engine does when Nova can take it. */
export const TUNED_PARAMS: NovaEvacuateParams = { concurrency: "1000", per_host_concurrency: "100", poll_interval: "1" };

/** The scenarios of a mode. */
export function recoveryScenarios(quick: boolean): RecoveryScenario[] {
  if (quick) {
    return [
      { name: "1 host × 16 (cloud 20 hosts)", cloudHosts: 20, serversPerHost: 16, failedHosts: 1 },
      { name: "3 hosts × 8 (cloud 50 hosts)", cloudHosts: 50, serversPerHost: 8, failedHosts: 3 },
    ];
  }
  return [
    { name: "1 host × 50 (cloud 100 hosts)", cloudHosts: 100, serversPerHost: 50, failedHosts: 1 },
    { name: "1 host × 200 (cloud 100 hosts)", cloudHosts: 100, serversPerHost: 200, failedHosts: 1 },
    { name: "10 hosts × 100 (cloud 1,000 hosts)", cloudHosts: 1000, serversPerHost: 100, failedHosts: 10 },
    { name: "10 hosts × 100 (cloud 1,000 hosts), ours tuned", cloudHosts: 1000, serversPerHost: 100, failedHosts: 10, params: TUNED_PARAMS, oursOnly: true },
  ];
}

/** Both pipelines (or ours only) on one scenario, each on a freshly seeded identical cloud. */
export interface ScenarioResult {
  scenario: RecoveryScenario;
  lowerBoundMs: number;
  ours: PipelineResult;
  peer?: PipelineResult;
}

/** The hosts that fail: spread over the cloud. */
export function failedHostNames(s: RecoveryScenario): string[] {
  const step = Math.max(1, Math.floor(s.cloudHosts / s.failedHosts));
  return Array.from({ length: s.failedHosts }, (_, i) => `compute-${i * step + 1}`);
}

/** Runs a scenario: the peer first, then ours, each after a re-seed. */
export async function runScenario(context: BenchContext, s: RecoveryScenario): Promise<ScenarioResult> {
  const hosts = failedHostNames(s);
  const limits = limitsOf(s);
  const lowerBoundMs = latencyLowerBoundMs({ perHost: hosts.map(() => s.serversPerHost), ...limits, latencyMs: context.sim.config.latencyMs, placementFraction: STEP_AT.schedule });
  const timeoutMs = Math.max(120_000, 4 * lowerBoundMs + 60_000);
  const cloud = { hosts: s.cloudHosts, serversPerHost: s.serversPerHost };
  let peer: PipelineResult | undefined;
  if (!s.oursOnly) {
    context.progress(`recovery: ${s.name}: peer`);
    context.sim.seed(cloud);
    peer = await runPipeline(context, { side: "peer", hosts, timeoutMs });
  }
  context.progress(`recovery: ${s.name}: ours`);
  context.sim.seed(cloud);
  const ours = await runPipeline(context, { side: "ours", hosts, timeoutMs, ...(s.params ? { params: s.params } : {}) });
  return { scenario: s, lowerBoundMs, ours, ...(peer ? { peer } : {}) };
}

/** Why our recovery stays above the bound, in words: what the bound leaves out. */
const WHY_ABOVE_BOUND =
  "The bound lets a wave start the instant the previous one is claimed and counts requests and looks as free. " +
  "Ours pays three things it leaves out. (1) The fence phase (one fence_compute off per host, one after another). " +
  "(2) The start of the pass, before its first request: the monitor process, the services listing and attrd, Nova's marker, and a first full look at the failed hosts " +
  "(the time after the fence phase given above). (3) Per wave, the probe that sees the claims (every 100 ms while a batch is due; it reads each host of the batch) " +
  "and the evacuate requests (67 ms each here, in parallel), which go out from that probe without waiting for a look; with many hosts, a wave of up to 64 requests " +
  "and the looks that follow it also share the machine's 2 cores with the simulator and the bench. " +
  "Limits on whole evacuations in flight (until ACTIVE) would put waves a whole latency apart, where the same overhead weighs less, " +
  "but would pace a large failure by whole rebuild times; we chose to limit only what Nova is still placing (docs/design.md)";

/** The placement waves our default limits impose on a scenario. */
function wavesOf(s: RecoveryScenario): number {
  return placementWaves({ perHost: failedHostNames(s).map(() => s.serversPerHost), ...limitsOf(s) });
}

/** Our submission rounds over the whole run, and the median time between two rounds. */
function rounds(r: PipelineResult): { count: number; spacingMs: number } {
  const starts = submissionRounds(r.steps.flatMap((s) => s.submissions ?? []));
  return { count: starts.length, spacingMs: median(starts.slice(1).map((t, i) => t - (starts[i] as number))) };
}

function recoveredCell(r: PipelineResult | undefined): string {
  return r ? `${r.recovered}/${r.total}` : "–";
}

/** Runs every scenario of the mode and builds figure 2 (the results also feed figure 3). */
export async function recoveryFigure(context: BenchContext): Promise<FigureResult & { results: ScenarioResult[] }> {
  const results: ScenarioResult[] = [];
  for (const s of recoveryScenarios(context.options.quick)) results.push(await runScenario(context, s));
  const { latencyMs, jitterMs } = context.sim.config;
  const rows = results.map(({ scenario, lowerBoundMs, ours, peer }) => {
    const limits = limitsOf(scenario);
    const ourRounds = rounds(ours);
    return [
      scenario.name,
      seconds(ours.recoveryMs), peer ? seconds(peer.recoveryMs) : "–", peer ? times(ratio(peer.recoveryMs, ours.recoveryMs)) : "",
      seconds(lowerBoundMs), times(ratio(ours.recoveryMs, lowerBoundMs)),
      `${limits.concurrency} / ${limits.perHostConcurrency}`,
      `${ourRounds.count} (${wavesOf(scenario)}), ${seconds(ourRounds.spacingMs)} apart`,
      `${seconds(ours.fenceMs)} / ${peer ? seconds(peer.fenceMs) : "–"}`,
      `${ours.passes} / ${peer ? peer.passes : "–"}`,
      `${recoveredCell(ours)} / ${recoveredCell(peer)}`,
      `${millis(ours.cpuMs)} / ${peer ? millis(peer.cpuMs) : "–"}`,
    ];
  });
  const goals: GoalCheck[] = [];
  const defaults = results.filter((r) => !r.scenario.params);
  const bound = defaults.map((r) => {
    const ourRounds = rounds(r.ours);
    return {
      name: r.scenario.name,
      r: ratio(r.ours.recoveryMs, r.lowerBoundMs),
      evac: ratio(r.ours.recoveryMs - r.ours.fenceMs, r.lowerBoundMs),
      fromFirst: r.ours.firstRequestMs === undefined ? Number.NaN : ratio(r.ours.recoveryMs - r.ours.firstRequestMs, r.lowerBoundMs),
      startMs: r.ours.firstRequestMs === undefined ? Number.NaN : r.ours.firstRequestMs - r.ours.fenceMs,
      why: `${ourRounds.count} submission rounds for ${wavesOf(r.scenario)} waves, ${seconds(ourRounds.spacingMs)} apart against ${seconds(STEP_AT.schedule * latencyMs)} to a destination's claim`,
    };
  });
  goals.push({
    goal: "Recovery within 1.2× of the simulator's lower bound (default concurrency)",
    met: bound.every((b) => b.r <= 1.2),
    detail: bound.map((b) => `${b.name}: ${times(b.r)} (fence phase excluded: ${times(b.evac)}; from our first evacuation request, ${seconds(b.startMs)} after the fence phase: ${times(b.fromFirst)}; ${b.why})`).join("; ") +
      (bound.every((b) => b.r <= 1.2) ? "" : `. ${WHY_ABOVE_BOUND}`),
  });
  const big = results.find((r) => r.scenario.failedHosts === 10 && !r.scenario.params && r.peer);
  if (big?.peer) {
    const speedup = ratio(big.peer.recoveryMs, big.ours.recoveryMs);
    const tuned = results.find((r) => r.scenario.failedHosts === 10 && r.scenario.params);
    const tunedText = tuned ? `; tuned (${JSON.stringify(tuned.scenario.params)}): ${times(ratio(big.peer.recoveryMs, tuned.ours.recoveryMs))}` : "";
    const peerText = `; the peer had sent all ${big.peer.total} requests when its pass ended at ${seconds(big.peer.endMs)} and the simulator, with no server-side limit, finished them by ${seconds(big.peer.recoveryMs)}`;
    goals.push({ goal: "At least 5× faster than the peer pipeline at 10 hosts × 100", met: speedup >= 5, detail: `peer ÷ ours = ${times(speedup)} with defaults${tunedText}${peerText}` });
  }
  const anomalies = results.flatMap((r) => [...r.ours.anomalies.map((a) => `ours, ${r.scenario.name}: ${a}`), ...(r.peer?.anomalies ?? []).map((a) => `peer, ${r.scenario.name}: ${a}`)]);
  return {
    id: "recovery",
    results,
    section: {
      title: "2. Recovery time",
      body: [
        `Simulated evacuation latency: ${latencyMs} ms${jitterMs ? ` + 0–${jitterMs} ms jitter` : ""} per instance (the real Nova lab, whose FakeDriver spawns nothing, took 0.6–1.3 s for one evacuation alone and 2.0–3.1 s each for 4 at once; a real hypervisor rebuilds slower). ` +
          `Clock starts at the first \`fence_compute off\` (the failed hosts' nova-compute is killed just before) and stops when the bench, polling the simulator's state every 50 ms, ` +
          "sees every instance of the failed hosts in its old state on another host with no task running. Failed hosts are fenced one after another (one fence device: Pacemaker's " +
          "`pcmk_action_limit` defaults to 1). Then monitor passes run back to back, " +
          `${context.options.intervalMs / 1000} s apart (the same for both): ours = \`ocf/NovaEvacuate monitor\`; peer = one pass of \`bench/peer-nova-evacuate.sh\` (the shell agent's loop: ` +
          "`fence_evacuate -o status`, marker, `fence_evacuate -o off --no-shared-storage`, `no`/`yes`, host after host).",
        "Our limits count the evacuations Nova is still placing (requested, not yet claimed by a destination compute); a rebuild running on its destination no longer holds a slot. " +
          `In the simulator a destination claims an evacuation ${STEP_AT.schedule * 100} % into its latency. ` +
          "Lower bound = (waves − 1) × claim time + latency, waves = max(ceil(N ÷ concurrency), max over hosts of ceil(n_host ÷ per-host concurrency)): the time the simulated latency allows at our limits, " +
          "with requests and looks free; it excludes the fence phase. " +
          "Submission rounds are read from our agent's `evacuation requested` log lines (a pause over 0.5 s starts a new round): more rounds than the bound's waves, or rounds further apart than the claim time, is where the time above the bound goes.",
        table(["scenario", "ours", "peer", "peer÷ours", "lower bound", "ours÷bound", "concurrency / per host", "our submission rounds (bound's waves), spacing", "fence phase ours / peer", "passes ours / peer", "recovered ours / peer", "agent CPU ours / peer"], rows),
        "What the simulator models: every accepted evacuation runs independently on timers (claimed by the least-loaded enabled, up host at 25 % of the latency, rebuild steps, " +
          "ACTIVE at 100 %), and each API route answers after the real lab's median time (see Method). It has no server-side concurrency limit: a thousand requests in flight " +
          "finish as fast as one. That favours a pipeline that fires every request at once and does not wait. The real lab (2 cores, one worker per service, test/sim/calibration.json) " +
          "is the opposite extreme: a burst of evacuations lands on one destination, which claims them one at a time (~1 s each: 16 at once took 15 s, 32 took 37 s), and the evacuate " +
          "request itself queues (67 ms alone, 1.2 s median with 16 at once).",
      ],
    },
    goals,
    anomalies,
    raw: results,
  };
}
