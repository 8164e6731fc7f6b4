// The steps and checks the integration tests share on a running cloud lab: pcs, a resource's state, a node back in
// service, each instance evacuated exactly once, and host watches stopped after their tests.
import { afterAll, expect } from "vitest";
import { resourceInstances, startedOn } from "../lab/pacemaker/cluster-status.js";
import type { CloudLab } from "../lab/pacemaker/cloud-lab.js";
import { HostWatch } from "../lab/pacemaker/host-watch.js";
import { waitFor } from "../lab/lab-timeline.js";
import { evacuateRequestsPerServer } from "../lab/pacemaker/sim-process.js";

/** Runs pcs and expects success; returns its stdout. */
export async function pcs(l: CloudLab, ...args: string[]): Promise<string> {
  const result = await l.pcs(...args);
  expect(result.exitCode, `pcs ${args.join(" ")}: ${result.all}`).toBe(0);
  return result.stdout;
}

/** Waits until a resource is started on the controller, or stopped (role Stopped, nothing pending); marks the timeline. */
export async function resourceIs(l: CloudLab, id: string, state: "Started" | "Stopped"): Promise<void> {
  await waitFor(`${id} ${state}`, async () => {
    const status = await l.status();
    if (state === "Started") return startedOn(status, id, l.controller);
    const instances = resourceInstances(status, id);
    return instances.length > 0 && instances.every((r) => r.role === "Stopped" && !r.pending);
  }, { timeoutMs: 60_000, describe: () => l.describe() });
  l.timeline.mark(`${id} ${state.toLowerCase()}`);
}

/** Waits until the node runs NovaCompute again and its service is enabled, up, not forced down (unfencing finished). */
export async function nodeBack(l: CloudLab, node: string): Promise<void> {
  await waitFor(`${node} back: NovaCompute started, service enabled and up`, async () => {
    if (!startedOn(await l.status(), "nova-compute-clone", node)) return false;
    const service = await l.sim.control.computeService(node);
    return service.status === "enabled" && !service.forcedDown && service.state === "up";
  }, { timeoutMs: 150_000, intervalMs: 1000, describe: async () => `${await l.describe()}; ${JSON.stringify(await l.sim.control.computeService(node))}` });
  l.timeline.mark(`${node} back`);
}

/** Every tracked server was evacuated exactly once: one evacuate request and one migration record each. */
export async function evacuatedOnce(l: CloudLab, w: HostWatch): Promise<void> {
  const requests = evacuateRequestsPerServer(await l.sim.control.requests());
  const migrations = await l.sim.control.migrations(w.host);
  const perServer = w.tracked.map((t) => ({
    name: t.name, requests: requests.get(t.id) ?? 0, migrations: migrations.filter((m) => m.instanceUuid === t.id).length,
  }));
  expect(perServer).toEqual(w.tracked.map((t) => ({ name: t.name, requests: 1, migrations: 1 })));
}

/**
 * Host watches stopped after the last test of the block this is called in (a file, or a describe): returns the
 * function that starts one on a node of the lab.
 */
export function useHostWatches(): (l: CloudLab, node: string) => Promise<HostWatch> {
  const watches: HostWatch[] = [];
  afterAll(async () => {
    for (const w of watches) await w.stop();
  });
  return async (l, node) => {
    const w = await HostWatch.start(node, l, l.sim.control, l.timeline);
    watches.push(w);
    return w;
  };
}
