// Runs the OCF agents in-process with an OCF environment, against the simulator and the recorded fake attrd_updater.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { runFenceAgent } from "../../../src/kit/fence/dispatch.js";
import { runResourceAgent } from "../../../src/kit/ocf/dispatch.js";
import type { ResourceAgent } from "../../../src/kit/ocf/resource-agent.js";
import type { Outcome } from "../../../src/kit/runtime.js";
import { useFakeAttrd, type FakeAttrd } from "../../fakes/fake-attrd.js";
import { startSimulator } from "../../sim/index.js";
import { captureLog } from "../kit/fixtures/capture-log.js";

/** One agent run and its log. */
export interface OcfRun extends Outcome {
  readonly log: string;
}

/** A simulator, a fake attrd and a state directory for one test file. */
export interface OcfHarness {
  readonly sim: Awaited<ReturnType<typeof startSimulator>>;
  readonly attrd: FakeAttrd;
  readonly stateDir: string;
  /** OCF_RESKEY_* for the simulator's admin. */
  credentials(): Record<string, string>;
  /** Runs `action` with instance attributes `params` and extra environment (CRM_meta_*, ...). */
  run(agent: ResourceAgent, action: string, params: Record<string, string>, env?: Record<string, string>): Promise<OcfRun>;
  /** Kills a host's nova-compute and fences it with our fence_compute, as Pacemaker's fencing level would. */
  fence(host: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the harness; OS_* variables are cleared so only the parameters count. */
export async function startOcfHarness(): Promise<OcfHarness> {
  for (const key of Object.keys(process.env)) if (key.startsWith("OS_")) delete process.env[key];
  const attrd = useFakeAttrd();
  const sim = await startSimulator();
  const stateDir = mkdtempSync(join(tmpdir(), "ocf-state-"));
  const logs = mkdtempSync(join(tmpdir(), "ocf-logs-"));
  return {
    sim, attrd, stateDir,
    credentials: () => ({ auth_url: sim.authUrl, username: "admin", password: "secret", tenant_name: "admin" }),
    run: async (agent, action, params, env = {}) => {
      const log = captureLog(logs, agent.name);
      const environment: NodeJS.ProcessEnv = {
        HA_RSCTMP: stateDir, OCF_RESOURCE_INSTANCE: "rsc", OCF_RESKEY_CRM_meta_timeout: "60000", ...env,
      };
      for (const [key, value] of Object.entries(params)) environment[`OCF_RESKEY_${key}`] = value;
      const outcome = await runResourceAgent(agent, [action], environment, new AbortController().signal, log.make);
      return { ...outcome, log: log.text() };
    },
    fence: async (host) => {
      sim.cloud.killHost(host);
      const options = { auth_url: sim.authUrl, username: "admin", password: "secret", tenant_name: "admin", action: "off", port: host };
      const stdin = Object.entries(options).map(([key, value]) => `${key}=${value}`).join("\n");
      const outcome = await runFenceAgent(fenceCompute, [], async () => stdin, new AbortController().signal, captureLog(logs, "fence").make);
      if (outcome.exitCode !== 0) throw new Error(`fence_compute off failed: ${outcome.stderr ?? ""}`);
    },
    stop: async () => {
      await sim.stop();
      attrd.remove();
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(logs, { recursive: true, force: true });
    },
  };
}
