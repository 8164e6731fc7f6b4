// recovery_driver changed while Masakari holds a host's recovery, on the real Nova lab with the real Masakari: the built
// NovaEvacuate hands the host to Masakari, then runs with recovery_driver=nova; the recovery is followed to its end in
// Masakari and never started through our engine. attrd is the recorded fake attrd_updater; no Pacemaker runs here.
import { describe, expect, it } from "vitest";
import { parseNovaMarker } from "../../src/recovery/host/nova-marker.js";
import { waitFor } from "../nova/lab.js";
import { computeService } from "../nova/lab-compute.js";
import { expectRecoveredOnce, killAndFence, monitor, monitorUntilDone, offMaintenance, restartAndUnfence, segmentHost, useAgentsLab, type FencedCompute } from "./agents-lab.js";
import { restoreHost } from "./backend-lab.js";

const ctx = useAgentsLab();
const N = 2;
const HOST = `compute-${N}`;

describe("a recovery_driver switched while Masakari holds a host, on the real lab", () => {
  it("follows Masakari's notification to its end under recovery_driver=nova, evacuating each server once, and says so", async () => {
    let fenced: FencedCompute | undefined;
    try {
      fenced = await killAndFence(ctx.lab, ctx.attrd, N);
      // Short monitors with Masakari until the host is handed over (a notification sent); the recovery then runs on.
      const masakari = await ctx.novaEvacuate({ recovery_driver: "masakari", pass_budget: "5" });
      const notifications = async () => ctx.masakari.listNotifications({ generatedSince: fenced!.fencedAt, sourceHostUuid: (await segmentHost(ctx.masakari, HOST)).host.uuid });
      const [sent] = await waitFor("NovaEvacuate to notify Masakari", async () => {
        await monitor(masakari);
        const sent = await notifications();
        return sent.length > 0 ? sent : undefined;
      }, 60_000, 0);
      const ref = sent?.uuid;
      expect(ref).toMatch(/^[0-9a-f-]{36}$/);
      // Our marker with the notification, or Masakari's own reason if its first task wrote it after the monitor's last poll.
      const reason = (await computeService(ctx.lab, HOST)).disabled_reason;
      if (reason !== "Masakari detected host failed.") expect(parseNovaMarker(reason)).toMatchObject({ kind: "ours", phase: "evacuating", fields: { driver: "masakari", ref } });

      // The operator switches to nova: the next monitors follow the same notification to its end.
      const nova = await ctx.novaEvacuate({ recovery_driver: "nova" });
      const switchedAt = Date.now();
      const first = await monitor(nova);
      expect(first.stderr).toMatch(/recovery_driver changed while the host's recovery was under way/);
      await monitorUntilDone(nova, ctx.attrd, HOST);
      const ms = Date.now() - switchedAt;
      await expectRecoveredOnce(ctx.lab, fenced);
      expect(parseNovaMarker((await computeService(ctx.lab, HOST)).disabled_reason))
        .toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "masakari", ref, outcome: "done", failed: "0" } });
      expect((await notifications()).map((n) => [n.uuid, n.status])).toEqual([[ref, "finished"]]);
      console.log(`driver switched to nova while Masakari held ${HOST}: done ${(ms / 1000).toFixed(1)} s after the switch, ${fenced.servers.length} servers`);
      await restartAndUnfence(ctx.lab, N);
    } finally {
      await offMaintenance(ctx.masakari, HOST);
      if (fenced) await restoreHost(ctx.lab, N, fenced.servers);
    }
  });
});
