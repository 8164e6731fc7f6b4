// npm run bench: builds the agents, measures them against the peers on the simulator, writes docs/benchmarks.md.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { economyFigure } from "./fig-economy.js";
import { overheadFigure } from "./fig-overhead.js";
import { recoveryFigure } from "./fig-recovery.js";
import { scaleFigure } from "./fig-scale.js";
import { missingPrerequisites, PEER_INSTALL_COMMAND, ROOT } from "./harness/agents.js";
import { type BenchContext, type BenchOptions, closeContext, FIGURES, type FigureId, openContext } from "./harness/context.js";
import type { FigureResult } from "./harness/figure.js";
import { withKeptSections } from "./harness/kept-sections.js";
import { describeMachine, loadNow } from "./harness/machine.js";
import { killAllChildren } from "./harness/measure.js";
import { renderReport } from "./report.js";

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

function apiLatency(value: string): "calibrated" | "none" {
  if (value !== "calibrated" && value !== "none") throw new InvalidArgumentError("must be calibrated or none");
  return value;
}

function figures(value: string): FigureId[] {
  const list = value.split(",").map((v) => v.trim()).filter(Boolean);
  for (const f of list) if (!(FIGURES as readonly string[]).includes(f)) throw new InvalidArgumentError(`unknown figure ${f} (one of ${FIGURES.join(", ")})`);
  return list as FigureId[];
}

/** The command line, declared once. */
function buildCommand(): Command {
  return new Command("bench")
    .description("Benchmarks of our agents against Debian's fence_compute / fence_evacuate and the NovaEvacuate loop, on the simulator")
    .option("--quick", "smoke run: small sizes, few repeats (under 2 minutes)")
    .option("--runs <n>", "repetitions per measured invocation (default 5; quick 2)", int)
    .option("--only <figures>", `comma-separated subset of ${FIGURES.join(",")}`, figures)
    .option("--latency-ms <n>", "simulated evacuation latency", int, 2500)
    .option("--jitter-ms <n>", "extra random evacuation latency (0..n)", int, 0)
    .option("--interval <s>", "seconds between monitor passes (both pipelines)", int, 10)
    .option("--seed <n>", "simulator seed", int, 7)
    .option("--api-latency <profile>", "API response times: calibrated (the real Nova lab's, test/sim/calibration.json) or none", apiLatency, "calibrated")
    .option("--out <file>", "the report to write", "docs/benchmarks.md")
    .option("--json <file>", "also write the raw results as JSON")
    .option("--no-build", "use the bundles already in fence/ and ocf/")
    .option("--install-peers", `install the peers first, even if present: ${PEER_INSTALL_COMMAND}`)
    .option("--no-install", "never call apt-get, even when the peers are missing (then exit 2)");
}

interface Flags {
  quick?: boolean;
  runs?: number;
  only?: FigureId[];
  latencyMs: number;
  jitterMs: number;
  interval: number;
  seed: number;
  apiLatency: "calibrated" | "none";
  out: string;
  json?: string;
  build: boolean;
  install: boolean;
  installPeers?: boolean;
}

/** Installs the peers and GNU time when asked to, or when they are missing and we are root (a fresh machine). */
function installPeers(flags: Flags): void {
  const peersMissing = missingPrerequisites().some((line) => !line.startsWith("ours:"));
  const asked = flags.installPeers === true;
  if (!asked && !(peersMissing && flags.install && process.getuid?.() === 0)) return;
  process.stderr.write(`bench: installing the peers: ${PEER_INSTALL_COMMAND}\n`);
  execFileSync("/bin/sh", ["-c", PEER_INSTALL_COMMAND], { stdio: ["ignore", 2, 2], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

function prepare(flags: Flags): void {
  installPeers(flags);
  if (flags.build) execFileSync(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/build.ts"], { cwd: ROOT, stdio: "inherit" });
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(`bench: missing:\n  ${missing.join("\n  ")}\nBuild ours with \`npm run build\`; install the peers with:\n  ${PEER_INSTALL_COMMAND}\n(run as root without --no-install and the benchmark installs them)\n`);
    process.exit(2);
  }
}

async function runFigures(context: BenchContext, selected: readonly FigureId[]): Promise<FigureResult[]> {
  const results: FigureResult[] = [];
  const timed = async <T extends FigureResult>(id: FigureId, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await run();
    context.progress(`${id}: done in ${Math.round((Date.now() - started) / 1000)} s`);
    results.push(result);
    return result;
  };
  if (selected.includes("overhead")) await timed("overhead", () => overheadFigure(context));
  const recovery = selected.includes("recovery") ? await timed("recovery", () => recoveryFigure(context)) : undefined;
  if (selected.includes("economy")) await timed("economy", () => economyFigure(context, recovery?.results));
  if (selected.includes("scale")) await timed("scale", () => scaleFigure(context));
  return results;
}

async function main(): Promise<void> {
  const flags = buildCommand().parse(process.argv).opts<Flags>();
  const quick = flags.quick === true;
  const options: BenchOptions = {
    quick,
    runs: flags.runs ?? (quick ? 2 : 5),
    latencyMs: flags.latencyMs,
    jitterMs: flags.jitterMs,
    intervalMs: flags.interval * 1000,
    seed: flags.seed,
    apiLatency: flags.apiLatency,
    figures: flags.only ?? [...FIGURES],
  };
  prepare(flags);
  const startedAt = new Date();
  const machine = describeMachine();
  const context = await openContext(options);
  let stopping = false;
  const abort = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bench: ${signal}: stopping children and the simulator\n`);
    killAllChildren();
    void closeContext(context).finally(() => process.exit(130));
  };
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  try {
    const results = await runFigures(context, options.figures);
    const command = ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" ");
    const report = renderReport({ command, startedAt, durationMs: Date.now() - startedAt.getTime(), machine, loadAtEnd: loadNow(), options, peerSource: context.peerSource, figures: results });
    const out = resolve(ROOT, flags.out);
    mkdirSync(dirname(out), { recursive: true });
    // The lab figures recorded below the marker (bench/backends-lab.ts) are not this command's: keep them.
    writeFileSync(out, withKeptSections(report, existsSync(out) ? readFileSync(out, "utf8") : undefined));
    if (flags.json) writeFileSync(resolve(ROOT, flags.json), JSON.stringify({ options, machine, figures: results.map((r) => ({ id: r.id, goals: r.goals, anomalies: r.anomalies, raw: r.raw })) }, null, 2));
    process.stderr.write(`bench: wrote ${out} in ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s\n`);
  } finally {
    killAllChildren();
    await closeContext(context);
  }
}

main().catch((error: unknown) => {
  killAllChildren();
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
