// One cloud lab for many test files: the cluster and the deployment stay; the cloud, the cluster's state and the
// agents' caches start over, so each file finds what a fresh lab gives it, about 40 s sooner.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimConfig } from "../../sim/cloud-model.js";
import { DEFAULT_CLOUD } from "../../sim/index.js";
import { run, runOk } from "../lab-process.js";
import type { CloudLab } from "./cloud-lab.js";
import { type CloudLabOptions, DEFAULT_EVACUATE_LATENCY_MS, DEFAULT_RECONNECT_INTERVAL, type LabShape } from "./lab-options.js";
import { CLOUD_LAB_STATE } from "./lab-ownership.js";
import { clearAgentCaches } from "./lab-teardown.js";

/** What the lab was right after its deployment: what a reset puts back. */
export interface Deployment {
  readonly shape: LabShape;
  /** The CIB's configuration section (cibadmin --query --scope configuration). */
  readonly configuration: string;
  /** The simulator's settings. */
  readonly simConfig: SimConfig;
}

/** Reads the lab's deployed state, right after startCloudLab. */
export async function rememberDeployment(lab: CloudLab, shape: LabShape): Promise<Deployment> {
  const configuration = await runOk("cibadmin", ["--query", "--scope", "configuration"], { timeoutMs: 30_000 });
  return { shape, configuration, simConfig: await lab.sim.control.config() };
}

/**
 * Puts a running lab back to its deployed state, with this file's settings:
 * - a fresh cloud in the simulator (same seed, same ids) with its deployed settings and `options`' latency;
 * - no evacuate value in attrd, no agent cache;
 * - the CIB's configuration as deployed (a file may have changed a resource), then reconnect_interval and
 *   load-threshold as `options` ask;
 * - no failed action, no fencing history; the cluster settled;
 * - an empty timeline; then waits until everything runs, as startCloudLab does.
 * Throws when the lab cannot get there in time: the caller then starts a new one.
 */
export async function resetCloudLab(lab: CloudLab, deployment: Deployment, options: CloudLabOptions): Promise<void> {
  const { shape } = deployment;
  await lab.sim.control.setConfig({ ...deployment.simConfig, evacuateLatencyMs: options.evacuateLatencyMs ?? DEFAULT_EVACUATE_LATENCY_MS });
  await lab.sim.control.reseed({
    ...DEFAULT_CLOUD, hosts: [...shape.computes, ...shape.spares], externalHeartbeat: shape.computes,
    serversPerHost: shape.serversPerHost, shutoffEvery: shape.shutoffEvery,
  });
  await lab.sim.control.resetCounts();
  for (const node of (await lab.attrd()).keys()) await runOk("attrd_updater", ["--delete", "--name", "evacuate", "--node", node]);
  clearAgentCaches();

  const file = join(CLOUD_LAB_STATE, "configuration.xml");
  await writeFile(file, deployment.configuration);
  await runOk("cibadmin", ["--replace", "--scope", "configuration", "--xml-file", file], { timeoutMs: 60_000 });
  for (const node of lab.computes) {
    await runOk("crm_resource", ["--resource", node, "--set-parameter", "reconnect_interval", "--parameter-value", options.reconnectInterval ?? DEFAULT_RECONNECT_INTERVAL]);
  }
  const threshold = ["--type", "crm_config", "--name", "load-threshold"];
  await runOk("crm_attribute", options.loadThreshold ? [...threshold, "--update", options.loadThreshold] : [...threshold, "--delete"]);
  await runOk("crm_resource", ["--cleanup"], { timeoutMs: 60_000 });
  // A node never fenced is not an error; both Pacemaker 2.1 and 3.0 take --history with --cleanup.
  await run("stonith_admin", ["--cleanup", "--history", "*"], { timeoutMs: 30_000 });
  await runOk("crm_resource", ["--wait", "--timeout", "120s"], { timeoutMs: 130_000 });

  lab.timeline.clear();
  lab.timeline.mark("lab reused");
  await lab.waitUntilRunning(lab.computes, 120_000);
  lab.timeline.mark("lab ready");
}
