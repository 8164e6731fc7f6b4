// Runs one built agent as Pacemaker would: its own process, an operation timeout, stderr kept, SIGKILL on demand.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";

/** The repository root (bundles live in ocf/ and fence/). */
export const ROOT = resolve(import.meta.dirname, "../..");

/** The preload that skews an agent's clock. */
export const CLOCK_SKEW_PRELOAD = resolve(import.meta.dirname, "clock-skew.cjs");

/** The built bundles the campaign runs, from this tree or from CHAOS_BUNDLES_ROOT (a build of another checkout). */
export const BUNDLES = {
  NovaEvacuate: resolve(process.env.CHAOS_BUNDLES_ROOT ?? ROOT, "ocf/NovaEvacuate"),
  fence_compute: resolve(process.env.CHAOS_BUNDLES_ROOT ?? ROOT, "fence/fence_compute"),
} as const;

/** One agent action to run. */
export interface AgentAction {
  readonly label: string;
  readonly bundle: string;
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdin?: string;
  /** Pacemaker's operation timeout for this action. */
  readonly timeoutMs: number;
  /** Clock skew of this process (ms; 0: none). */
  readonly skewMs: number;
  /** Where stderr (the agent's log) goes. */
  readonly logFile: string;
  /** SIGKILL the process this long after it started (the fault, not the timeout). */
  readonly killAfterMs?: number;
}

/** How one action ended. */
export interface ActionResult {
  readonly label: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly timeoutMs: number;
  readonly skewMs: number;
  /** Killed on purpose (the sigkill fault). */
  readonly killed: boolean;
  /** Still running past its timeout plus a grace period: the campaign killed it, as Pacemaker would have. */
  readonly overran: boolean;
}

/** Grace after the timeout before the campaign kills an overrunning action (it is a violation either way). */
const OVERRUN_GRACE_MS = 1000;

/** Runs the action and resolves when its process has exited. */
export function runAgent(action: AgentAction): Promise<ActionResult> {
  const env: NodeJS.ProcessEnv = { ...action.env };
  if (action.skewMs !== 0) {
    env.NODE_OPTIONS = `--require ${CLOCK_SKEW_PRELOAD}`;
    env.CHAOS_CLOCK_SKEW_MS = String(action.skewMs);
  }
  const started = performance.now();
  const child = spawn(action.bundle, [...action.argv], { env, stdio: ["pipe", "ignore", "pipe"] });
  const log = createWriteStream(action.logFile, { flags: "a" });
  log.write(`### ${action.label} skew=${action.skewMs}ms timeout=${action.timeoutMs}ms\n`);
  child.stderr.pipe(log, { end: false });
  child.stdin.on("error", () => undefined);
  child.stdin.end(action.stdin ?? "");
  let killed = false;
  let overran = false;
  const killTimer = action.killAfterMs === undefined ? undefined : setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, action.killAfterMs);
  const overrunTimer = setTimeout(() => {
    overran = true;
    child.kill("SIGKILL");
  }, action.timeoutMs + OVERRUN_GRACE_MS);
  return new Promise((done) => {
    child.on("error", (error) => log.write(`spawn failed: ${error.message}\n`));
    child.on("close", (exitCode, signal) => {
      clearTimeout(killTimer);
      clearTimeout(overrunTimer);
      const durationMs = Math.round(performance.now() - started);
      log.end(`### ${action.label} exit=${exitCode ?? "-"} signal=${signal ?? "-"} ${durationMs}ms\n`, () =>
        done({ label: action.label, exitCode, signal, durationMs, timeoutMs: action.timeoutMs, skewMs: action.skewMs, killed, overran: overran && !killed }));
    });
  });
}
