// The built agents (npm run build) as Pacemaker runs them: fence agents with stdin or argv, OCF agents with OCF_* variables.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa, type ResultPromise } from "execa";
import { toStdin } from "../unit/agents/fence-harness.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** The bundles these tests run. */
export const BUNDLES = {
  fenceCompute: join(ROOT, "fence/fence_compute"),
  novaEvacuate: join(ROOT, "ocf/NovaEvacuate"),
  novaCompute: join(ROOT, "ocf/NovaCompute"),
} as const;

/** What one run of an agent produced. */
export interface AgentRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Fails with a clear message when a bundle was not built. */
export function requireBundle(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} does not exist: run \`npm run build\` first`);
  return path;
}

function result(r: { exitCode?: number; stdout: unknown; stderr: unknown }): AgentRun {
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Starts fence_compute with options on stdin (key=value lines, as pacemaker-fenced writes them). */
export function startFenceStdin(options: Record<string, string>, timeoutMs = 300_000, env: Record<string, string> = {}): ResultPromise {
  return execa(requireBundle(BUNDLES.fenceCompute), [], { input: toStdin(options), env, reject: false, stripFinalNewline: false, timeout: timeoutMs });
}

/** Runs fence_compute with options on stdin (and `env` added to its environment). */
export async function fenceStdin(options: Record<string, string>, timeoutMs?: number, env: Record<string, string> = {}): Promise<AgentRun> {
  return result(await startFenceStdin(options, timeoutMs, env));
}

/** The environment that runs an agent with its clock `skewMs` away from the machine's (test/chaos/clock-skew.cjs). */
export function skewedClock(skewMs: number): Record<string, string> {
  return { NODE_OPTIONS: `--require ${join(ROOT, "test/chaos/clock-skew.cjs")}`, CHAOS_CLOCK_SKEW_MS: String(skewMs) };
}

/** Runs fence_compute with command-line arguments (stdin is not read then). */
export async function fenceArgv(argv: readonly string[], env: Record<string, string> = {}): Promise<AgentRun> {
  return result(await execa(requireBundle(BUNDLES.fenceCompute), [...argv], { env, stdin: "ignore", reject: false, stripFinalNewline: false, timeout: 300_000 }));
}

/** An OCF resource of one agent: its own HA_RSCTMP, parameters as OCF_RESKEY_*, and a Pacemaker-like operation timeout. */
export interface OcfResource {
  /** Runs an action (start, stop, monitor, ...) with `timeoutMs` as OCF_RESKEY_CRM_meta_timeout. */
  run(action: string, options?: { timeoutMs?: number; intervalMs?: number; env?: Record<string, string> }): Promise<AgentRun>;
  /** The state directory (HA_RSCTMP). */
  readonly stateDir: string;
  remove(): void;
}

/** An OCF resource of the bundle at `path` named `instance` with `params`. */
export function ocfResource(path: string, instance: string, params: Record<string, string>): OcfResource {
  const stateDir = mkdtempSync(join(tmpdir(), "nova-ha-rsctmp-"));
  const reskeys = Object.fromEntries(Object.entries(params).map(([key, value]) => [`OCF_RESKEY_${key}`, value]));
  return {
    stateDir,
    async run(action, options = {}) {
      const timeoutMs = options.timeoutMs ?? 20_000;
      const env = {
        ...reskeys,
        OCF_ROOT: "/usr/lib/ocf",
        OCF_RESOURCE_INSTANCE: instance,
        HA_RSCTMP: stateDir,
        OCF_RESKEY_CRM_meta_timeout: String(timeoutMs),
        OCF_RESKEY_CRM_meta_interval: String(options.intervalMs ?? 0),
        ...options.env,
      };
      return result(await execa(requireBundle(path), [action], { env, stdin: "ignore", reject: false, stripFinalNewline: false, timeout: timeoutMs + 30_000 }));
    },
    remove: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}
