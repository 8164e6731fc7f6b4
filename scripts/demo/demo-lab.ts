// The demo's lab: the cloud lab of test/lab with the demo's sizes, a livelier NovaEvacuate and evacuation jitter.
import { type CloudLab, startCloudLab } from "../../test/lab/pacemaker/cloud-lab.js";
import { readOwner } from "../../test/lab/pacemaker/lab-ownership.js";
import { teardownRecord } from "../../test/lab/pacemaker/lab-teardown.js";
import { checkInterrupted, interruptibleProgress, unlessInterrupted } from "./interrupt.js";
import type { DemoOptions } from "./options.js";

/** Every n-th seeded instance is SHUTOFF (with 10 per host: 2 or 3 of each host's). */
const SHUTOFF_EVERY = 4;

/** Instances seeded on each host for the requested total on the compute nodes. */
export function instancesPerHost(options: Pick<DemoOptions, "instances" | "computes">): number {
  return Math.max(1, Math.ceil(options.instances / options.computes));
}

/**
 * Brings the lab up as docs/deploy.md deploys it, then makes NovaEvacuate look every `monitorInterval` seconds (and
 * at Nova every second while it evacuates) and gives evacuations their jitter; returns once all of it runs.
 * Interrupted: stops at the next step and leaves teardown to `tearDownOwnLab`.
 */
export async function bringUpDemoLab(options: DemoOptions, print: (line: string) => void, signal: AbortSignal): Promise<CloudLab> {
  const bringUp = interruptibleProgress(print, signal);
  const lab = await startCloudLab({
    computes: options.computes,
    spares: options.spares,
    serversPerHost: instancesPerHost(options),
    shutoffEvery: SHUTOFF_EVERY,
    evacuateLatencyMs: options.latencyMs,
    seed: options.seed,
    progress: bringUp.progress,
  }).finally(() => bringUp.disarm());
  checkInterrupted(signal);
  // The timeline orders the fencer's log lines (milliseconds) against Nova's records, so the demo's Nova keeps
  // milliseconds too: with whole seconds, as MariaDB stores them, an evacuation accepted in the second fence_compute
  // returned showed up before it. The tests, the chaos runs and the real Nova lab keep whole seconds.
  await lab.sim.control.setConfig({ evacuateJitterMs: options.jitterMs, wholeSecondTimestamps: false });
  print(`NovaEvacuate: monitor every ${options.monitorInterval} s, poll_interval=1 (pcs resource update)`);
  const update = await lab.pcs("resource", "update", "nova-evacuate", "poll_interval=1", "op", "monitor", `interval=${options.monitorInterval}s`, "timeout=600s");
  if (update.exitCode !== 0) throw new Error(`pcs resource update nova-evacuate exited ${update.exitCode}: ${update.all.trim()}`);
  await unlessInterrupted(lab.waitUntilRunning(lab.computes, 120_000), signal);
  return lab;
}

/** Tears down the lab this process owns, if any (also one whose bring-up was cut short); returns whether there was one. */
export async function tearDownOwnLab(lab: CloudLab | undefined): Promise<boolean> {
  if (lab) {
    await lab.teardown();
    return true;
  }
  const record = readOwner();
  if (!record || record.pid !== process.pid) return false;
  await teardownRecord(record, () => undefined);
  return true;
}
