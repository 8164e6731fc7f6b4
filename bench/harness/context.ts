// The benchmark's shared state: options, the simulator, the fake attrd, scratch directories; opened once, closed once.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_PATHS, type InvocationEnv, novaEvacuateCall } from "./agents.js";
import { BenchAttrd } from "./bench-attrd.js";
import { BenchSim, SIM_CREDENTIALS } from "./bench-sim.js";
import { measure } from "./measure.js";
import { resolvePeerAgents } from "./peer-agents.js";

/** The figures, by the name --only takes. */
export const FIGURES = ["overhead", "recovery", "economy", "scale"] as const;

/** One figure's name. */
export type FigureId = (typeof FIGURES)[number];

/** What the command line decided. */
export interface BenchOptions {
  quick: boolean;
  /** Repetitions per measured invocation (medians are taken over them). */
  runs: number;
  latencyMs: number;
  jitterMs: number;
  /** Pause between two monitor passes, the same for both pipelines. */
  intervalMs: number;
  seed: number;
  /** "calibrated": every route answers after the real Nova lab's median (test/sim/calibration.json); "none": at once. */
  apiLatency: "calibrated" | "none";
  figures: FigureId[];
}

/** Everything a figure needs. */
export interface BenchContext {
  options: BenchOptions;
  sim: BenchSim;
  attrd: BenchAttrd;
  inv: InvocationEnv;
  /** Where the peers' fence agents came from ("installed" or a .deb). */
  peerSource: string;
  /** Progress on stderr. */
  progress: (message: string) => void;
}

/** Per-invocation safety timeout (Pacemaker's default monitor timeout of NovaEvacuate). */
const INVOCATION_TIMEOUT_MS = 600_000;

/** Starts the simulator, prepares the scratch directories and starts our NovaEvacuate resource once. */
export async function openContext(options: BenchOptions, scratch = mkdtempSync(join(tmpdir(), "nova-ha-bench-"))): Promise<BenchContext> {
  const removeScratch = (): void => rmSync(scratch, { recursive: true, force: true });
  let sim: BenchSim | undefined;
  try {
    const peers = resolvePeerAgents(join(scratch, "peer"));
    const attrd = new BenchAttrd(join(scratch, "attrd"));
    attrd.reset();
    sim = await BenchSim.start({ latencyMs: options.latencyMs, jitterMs: options.jitterMs, seed: options.seed, apiLatency: options.apiLatency });
    const inv: InvocationEnv = {
      endpoint: { authUrl: sim.authUrl, username: SIM_CREDENTIALS.username, password: SIM_CREDENTIALS.password, project: SIM_CREDENTIALS.project },
      attrdDir: attrd.dir,
      rscTmp: join(scratch, "rsctmp"),
      timeoutMs: INVOCATION_TIMEOUT_MS,
      peers: peers.paths,
    };
    const context: BenchContext = { options, sim, attrd, inv, peerSource: peers.source, progress: (m) => process.stderr.write(`[bench] ${m}\n`) };
    const started = await measure(novaEvacuateCall(inv, "start"));
    if (started.code !== 0) throw new Error(`${AGENT_PATHS.ours.NovaEvacuate} start exited ${started.code}: ${started.stderr.trim().split("\n").at(-1) ?? ""}`);
    closers.set(context, removeScratch);
    return context;
  } catch (error) {
    await sim?.stop();
    removeScratch();
    throw error;
  }
}

const closers = new WeakMap<BenchContext, () => void>();

/** Stops the simulator and removes the scratch directories. */
export async function closeContext(context: BenchContext): Promise<void> {
  await context.sim.stop();
  closers.get(context)?.();
}

/** Forgets our NovaEvacuate's per-instance failure memory (the simulator re-creates the same uuids on every seed). */
export function forgetFailureMemory(context: BenchContext): void {
  for (const name of readdirSync(context.inv.rscTmp)) if (name.endsWith(".failures.json")) rmSync(join(context.inv.rscTmp, name), { force: true });
}
