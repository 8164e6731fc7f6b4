// Runs the compute fence agents in-process against the simulator, with the recorded fake attrd_updater on PATH.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFenceAgent } from "../../../src/kit/fence/dispatch.js";
import type { FenceAgent } from "../../../src/kit/fence/fence-agent.js";
import type { Outcome } from "../../../src/kit/runtime.js";
import { useFakeAttrd, type FakeAttrd } from "../../fakes/fake-attrd.js";
import { startSimulator } from "../../sim/index.js";
import { captureLog } from "../kit/fixtures/capture-log.js";

/** The simulator admin's password, as a stonith device would carry it. */
export const SIM_PASSWORD = "secret";

/** How a run gets its options: command-line arguments or a stdin block, as pacemaker-fenced writes it. */
export type InputMode = "argv" | "stdin";

/** What one run produced, with its log. */
export interface FenceRun extends Outcome {
  readonly log: string;
}

/** A simulator plus fake attrd for one test file. */
export interface FenceHarness {
  readonly sim: Awaited<ReturnType<typeof startSimulator>>;
  readonly attrd: FakeAttrd;
  /** Connection options for the simulator, by stdin key. */
  credentials(): Record<string, string>;
  /** Runs an agent with options given as stdin keys; argv mode turns them into --long=value options. */
  run(agent: FenceAgent, mode: InputMode, options: Record<string, string>, signal?: AbortSignal): Promise<FenceRun>;
  /** Runs an agent with raw argv, or a raw stdin text when argv is empty. */
  runRaw(agent: FenceAgent, argv: string[], stdin?: string, signal?: AbortSignal): Promise<FenceRun>;
  stop(): Promise<void>;
}

/** Turns stdin-style options into argv: "--key-with-dashes=value". */
export function toArgv(options: Record<string, string>): string[] {
  return Object.entries(options).map(([key, value]) => `--${key.replace(/_/g, "-")}=${value}`);
}

/** Turns options into a pacemaker-fenced stdin block. */
export function toStdin(options: Record<string, string>): string {
  return `${Object.entries(options).map(([key, value]) => `${key}=${value}`).join("\n")}\n`;
}

/** Starts the simulator, clears OS_* from the environment and puts the fake attrd_updater first on PATH. */
export async function startFenceHarness(): Promise<FenceHarness> {
  for (const key of Object.keys(process.env)) if (key.startsWith("OS_")) delete process.env[key];
  const attrd = useFakeAttrd();
  const sim = await startSimulator();
  const logs = mkdtempSync(join(tmpdir(), "fence-logs-"));
  const runRaw = async (agent: FenceAgent, argv: string[], stdin = "", signal = new AbortController().signal): Promise<FenceRun> => {
    const log = captureLog(logs, agent.name);
    const outcome = await runFenceAgent(agent, argv, async () => stdin, signal, log.make);
    return { ...outcome, log: log.text() };
  };
  return {
    sim,
    attrd,
    credentials: () => ({ auth_url: sim.authUrl, username: "admin", password: SIM_PASSWORD, tenant_name: "admin" }),
    run: (agent, mode, options, signal) =>
      mode === "argv" ? runRaw(agent, toArgv(options), "", signal) : runRaw(agent, [], toStdin(options), signal),
    runRaw,
    stop: async () => {
      await sim.stop();
      attrd.remove();
      rmSync(logs, { recursive: true, force: true });
    },
  };
}
