// NovaCompute's start on a host Masakari recovered, on the real Nova lab with the real Masakari: the node comes back
// without our unfencing (no fence_compute on), the built NovaCompute start takes it off Masakari's maintenance, and the
// host's next failure is notified and recovered again. attrd is the recorded fake attrd_updater; no Pacemaker runs here.
import { describe, expect, it } from "vitest";
import { parseNovaMarker } from "../../src/recovery/host/nova-marker.js";
import { BUNDLES, ocfResource, requireBundle } from "../nova/bundles.js";
import { LAB_CLOUD, LAB_CLOUDS_YAML } from "../nova/lab.js";
import { computeControl, computeService } from "../nova/lab-compute.js";
import {
  agentCredentials, expectRecoveredOnce, killAndFence, monitorUntilDone, offMaintenance, segmentHost, useAgentsLab, type FencedCompute,
} from "./agents-lab.js";
import { restoreHost } from "./backend-lab.js";

const ctx = useAgentsLab();
const N = 3;
const HOST = `compute-${N}`;

/** The notification id of the host's `evacuated` marker, which must say Masakari recovered every server. */
async function recordedNotification(fenced: FencedCompute): Promise<string> {
  const marker = parseNovaMarker((await computeService(ctx.lab, HOST)).disabled_reason);
  expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "masakari", outcome: "done", recovered: String(fenced.servers.length), failed: "0" } });
  return marker.kind === "ours" ? (marker.fields.ref ?? "") : "";
}

describe("NovaCompute start after a recovery through Masakari, on the real lab", () => {
  it("takes the host off Masakari's maintenance without fence_compute on, so that its second failure is notified and recovered", async () => {
    requireBundle(BUNDLES.novaCompute);
    const onMaintenance = async () => (await segmentHost(ctx.masakari, HOST)).host.onMaintenance;
    let fenced: FencedCompute | undefined;
    try {
      fenced = await killAndFence(ctx.lab, ctx.attrd, N);
      const evacuator = await ctx.novaEvacuate({ recovery_driver: "masakari" });
      const firstMs = await monitorUntilDone(evacuator, ctx.attrd, HOST);
      await expectRecoveredOnce(ctx.lab, fenced);
      const first = await recordedNotification(fenced);
      expect(await onMaintenance()).toBe(true);

      // The node comes back and nova-compute runs; nobody unfences: NovaCompute's start (the gate, with Masakari's
      // credentials through backend_cloud) waits for the recovery, takes the host off maintenance and re-enables it.
      await computeControl("start", N);
      const compute = ocfResource(BUNDLES.novaCompute, `nova-compute-${N}`, { ...agentCredentials(ctx.lab), host: HOST, wait_only: "true", backend_cloud: LAB_CLOUD });
      try {
        const start = await compute.run("start", { timeoutMs: 300_000, env: { OS_CLIENT_CONFIG_FILE: LAB_CLOUDS_YAML } });
        expect(start.exitCode, start.stderr).toBe(0);
        expect(start.stderr).toContain("Masakari: host taken off maintenance in its segment");
      } finally {
        compute.remove();
      }
      expect(await onMaintenance()).toBe(false);
      expect(await computeService(ctx.lab, HOST)).toMatchObject({ status: "enabled", disabled_reason: null });

      // The second failure of the same host: its servers back home, killed and fenced again.
      await restoreHost(ctx.lab, N, fenced.servers);
      fenced = await killAndFence(ctx.lab, ctx.attrd, N);
      const secondMs = await monitorUntilDone(evacuator, ctx.attrd, HOST);
      await expectRecoveredOnce(ctx.lab, fenced);
      const second = await recordedNotification(fenced);
      expect(second).not.toBe(first);
      expect((await ctx.masakari.getNotification(second)).status).toBe("finished");
      console.log(`NovaCompute + Masakari: first failure fenced -> done in ${(firstMs / 1000).toFixed(1)} s, second in ${(secondMs / 1000).toFixed(1)} s, ${fenced.servers.length} servers each`);
    } finally {
      await offMaintenance(ctx.masakari, HOST);
      if (fenced) await restoreHost(ctx.lab, N, fenced.servers);
    }
  });
});
