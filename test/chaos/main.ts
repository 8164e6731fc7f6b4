// npm run chaos -- --runs N --seed S --parallel P [--json FILE] [--keep]: the fault campaign against the built agents
// (CHAOS_BUNDLES_ROOT=<checkout> runs another checkout's build, e.g. a clean worktree of the last commit).
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { BUNDLES } from "./agent-process.js";
import { runCampaign, type CampaignResult } from "./campaign.js";
import { INVARIANTS, type Invariant } from "./invariants.js";
import { FAULT_KINDS } from "./scenario.js";

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number >= 0");
  return n;
}

/** The summary lines printed at the end. */
function summary(result: CampaignResult, command: string): string[] {
  const lines = [
    `command: ${command}`,
    `runs: ${result.runs} (seeds ${result.seed}..${result.seed + result.runs - 1}), parallel ${result.parallel}, ${(result.durationMs / 1000).toFixed(0)} s`,
    "faults (runs in which each happened):",
    ...FAULT_KINDS.map((k) => `  ${k.padEnd(24)} ${result.faults[k]}`),
    `network faults injected: ${Object.entries(result.netFaults).map(([k, n]) => `${k}=${n}`).join(" ") || "none"}`,
    "violations (count / runs):",
    ...(Object.keys(INVARIANTS) as Invariant[]).map((inv) => `  ${inv.padEnd(24)} ${result.violations[inv].count} / ${result.violations[inv].runs}${result.violations[inv].runs > 0 ? `  seeds ${result.violations[inv].seeds.slice(0, 20).join(" ")}${result.violations[inv].seeds.length > 20 ? " ..." : ""}` : ""}`),
    `instances reported failed with a reason: ${result.reportedFailed.instances} in ${result.reportedFailed.seeds.length} runs${result.reportedFailed.seeds.length > 0 ? ` (seeds ${result.reportedFailed.seeds.slice(0, 20).join(" ")}${result.reportedFailed.seeds.length > 20 ? " ..." : ""})` : ""}`,
    `failing runs: ${result.failingSeeds.length}${result.failingSeeds.length > 0 ? ` (replay one: npm run chaos -- --runs 1 --seed ${result.failingSeeds[0]})` : ""}`,
  ];
  if (result.crashed.length > 0) lines.push(`runs that crashed (campaign errors): ${result.crashed.join(" ")}`);
  return lines;
}

async function main(): Promise<void> {
  const program = new Command("chaos")
    .description("Runs the built agents against the simulator under randomized faults and checks the invariants")
    .option("--runs <n>", "number of runs", positive, 100)
    .option("--seed <n>", "seed of the first run (run i plays seed + i)", positive, Date.now() % 1_000_000)
    .option("--parallel <n>", "runs at once", positive, 2)
    .option("--json <file>", "where to write the JSON result", "chaos-result.json")
    .option("--dir <dir>", "where run directories (agent logs, attrd, state) go")
    .option("--keep", "keep the directories of passing runs too", false)
    .option("--quiet", "no line per run", false);
  program.parse(process.argv);
  const opts = program.opts<{ runs: number; seed: number; parallel: number; json: string; dir?: string; keep: boolean; quiet: boolean }>();
  for (const bundle of Object.values(BUNDLES)) {
    if (!existsSync(bundle)) {
      process.stderr.write(`chaos: ${bundle} is missing; run npm run build first\n`);
      process.exit(2);
    }
  }
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "nova-ha-chaos-"));
  const command = `npm run chaos -- --runs ${opts.runs} --seed ${opts.seed} --parallel ${opts.parallel}`;
  process.stdout.write(`${command}\nagents: ${BUNDLES.NovaEvacuate}, ${BUNDLES.fence_compute}\nrun directories: ${dir}\n`);
  const result = await runCampaign({
    runs: opts.runs, seed: opts.seed, parallel: Math.max(1, opts.parallel), dir, keep: opts.keep,
    onRun: (run, finished) => {
      if (opts.quiet && run.violations.length === 0 && !run.error) return;
      const status = run.error ? "CRASHED" : run.violations.length > 0 ? `FAIL ${run.violations.length}` : "ok";
      process.stdout.write(`[${finished}/${opts.runs}] seed ${run.seed} ${status} ${(run.durationMs / 1000).toFixed(1)} s monitors=${run.monitors} faults=${run.faults.join(",") || "-"}\n`);
      for (const v of run.violations.slice(0, 6)) process.stdout.write(`    ${v.invariant}: ${v.detail}\n`);
      if (run.error) process.stdout.write(`    ${run.error.split("\n")[0]}\n`);
    },
  });
  writeFileSync(opts.json, `${JSON.stringify({ command, finishedAt: new Date().toISOString(), ...result }, null, 2)}\n`);
  process.stdout.write(`\n${summary(result, command).join("\n")}\nJSON: ${opts.json}\n`);
  process.exit(result.failingSeeds.length > 0 || result.crashed.length > 0 ? 1 : 0);
}

void main();
