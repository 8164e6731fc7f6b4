// recovery_driver=masakari and =mistral end to end on the real Nova lab: the built fence_compute fences a killed compute, the
// built NovaEvacuate's monitor hands it to the back-end and records the outcome, the built fence_compute on unfences it
// (taking it off Masakari's maintenance). attrd is the recorded fake attrd_updater; no Pacemaker runs here.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { novaHa } from "../../src/cli/nova-ha.js";
import { createMasakariApi, type MasakariApi } from "../../src/openstack/masakari/masakari-api.js";
import { attrdUpdater } from "../../src/pacemaker/attrd.js";
import { parseNovaMarker } from "../../src/recovery/host/nova-marker.js";
import { useFakeAttrd, type FakeAttrd } from "../fakes/fake-attrd.js";
import { BUNDLES, fenceStdin, ocfResource, requireBundle, type OcfResource } from "../nova/bundles.js";
import { requireLab, waitFor, type LabSession } from "../nova/lab.js";
import { computeControl, computeService, serversOnHost, type NovaServer } from "../nova/lab-compute.js";
import { evacuationsPerInstance, LAB_ENV, labBackendSession, labScript, restoreHost, verifyRecovered } from "./backend-lab.js";

const SEGMENT = "nova-ha-backends";
const WORKFLOW = new URL("../../share/workflows/nova-ha-host-evacuate.yaml", import.meta.url).pathname;
const cli = { env: LAB_ENV, makeLog: () => pino({ level: "silent" }), attrd: () => attrdUpdater() };
let lab: LabSession;
let attrd: FakeAttrd;
let masakari: Awaited<ReturnType<typeof labBackendSession>>;
let masakariApi: MasakariApi;
const resources: OcfResource[] = [];

function credentials(): Record<string, string> {
  const c = lab.credentials;
  return { auth_url: c.authUrl, username: c.username, password: c.password, tenant_name: c.projectName, user_domain: c.userDomainName };
}

/** The segment host entry of a Nova host. */
async function segmentHost(host: string) {
  for (const segment of await masakariApi.listSegments()) {
    const found = (await masakariApi.listHosts(segment.uuid)).find((h) => h.name === host);
    if (found) return { segment, host: found };
  }
  throw new Error(`${host} is in no Masakari segment`);
}

/** What one failure went through, for the checks. */
interface Failure {
  host: string;
  servers: NovaServer[];
  fencedAt: string;
  monitorMs: number;
}

/** Kills compute-N, fences it with the built fence_compute off, and runs the built NovaEvacuate's monitors until attrd says done. */
async function failAndRecover(n: number, params: Record<string, string>): Promise<Failure> {
  const host = `compute-${n}`;
  const servers = await serversOnHost(lab, host);
  expect(servers.length).toBeGreaterThan(0);
  await computeControl("kill", n);
  const fencedAt = new Date(Date.now() - 1000).toISOString();
  const fence = await fenceStdin({ action: "off", plug: host, ...credentials() });
  expect(fence.exitCode, fence.stderr).toBe(0);
  expect(attrd.value(host)).toBe("yes");
  const resource = ocfResource(BUNDLES.novaEvacuate, `nova-evacuate-${params.recovery_driver}`, { ...credentials(), poll_interval: "1", ...params });
  resources.push(resource);
  expect((await resource.run("start")).exitCode).toBe(0);
  const started = Date.now();
  await waitFor(`NovaEvacuate (${params.recovery_driver}) to record ${host} done`, async () => {
    const monitor = await resource.run("monitor", { timeoutMs: 120_000, intervalMs: 10_000 });
    expect(monitor.exitCode, monitor.stderr).toBe(0);
    return attrd.value(host) === "no" ? true : undefined;
  }, 420_000, 1_000);
  return { host, servers, fencedAt, monitorMs: Date.now() - started };
}

/** Each server evacuated exactly once and verified on another host in its old state. */
async function expectRecoveredOnce(failure: Failure): Promise<void> {
  const fenced = { driverHost: { host: failure.host, failureId: "", fencedAt: failure.fencedAt, onSharedStorage: false }, servers: failure.servers };
  expect((await verifyRecovered(lab, fenced)).filter((r) => !r.ok)).toEqual([]);
  const evacuations = await evacuationsPerInstance(lab, failure.host, failure.fencedAt);
  expect(failure.servers.map((s) => evacuations.get(s.id))).toEqual(failure.servers.map(() => 1));
}

/** Restarts the compute and unfences it with the built fence_compute on. */
async function unfence(n: number): Promise<void> {
  await computeControl("start", n);
  const run = await fenceStdin({ action: "on", plug: `compute-${n}`, ...credentials() }, 180_000);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(await computeService(lab, `compute-${n}`)).toMatchObject({ status: "enabled", disabled_reason: null });
}

beforeAll(async () => {
  lab = await requireLab();
  requireBundle(BUNDLES.fenceCompute);
  requireBundle(BUNDLES.novaEvacuate);
  attrd = useFakeAttrd();
  await labScript("masakari-up.sh");
  await labScript("mistral-up.sh");
  const segment = await novaHa(["masakari", "sync-segment", SEGMENT, "--nodes", "compute-1,compute-2,compute-3", "--recovery-method", "auto"], cli);
  expect(segment.exitCode, segment.stderr).toBe(0);
  const workflow = await novaHa(["mistral", "install-workflow", "--file", WORKFLOW], cli);
  expect(workflow.exitCode, workflow.stderr).toBe(0);
  masakari = await labBackendSession("masakari");
  masakariApi = createMasakariApi(masakari.session);
});

afterAll(async () => {
  for (const resource of resources) resource.remove();
  masakari?.close();
  attrd?.remove();
});

describe("NovaEvacuate with a recovery back-end, end to end on the real lab", () => {
  it("recovery_driver=masakari: the host goes to Masakari, each server is evacuated once, the outcome and notification id land in the marker; fence_compute on takes it off maintenance", async () => {
    let failure: Failure | undefined;
    try {
      failure = await failAndRecover(2, { recovery_driver: "masakari" });
      console.log(`NovaEvacuate + Masakari: fenced -> done in ${(failure.monitorMs / 1000).toFixed(1)} s, ${failure.servers.length} servers`);
      await expectRecoveredOnce(failure);
      const marker = parseNovaMarker((await computeService(lab, "compute-2")).disabled_reason);
      expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "masakari", outcome: "done", recovered: String(failure.servers.length), failed: "0" } });
      const ref = marker.kind === "ours" ? marker.fields.ref : undefined;
      expect((await masakariApi.getNotification(ref ?? "?")).status).toBe("finished");
      expect((await segmentHost("compute-2")).host.onMaintenance).toBe(true);
      await unfence(2);
      expect((await segmentHost("compute-2")).host.onMaintenance).toBe(false);
    } finally {
      const entry = await segmentHost("compute-2").catch(() => undefined);
      if (entry?.host.onMaintenance) await masakariApi.updateHost(entry.segment.uuid, entry.host.uuid, { onMaintenance: false });
      if (failure) await restoreHost(lab, 2, failure.servers);
    }
  });

  it("recovery_driver=mistral: the host goes to our workflow, each server is evacuated once, the outcome and execution id land in the marker; fence_compute on unfences it", async () => {
    let failure: Failure | undefined;
    try {
      // The lab's fake virt driver fails every evacuation with onSharedStorage=true: the instances are not on shared storage.
      failure = await failAndRecover(1, { recovery_driver: "mistral", no_shared_storage: "true" });
      console.log(`NovaEvacuate + Mistral: fenced -> done in ${(failure.monitorMs / 1000).toFixed(1)} s, ${failure.servers.length} servers`);
      await expectRecoveredOnce(failure);
      const marker = parseNovaMarker((await computeService(lab, "compute-1")).disabled_reason);
      expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "mistral", outcome: "done", recovered: String(failure.servers.length), failed: "0" } });
      expect(marker.kind === "ours" ? marker.fields.ref : "").toMatch(/^[0-9a-f-]{36}$/);
      await unfence(1);
    } finally {
      if (failure) await restoreHost(lab, 1, failure.servers);
    }
  });
});
