// Figure 3: API economy — Keystone and Nova requests per recovered instance, by route; the peers' full listings.
import type { BenchContext } from "./harness/context.js";
import type { FigureResult } from "./harness/figure.js";
import { table } from "./harness/markdown.js";
import { type PipelineResult, runPipeline } from "./harness/pipelines.js";
import { num, ratio, times } from "./harness/stats.js";
import { type ScenarioResult, runScenario } from "./fig-recovery.js";

/** The scenario measured when figure 2 did not run in the same invocation. */
const OWN_SCENARIO = { name: "2 hosts × 50 (cloud 100 hosts)", cloudHosts: 100, serversPerHost: 50, failedHosts: 2 };

/** The single-page demonstration: one host with more instances than one Nova page holds. */
function pageDemo(quick: boolean): { hosts: number; perHost: number; maxLimit: number; latencyMs: number } {
  return quick ? { hosts: 3, perHost: 60, maxLimit: 50, latencyMs: 200 } : { hosts: 3, perHost: 1200, maxLimit: 1000, latencyMs: 200 };
}

/** Our NovaEvacuate's settings for the page demo (the point is coverage, not speed). */
const DEMO_PARAMS = { concurrency: "100", per_host_concurrency: "100", poll_interval: "1" };

function perInstance(count: number, r: PipelineResult): string {
  return num(ratio(count, Math.max(1, r.recovered)), 2);
}

function routeRows(ours: PipelineResult, peer: PipelineResult): string[][] {
  const routes = [...new Set([...Object.keys(ours.requests.byRoute), ...Object.keys(peer.requests.byRoute)])].sort();
  return routes.map((route) => {
    const o = ours.requests.byRoute[route] ?? 0;
    const p = peer.requests.byRoute[route] ?? 0;
    return [route, String(o), perInstance(o, ours), String(p), perInstance(p, peer)];
  });
}

/** Builds figure 3 from figure 2's runs (or runs its own scenario), plus the page demonstration. */
export async function economyFigure(context: BenchContext, recovery?: ScenarioResult[]): Promise<FigureResult> {
  const results = recovery?.filter((r) => r.peer) ?? [await runScenario(context, OWN_SCENARIO)];
  const summary = results.map(({ scenario, ours, peer }) => {
    const p = peer as PipelineResult;
    const o = ours.requests;
    return [
      scenario.name,
      `${o.novaKeystone} / ${p.requests.novaKeystone}`,
      `${perInstance(o.novaKeystone, ours)} / ${perInstance(p.requests.novaKeystone, p)}`,
      times(ratio(p.requests.novaKeystone / Math.max(1, p.recovered), o.novaKeystone / Math.max(1, ours.recovered))),
      `${o.byService.image ?? 0} / ${p.requests.byService.image ?? 0}`,
      `${ours.recovered} / ${p.recovered}`,
    ];
  });
  const biggest = results.at(-1) as ScenarioResult;
  const breakdown = routeRows(biggest.ours, biggest.peer as PipelineResult);

  context.progress("economy: hypervisor listing size");
  context.sim.seed({ hosts: biggest.scenario.cloudHosts, serversPerHost: biggest.scenario.serversPerHost });
  const listingBytes = await context.sim.responseBytes("/compute/v2.1/os-hypervisors/detail", "2.11");

  const demo = pageDemo(context.options.quick);
  const saved = context.sim.config;
  const demoRuns: Record<string, PipelineResult> = {};
  try {
    context.sim.configure({ maxLimit: demo.maxLimit, latencyMs: demo.latencyMs, jitterMs: 0 });
    for (const side of ["peer", "ours"] as const) {
      context.progress(`economy: ${demo.perHost} instances on one host, ${side}`);
      context.sim.seed({ hosts: demo.hosts, serversPerHost: demo.perHost });
      demoRuns[side] = await runPipeline(context, { side, hosts: ["compute-1"], timeoutMs: 600_000, ...(side === "ours" ? { params: DEMO_PARAMS } : {}) });
    }
  } finally {
    context.sim.configure(saved);
  }
  const demoRows = Object.entries(demoRuns).map(([side, r]) => [
    side, `${r.recovered}/${r.total}`, String(r.leftOnFailedHosts), JSON.stringify(r.attrdFinal), String(r.requests.byRoute["GET /compute/v2.1/servers/detail"] ?? 0), r.anomalies.length ? r.anomalies.join("; ") : "none",
  ]);
  const peerDemo = demoRuns.peer as PipelineResult;
  const anomalies = [
    ...(recovery ? [] : results.flatMap((r) => [...r.ours.anomalies, ...(r.peer?.anomalies ?? [])])),
    ...(demoRuns.ours?.anomalies ?? []).map((a) => `ours, page demo: ${a}`),
  ];
  return {
    id: "economy",
    section: {
      title: "3. API economy",
      body: [
        "Keystone + Nova requests over a whole recovery (figure 2's runs: fence phase and every monitor pass), per recovered instance. Glance requests are shown apart.",
        table(["scenario", "requests ours / peer", "per recovered instance ours / peer", "peer÷ours (per instance)", "Glance ours / peer", "recovered ours / peer"], summary),
        `By route, ${biggest.scenario.name} (count, then per recovered instance):`,
        table(["route", "ours", "ours / instance", "peer", "peer / instance"], breakdown),
        `Every peer invocation opens with Keystone version discovery (twice), a token, and \`GET /os-hypervisors/detail\` at microversion 2.11 as a connection probe: ` +
          `below 2.33 Nova cannot page it, so each probe returns every hypervisor — ${biggest.scenario.cloudHosts} of them, ${(listingBytes / 1024).toFixed(0)} KiB here. ` +
          "fence_compute also lists every nova-compute service to guess the DNS domain. fence_evacuate lists servers once, without paging (one page of Nova's `max_limit`), " +
          "lists flavors and then reads each flavor's extra specs (N+1), and lists Glance images once (one page).",
        `Single-page listing: one host with ${demo.perHost} instances, Nova \`max_limit\` ${demo.maxLimit}, latency ${demo.latencyMs} ms ` +
          `(our NovaEvacuate with ${JSON.stringify(DEMO_PARAMS)} to keep the run short):`,
        table(["side", "recovered", "left on the dead host", "attrd at the end", "server listings", "anomalies"], demoRows),
        peerDemo.leftOnFailedHosts > 0
          ? `The peer evacuated only the first page and then recorded the host as done (\`no\`): ${peerDemo.leftOnFailedHosts} instances stay on the dead host and nothing will retry them.`
          : "The peer recovered every instance in this run.",
      ],
    },
    goals: [],
    anomalies,
    raw: { results: results.map((r) => ({ scenario: r.scenario.name, ours: r.ours.requests, peer: r.peer?.requests })), listingBytes, demo: demoRuns },
  };
}
