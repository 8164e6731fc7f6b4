// recovery_driver=masakari and =mistral end to end on the real Nova lab: the built fence_compute fences a killed compute, the
// built NovaEvacuate's monitor hands it to the back-end and records the outcome, the built fence_compute on unfences it
// (taking it off Masakari's maintenance). attrd is the recorded fake attrd_updater; no Pacemaker runs here.
import { describe, expect, it } from "vitest";
import { parseNovaMarker } from "../../src/recovery/host/nova-marker.js";
import { computeService } from "../nova/lab-compute.js";
import { expectRecoveredOnce, type FencedCompute, killAndFence, monitorUntilDone, offMaintenance, restartAndUnfence, segmentHost, useAgentsLab } from "./agents-lab.js";
import { restoreHost } from "./backend-lab.js";

const ctx = useAgentsLab({ mistral: true });

/** Kills and fences compute-N, then runs NovaEvacuate with `params` until attrd says done. */
async function failAndRecover(n: number, params: Record<string, string>): Promise<FencedCompute & { monitorMs: number }> {
  const fenced = await killAndFence(ctx.lab, ctx.attrd, n);
  const resource = await ctx.novaEvacuate(params);
  return { ...fenced, monitorMs: await monitorUntilDone(resource, ctx.attrd, fenced.host) };
}

describe("NovaEvacuate with a recovery back-end, end to end on the real lab", () => {
  it("recovery_driver=masakari: the host goes to Masakari, each server is evacuated once, the outcome and notification id land in the marker; fence_compute on takes it off maintenance", async () => {
    let failure: (FencedCompute & { monitorMs: number }) | undefined;
    try {
      failure = await failAndRecover(2, { recovery_driver: "masakari" });
      console.log(`NovaEvacuate + Masakari: fenced -> done in ${(failure.monitorMs / 1000).toFixed(1)} s, ${failure.servers.length} servers`);
      await expectRecoveredOnce(ctx.lab, failure);
      const marker = parseNovaMarker((await computeService(ctx.lab, "compute-2")).disabled_reason);
      expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "masakari", outcome: "done", recovered: String(failure.servers.length), failed: "0" } });
      const ref = marker.kind === "ours" ? marker.fields.ref : undefined;
      expect((await ctx.masakari.getNotification(ref ?? "?")).status).toBe("finished");
      expect((await segmentHost(ctx.masakari, "compute-2")).host.onMaintenance).toBe(true);
      await restartAndUnfence(ctx.lab, 2);
      expect((await segmentHost(ctx.masakari, "compute-2")).host.onMaintenance).toBe(false);
    } finally {
      await offMaintenance(ctx.masakari, "compute-2");
      if (failure) await restoreHost(ctx.lab, 2, failure.servers);
    }
  });

  it("recovery_driver=mistral: the host goes to our workflow, each server is evacuated once, the outcome and execution id land in the marker; fence_compute on unfences it", async () => {
    let failure: (FencedCompute & { monitorMs: number }) | undefined;
    try {
      // The lab's fake virt driver fails every evacuation with onSharedStorage=true: the instances are not on shared storage.
      failure = await failAndRecover(1, { recovery_driver: "mistral", no_shared_storage: "true" });
      console.log(`NovaEvacuate + Mistral: fenced -> done in ${(failure.monitorMs / 1000).toFixed(1)} s, ${failure.servers.length} servers`);
      await expectRecoveredOnce(ctx.lab, failure);
      const marker = parseNovaMarker((await computeService(ctx.lab, "compute-1")).disabled_reason);
      expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "mistral", outcome: "done", recovered: String(failure.servers.length), failed: "0" } });
      expect(marker.kind === "ours" ? marker.fields.ref : "").toMatch(/^[0-9a-f-]{36}$/);
      await restartAndUnfence(ctx.lab, 1);
    } finally {
      if (failure) await restoreHost(ctx.lab, 1, failure.servers);
    }
  });
});
