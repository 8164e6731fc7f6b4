// recovery_driver changed while Masakari holds a host's recovery, on the real Nova lab with the real Masakari: the built
// NovaEvacuate hands the host to Masakari, then runs with recovery_driver=nova; the recovery is followed to its end in
// Masakari and never started through our engine; a hand-over Masakari refused (nothing sent) goes to our engine instead.
// attrd is the recorded fake attrd_updater; no Pacemaker runs here.
import { describe, expect, it } from "vitest";
import { parseNovaMarker } from "../../src/recovery/host/nova-marker.js";
import { waitFor } from "../nova/lab.js";
import { computeService } from "../nova/lab-compute.js";
import { expectRecoveredOnce, killAndFence, monitor, monitorUntilDone, offMaintenance, restartAndUnfence, segmentHost, useAgentsLab, type FencedCompute } from "./agents-lab.js";
import { evacuationsPerInstance, restoreHost } from "./backend-lab.js";

const ctx = useAgentsLab();
const N = 2;
const HOST = `compute-${N}`;
/** The lab's flavor tagged evacuable (test/lab/nova/nova-up.sh's seed). */
const EVACUABLE_FLAVOR = "lab.tiny.evac";

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

  it("gives a hand-over Masakari refused (the host on maintenance: 409, nothing sent) to recovery_driver=nova, which recovers it once", async () => {
    const host = "compute-1";
    let fenced: FencedCompute | undefined;
    try {
      const entry = await segmentHost(ctx.masakari, host);
      await ctx.masakari.updateHost(entry.segment.uuid, entry.host.uuid, { onMaintenance: true });
      fenced = await killAndFence(ctx.lab, ctx.attrd, 1);
      const masakari = await ctx.novaEvacuate({ recovery_driver: "masakari", pass_budget: "5" });
      const refused = await monitor(masakari);
      expect(refused.stderr).toMatch(/Masakari refused the notification \(409\)/);
      expect(parseNovaMarker((await computeService(ctx.lab, host)).disabled_reason)).toMatchObject({ kind: "ours", phase: "evacuating", fields: { driver: "masakari", state: "pending" } });

      const nova = await ctx.novaEvacuate({ recovery_driver: "nova" });
      const switchedAt = Date.now();
      const logs: string[] = [];
      await waitFor(`NovaEvacuate to record ${host} done`, async () => {
        logs.push((await monitor(nova)).stderr);
        return ctx.attrd.value(host) === "no" ? true : undefined;
      }, 420_000, 1_000);
      // Our engine takes the lab's evacuable flavor only (the cloud tags one); the others stay, never evacuated.
      const evacuable = fenced.servers.filter((server) => server.flavor === EVACUABLE_FLAVOR);
      expect(evacuable.length).toBeGreaterThan(0);
      await expectRecoveredOnce(ctx.lab, { ...fenced, servers: evacuable }).catch((error: unknown) => {
        console.log(`NovaEvacuate's log:\n${logs.join("\n")}`);
        throw error;
      });
      const evacuations = await evacuationsPerInstance(ctx.lab, host, fenced.fencedAt);
      const others = fenced.servers.filter((server) => !evacuable.includes(server));
      expect(others.map((server) => evacuations.get(server.id) ?? 0)).toEqual(others.map(() => 0));
      const marker = parseNovaMarker((await computeService(ctx.lab, host)).disabled_reason);
      expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { recovered: String(evacuable.length), failed: "0", skipped: String(fenced.servers.length - evacuable.length) } });
      expect(marker.kind === "ours" ? marker.fields.driver : "?").toBeUndefined();
      expect(await ctx.masakari.listNotifications({ generatedSince: fenced.fencedAt, sourceHostUuid: entry.host.uuid })).toEqual([]);
      console.log(`hand-over refused by Masakari, switched to nova: done ${((Date.now() - switchedAt) / 1000).toFixed(1)} s after the switch, ${evacuable.length} of ${fenced.servers.length} servers evacuable`);
      await restartAndUnfence(ctx.lab, 1);
    } finally {
      await offMaintenance(ctx.masakari, host);
      if (fenced) await restoreHost(ctx.lab, 1, fenced.servers);
    }
  });
});
