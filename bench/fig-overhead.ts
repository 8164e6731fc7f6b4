// Figure 1: per-invocation overhead of each of our agents against its peer (wall, CPU, peak RSS, requests; medians).
import type { CloudSeed } from "../test/sim/index.js";
import { fenceCall, type InvocationEnv, novaComputeMetadata, novaEvacuateCall, peerLoopPass, RESOURCE_INSTANCE } from "./harness/agents.js";
import type { BenchContext } from "./harness/context.js";
import type { FigureResult, GoalCheck } from "./harness/figure.js";
import { table } from "./harness/markdown.js";
import type { RunSpec } from "./harness/measure.js";
import { interleaved, summarize, unexpectedExits } from "./harness/repeat.js";
import { mib, millis, num, ratio, times } from "./harness/stats.js";

/** The cloud every overhead case runs against. */
const CLOUD: CloudSeed = { hosts: 10, serversPerHost: 4 };
/** Evacuation latency while measuring fence_evacuate off (its cost, not Nova's, is the point here). */
const OFF_LATENCY_MS = 200;

/** One measured case: an agent action, how to invoke each side, and what to set up before each run. */
interface OverheadCase {
  name: string;
  /** Per-run set-up (re-seed, fence a host, set attrd). */
  prepare?: (context: BenchContext) => void;
  ours: (inv: InvocationEnv) => RunSpec;
  peer?: (inv: InvocationEnv) => RunSpec;
  /** Exit codes that mean "worked as intended". */
  expected: readonly number[];
  /** Counts towards the "CPU no higher than the Python agent's" goal. */
  cpuGoal: boolean;
  note?: string;
}

const reseed = (context: BenchContext): void => context.sim.seed(CLOUD);

/** The same action of both fence agents, ours and the peer's. */
function fenceCases(label: string, action: string, plug?: string, prepare?: (context: BenchContext) => void): OverheadCase[] {
  return (["fence_compute", "fence_evacuate"] as const).map((agent) => ({
    name: `${agent} ${label}`,
    ...(prepare ? { prepare } : {}),
    ours: (inv: InvocationEnv) => fenceCall("ours", agent, inv, action, plug),
    peer: (inv: InvocationEnv) => fenceCall("peer", agent, inv, action, plug),
    expected: [0],
    cpuGoal: true,
  }));
}

/** The cases, declared once. */
const CASES: readonly OverheadCase[] = [
  ...fenceCases("metadata", "metadata"),
  { name: "NovaEvacuate meta-data", ours: (inv) => novaEvacuateCall(inv, "meta-data"), expected: [0], cpuGoal: false, note: "peer is a shell agent not installed here" },
  { name: "NovaCompute meta-data", ours: (inv) => novaComputeMetadata(inv), expected: [0], cpuGoal: false, note: "peer is a shell agent not installed here" },
  ...fenceCases("monitor", "monitor", undefined, reseed),
  {
    name: "NovaEvacuate monitor, nothing to do",
    prepare: (context) => {
      reseed(context);
      context.attrd.reset();
      context.attrd.set("compute-1", "no");
    },
    ours: (inv) => novaEvacuateCall(inv, "monitor"),
    peer: (inv) => peerLoopPass(inv),
    expected: [0],
    cpuGoal: false,
    note: `peer = one pass of bench/peer-nova-evacuate.sh; ours keeps its token in HA_RSCTMP (${RESOURCE_INSTANCE})`,
  },
  ...fenceCases("status (host up)", "status", "compute-2", reseed),
  {
    name: "fence_compute off (host just died)",
    prepare: (context) => {
      reseed(context);
      context.attrd.reset();
      context.sim.kill("compute-3");
    },
    ours: (inv) => fenceCall("ours", "fence_compute", inv, "off", "compute-3"),
    peer: (inv) => fenceCall("peer", "fence_compute", inv, "off", "compute-3"),
    expected: [0],
    cpuGoal: true,
  },
  {
    name: `fence_evacuate off (4 instances, fenced host)`,
    prepare: (context) => {
      reseed(context);
      context.sim.fenceDirectly("compute-4");
    },
    ours: (inv) => fenceCall("ours", "fence_evacuate", inv, "off", "compute-4", { no_shared_storage: "1" }),
    peer: (inv) => fenceCall("peer", "fence_evacuate", inv, "off", "compute-4", { no_shared_storage: "1" }),
    expected: [0],
    cpuGoal: true,
    note: `evacuation latency ${OFF_LATENCY_MS} ms here; each side with its default options (the peer returns once Nova accepted every request; ours waits for verified recovery only with wait=1)`,
  },
];

/** Measures every case, ours and peer interleaved (the order flips every run), after one warm-up run of each. */
export async function overheadFigure(context: BenchContext): Promise<FigureResult> {
  const { runs } = context.options;
  const rows: string[][] = [];
  const goals: GoalCheck[] = [];
  const anomalies: string[] = [];
  const raw: Record<string, unknown> = {};
  const cpuVerdicts: string[] = [];
  let cpuMet = true;
  const latency = context.sim.config.latencyMs;
  try {
    for (const c of CASES) {
      context.progress(`overhead: ${c.name}`);
      if (c.name.startsWith("fence_evacuate off")) context.sim.configure({ latencyMs: OFF_LATENCY_MS });
      const samples = await interleaved(context, {
        ours: () => c.ours(context.inv),
        ...(c.peer ? { peer: () => (c.peer as (inv: InvocationEnv) => RunSpec)(context.inv) } : {}),
        ...(c.prepare ? { prepare: () => c.prepare?.(context) } : {}),
      }, runs);
      context.sim.configure({ latencyMs: latency });
      const o = summarize(samples.ours);
      const p = c.peer ? summarize(samples.peer) : undefined;
      anomalies.push(...unexpectedExits(`ours ${c.name}`, samples.ours, c.expected), ...unexpectedExits(`peer ${c.name}`, samples.peer, c.expected));
      raw[c.name] = { ours: o, peer: p };
      rows.push([
        c.name,
        millis(o.wall), p ? millis(p.wall) : "n/a", p ? times(ratio(p.wall, o.wall)) : "",
        millis(o.cpu), p ? millis(p.cpu) : "n/a", p ? times(ratio(o.cpu, p.cpu)) : "",
        mib(o.rss), p ? mib(p.rss) : "n/a",
        `${num(o.requests)} / ${p ? num(p.requests) : "n/a"}`,
        `${o.codes} / ${p ? p.codes : "n/a"}`,
      ]);
      if (c.cpuGoal && p) {
        const ok = o.cpu <= p.cpu;
        cpuMet &&= ok;
        if (!ok) cpuVerdicts.push(`${c.name}: ours ${millis(o.cpu)} vs peer ${millis(p.cpu)} (${times(ratio(o.cpu, p.cpu))})`);
      }
    }
  } finally {
    context.sim.configure({ latencyMs: latency });
  }
  goals.push({
    goal: "Per-invocation CPU no higher than the Python agent's",
    met: cpuMet,
    detail: cpuMet ? "every fence agent action used at most the peer's CPU (medians)" : `higher for: ${cpuVerdicts.join("; ")}`,
  });
  const notes = CASES.filter((c) => c.note).map((c) => `- *${c.name}*: ${c.note}.`);
  return {
    id: "overhead",
    section: {
      title: "1. Per-invocation overhead",
      body: [
        `Median of ${runs} runs per side, ours and the peer interleaved (the order flips every run), after one warm-up run each. ` +
          `Cloud: ${CLOUD.hosts as number} hosts × ${CLOUD.serversPerHost} instances. Wall time is measured around the process; CPU (user + system) and peak RSS come from GNU time ` +
          "(wait4 rusage: the agent plus every child it waited for, such as attrd_updater). Requests are Keystone + Nova requests seen by the simulator. " +
          "Wall ratio = peer ÷ ours (above 1: we are faster); CPU ratio = ours ÷ peer (at most 1 meets the CPU goal).",
        table(["case", "wall ours", "wall peer", "peer÷ours", "CPU ours", "CPU peer", "ours÷peer", "RSS ours", "RSS peer", "requests ours / peer", "exit ours / peer"], rows),
        notes.join("\n"),
      ],
    },
    goals,
    anomalies,
    raw,
  };
}
