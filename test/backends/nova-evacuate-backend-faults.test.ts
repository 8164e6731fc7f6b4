// recovery_driver=masakari through the built agents when Masakari fails: its API down when the host is fenced (the host
// stays pending, the next monitors finish it), and its engine killed mid-recovery (NovaEvacuate marks the host stalled,
// sends nothing again, and records Masakari's own end, failed at the notification's expiry). Backends project only.
import { describe, expect, it } from "vitest";
import { parseNovaMarker } from "../../src/recovery/host/nova-marker.js";
import type { OcfResource } from "../nova/bundles.js";
import { waitFor } from "../nova/lab.js";
import { computeService } from "../nova/lab-compute.js";
import { expectRecoveredOnce, type FencedCompute, killAndFence, monitor, monitorUntilDone, restartAndUnfence, segmentHost, useAgentsLab } from "./agents-lab.js";
import { evacuationsPerInstance, labScript, restoreHost } from "./backend-lab.js";

const ctx = useAgentsLab();

/** The Nova marker of compute-N now. */
async function markerOf(n: number) {
  return parseNovaMarker((await computeService(ctx.lab, `compute-${n}`)).disabled_reason);
}

/** Puts compute-N back: off maintenance, restarted, servers home. */
async function restore(fenced: FencedCompute | undefined): Promise<void> {
  if (!fenced) return;
  const entry = await segmentHost(ctx.masakari, fenced.host).catch(() => undefined);
  if (entry?.host.onMaintenance) await ctx.masakari.updateHost(entry.segment.uuid, entry.host.uuid, { onMaintenance: false });
  await restoreHost(ctx.lab, fenced.n, fenced.servers);
}

describe("NovaEvacuate with Masakari failing, on the real lab", () => {
  it("masakari-api down when the host is fenced: the monitor leaves it pending, and once the API is back a later monitor recovers it", async () => {
    let fenced: FencedCompute | undefined;
    let resource: OcfResource | undefined;
    try {
      await labScript("backends-down.sh", ["masakari-api"]);
      try {
        fenced = await killAndFence(ctx.lab, ctx.attrd, 2);
        resource = await ctx.novaEvacuate({ recovery_driver: "masakari", pass_budget: "5" });
        const run = await monitor(resource);
        expect(run.stderr).toMatch(/Masakari could not be asked, retrying/);
        expect(await markerOf(2)).toMatchObject({ kind: "ours", phase: "evacuating", fields: { driver: "masakari", state: "pending" } });
        expect(ctx.attrd.value("compute-2")).toMatch(/@\d+$/);
      } finally {
        await labScript("masakari-up.sh");
      }
      const ms = await monitorUntilDone(resource as OcfResource, ctx.attrd, "compute-2");
      console.log(`NovaEvacuate + Masakari, API back: done ${(ms / 1000).toFixed(1)} s after the restart`);
      await expectRecoveredOnce(ctx.lab, fenced);
      expect(await markerOf(2)).toMatchObject({ phase: "evacuated", fields: { driver: "masakari", outcome: "done" } });
      await restartAndUnfence(ctx.lab, 2);
      expect((await segmentHost(ctx.masakari, "compute-2")).host.onMaintenance).toBe(false);
    } finally {
      await restore(fenced);
    }
  });

  it("masakari-engine killed mid-recovery: the host is marked stalled and nothing is sent again; Masakari's failure at expiry is recorded and the host unfences", async () => {
    let fenced: FencedCompute | undefined;
    try {
      fenced = await killAndFence(ctx.lab, ctx.attrd, 3);
      const resource = await ctx.novaEvacuate({ recovery_driver: "masakari", pass_budget: "3", backend_stall_timeout: "20" });
      // Short monitors until the notification's id is in the marker (a 3 s pass may end before Masakari answers on a loaded machine).
      const ref = await waitFor("the notification id in the marker", async () => {
        await monitor(resource);
        // Between Masakari's disable and the next poll the reason is Masakari's own; the pass takes it back.
        const marker = await markerOf(3);
        return marker.kind === "ours" && marker.fields.driver === "masakari" ? marker.fields.ref : undefined;
      }, 60_000, 200);
      // Most likely inside wait_period_after_service_update (5 s in the lab): Masakari disabled the host, evacuated nothing yet.
      await labScript("backends-down.sh", ["masakari-engine", "--kill"]);
      await labScript("masakari-up.sh");
      await waitFor("the host to be marked stalled", async () => {
        await monitor(resource, 60_000);
        const marker = await markerOf(3);
        return marker.kind === "ours" && marker.fields.state === "stalled" ? true : undefined;
      }, 120_000, 1_000);
      const ms = await monitorUntilDone(resource, ctx.attrd, "compute-3", 420_000);
      console.log(`NovaEvacuate + Masakari, engine killed: ended ${(ms / 1000).toFixed(1)} s after the stall`);
      expect(await markerOf(3)).toMatchObject({ phase: "evacuated", fields: { driver: "masakari", ref, outcome: "failed" } });
      const notifications = await ctx.masakari.listNotifications({ generatedSince: new Date(Date.parse(fenced.fencedAt) - 60_000).toISOString(), sourceHostUuid: (await segmentHost(ctx.masakari, "compute-3")).host.uuid });
      expect(notifications.map((n) => n.uuid)).toEqual([ref]);
      const evacuations = await evacuationsPerInstance(ctx.lab, "compute-3", fenced.fencedAt);
      for (const s of fenced.servers) expect(evacuations.get(s.id) ?? 0).toBeLessThanOrEqual(1);
      await restartAndUnfence(ctx.lab, 3);
      expect((await segmentHost(ctx.masakari, "compute-3")).host.onMaintenance).toBe(false);
    } finally {
      await labScript("masakari-up.sh");
      await restore(fenced);
    }
  });
});
