// Figure 4: scale — the cost of an idle monitor pass and of a one-host recovery pass as the cloud grows.
import { fenceCall, novaEvacuateCall, peerLoopPass } from "./harness/agents.js";
import type { BenchContext } from "./harness/context.js";
import type { FigureResult, GoalCheck } from "./harness/figure.js";
import { table } from "./harness/markdown.js";
import { type PipelineResult, runPipeline } from "./harness/pipelines.js";
import { interleaved, type Summary, summarize, unexpectedExits } from "./harness/repeat.js";
import { millis, num, seconds } from "./harness/stats.js";

/** A cloud size: hosts × instances per host. */
interface Size {
  hosts: number;
  perHost: number;
}

function sizes(quick: boolean): Size[] {
  return quick
    ? [{ hosts: 10, perHost: 10 }, { hosts: 100, perHost: 10 }]
    : [{ hosts: 10, perHost: 10 }, { hosts: 100, perHost: 20 }, { hosts: 1000, perHost: 10 }, { hosts: 1000, perHost: 20 }];
}

function label(s: Size): string {
  return `${s.hosts.toLocaleString("en")} hosts, ${(s.hosts * s.perHost).toLocaleString("en")} instances`;
}

function pair(o: Summary, p: Summary, pick: (s: Summary) => string): string {
  return `${pick(o)} / ${pick(p)}`;
}

/** One size: idle passes and fence monitors (medians), then one recovery of compute-1 per side. */
interface SizeResult {
  size: Size;
  idle: { ours: Summary; peer: Summary };
  monitor: { ours: Summary; peer: Summary };
  recovery: { ours: PipelineResult; peer: PipelineResult };
}

async function measureSize(context: BenchContext, size: Size, runs: number, anomalies: string[]): Promise<SizeResult> {
  const cloud = { hosts: size.hosts, serversPerHost: size.perHost };
  context.sim.seed(cloud);
  context.progress(`scale: ${label(size)}: idle passes`);
  const idleSamples = await interleaved(context, {
    ours: () => novaEvacuateCall(context.inv, "monitor", {}, context.options.intervalMs),
    peer: () => peerLoopPass(context.inv),
    prepare: () => {
      context.attrd.reset();
      context.attrd.set("compute-1", "no");
    },
  }, runs);
  const monitorSamples = await interleaved(context, {
    ours: () => fenceCall("ours", "fence_compute", context.inv, "monitor"),
    peer: () => fenceCall("peer", "fence_compute", context.inv, "monitor"),
  }, runs);
  for (const [name, samples] of [["NovaEvacuate idle", idleSamples], ["fence_compute monitor", monitorSamples]] as const) {
    anomalies.push(...unexpectedExits(`ours ${name}, ${label(size)}`, samples.ours, [0]), ...unexpectedExits(`peer ${name}, ${label(size)}`, samples.peer, [0]));
  }
  const recovery: Partial<Record<"ours" | "peer", PipelineResult>> = {};
  for (const side of ["peer", "ours"] as const) {
    context.progress(`scale: ${label(size)}: recovery, ${side}`);
    context.sim.seed(cloud);
    const result = await runPipeline(context, { side, hosts: ["compute-1"], timeoutMs: 300_000 });
    anomalies.push(...result.anomalies.map((a) => `${side} recovery, ${label(size)}: ${a}`));
    recovery[side] = result;
  }
  return {
    size,
    idle: { ours: summarize(idleSamples.ours), peer: summarize(idleSamples.peer) },
    monitor: { ours: summarize(monitorSamples.ours), peer: summarize(monitorSamples.peer) },
    recovery: recovery as { ours: PipelineResult; peer: PipelineResult },
  };
}

/** Builds figure 4. */
export async function scaleFigure(context: BenchContext): Promise<FigureResult> {
  const runs = Math.min(context.options.runs, context.options.quick ? 2 : 3);
  const anomalies: string[] = [];
  const results: SizeResult[] = [];
  for (const size of sizes(context.options.quick)) results.push(await measureSize(context, size, runs, anomalies));
  const requests = (s: Summary): string => num(s.requests);
  const wall = (s: Summary): string => millis(s.wall);
  const cpu = (s: Summary): string => millis(s.cpu);
  const idleRows = results.map((r) => [
    label(r.size),
    pair(r.idle.ours, r.idle.peer, requests), pair(r.idle.ours, r.idle.peer, wall), pair(r.idle.ours, r.idle.peer, cpu),
    pair(r.monitor.ours, r.monitor.peer, requests), pair(r.monitor.ours, r.monitor.peer, wall), pair(r.monitor.ours, r.monitor.peer, cpu),
  ]);
  const recoveryRows = results.map(({ size, recovery: { ours, peer } }) => [
    label(size),
    `${ours.recovered}/${ours.total} / ${peer.recovered}/${peer.total}`,
    `${ours.requests.novaKeystone} / ${peer.requests.novaKeystone}`,
    `${seconds(ours.recoveryMs)} / ${seconds(peer.recoveryMs)}`,
    `${millis(ours.cpuMs)} / ${millis(peer.cpuMs)}`,
    `${millis(ours.simCpuMs)} / ${millis(peer.simCpuMs)}`,
  ]);
  const idleCounts = results.map((r) => r.idle.ours.requests);
  const goals: GoalCheck[] = [{
    goal: "An idle monitor pass costs one request, whatever the cloud's size",
    met: idleCounts.every((n) => n === 1),
    detail: `our NovaEvacuate idle pass made ${results.map((r) => `${num(r.idle.ours.requests)} (${label(r.size)})`).join(", ")} Keystone + Nova requests (token cached in HA_RSCTMP)`,
  }];
  return {
    id: "scale",
    section: {
      title: "4. Scale",
      body: [
        `Idle: median of ${runs} runs per side, interleaved; attrd holds \`evacuate=no\` for one host and no host is flagged. ` +
          "Pacemaker also runs the fence device's monitor periodically, so `fence_compute monitor` is an idle cost too.",
        table(["cloud", "NovaEvacuate idle: requests ours / peer", "wall ours / peer", "CPU ours / peer", "fence_compute monitor: requests ours / peer", "wall ours / peer", "CPU ours / peer"], idleRows),
        "Recovery pass: compute-1 fails (all its instances), then fence_compute off and monitor passes as in figure 2. " +
          "Simulator CPU is the benchmark process's CPU during the run (the in-process simulator answering, plus the bench's light polling): a proxy for the load each side puts on the API.",
        table(["cloud", "recovered ours / peer", "requests ours / peer", "recovery ours / peer", "agent CPU ours / peer", "simulator CPU ours / peer"], recoveryRows),
      ],
    },
    goals,
    anomalies,
    raw: results,
  };
}
