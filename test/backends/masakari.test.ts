// Masakari 14 on the real Nova lab: a fenced compute recovered through MasakariDriver with recovery_method auto and reserved_host,
// with masakari-api down at fencing time, and with masakari-engine killed mid-recovery. The segment comes from `nova-ha masakari sync-segment`.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { novaHa } from "../../src/cli/nova-ha.js";
import { createMasakariApi, type MasakariApi } from "../../src/openstack/masakari/masakari-api.js";
import { MasakariDriver } from "../../src/recovery/drivers/masakari-driver.js";
import { attrdUpdater } from "../../src/pacemaker/attrd.js";
import { requireLab, type LabSession } from "../nova/lab.js";
import { getServer } from "../nova/lab-compute.js";
import { driveToEnd, evacuationsPerInstance, type FencedHost, fenceCompute, LAB_ENV, labBackendSession, labScript, restoreHost, verifyRecovered } from "./backend-lab.js";

const SEGMENT = "nova-ha-backends";
const NODES = "compute-1,compute-2,compute-3";
const cli = { env: LAB_ENV, makeLog: () => pino({ level: "silent" }), attrd: () => attrdUpdater() };
let lab: LabSession;
let backend: Awaited<ReturnType<typeof labBackendSession>>;
let api: MasakariApi;

/** `nova-ha masakari sync-segment` with the lab's three computes. */
async function syncSegment(...extra: string[]): Promise<string> {
  const outcome = await novaHa(["masakari", "sync-segment", SEGMENT, "--nodes", NODES, ...extra], cli);
  expect(outcome.stderr ?? "").toBe("");
  expect(outcome.exitCode).toBe(0);
  return outcome.stdout ?? "";
}

/** What an unfencing must also do with Masakari: take the host off maintenance (Masakari never does). */
async function clearMaintenance(host: string): Promise<void> {
  for (const segment of await api.listSegments()) {
    for (const h of await api.listHosts(segment.uuid)) {
      if (h.name === host && h.onMaintenance) await api.updateHost(segment.uuid, h.uuid, { onMaintenance: false });
    }
  }
}

async function expectEvacuatedOnce(fenced: FencedHost): Promise<void> {
  expect((await verifyRecovered(lab, fenced)).filter((r) => !r.ok)).toEqual([]);
  const evacuations = await evacuationsPerInstance(lab, fenced.driverHost.host, fenced.driverHost.fencedAt);
  expect(fenced.servers.map((s) => evacuations.get(s.id))).toEqual(fenced.servers.map(() => 1));
}

async function restore(n: number, fenced: FencedHost | undefined): Promise<void> {
  if (!fenced) return;
  await clearMaintenance(`compute-${n}`);
  await restoreHost(lab, n, fenced.servers);
}

beforeAll(async () => {
  lab = await requireLab();
  await labScript("masakari-up.sh");
  backend = await labBackendSession("masakari");
  api = createMasakariApi(backend.session);
  const out = await syncSegment("--recovery-method", "auto");
  expect(out).toMatch(new RegExp(`^segment ${SEGMENT} (created|exists|recovery_method)`));
  expect(out).toMatch(/host compute-3 (added|present)/);
});
afterAll(() => backend?.close());

describe("Masakari back-end on the real lab", () => {
  it("sync-segment is idempotent: a second run changes nothing", async () => {
    const out = await syncSegment("--recovery-method", "auto");
    expect(out).toContain(`segment ${SEGMENT} exists`);
    expect(out).not.toMatch(/added|removed|reserved/);
  });

  it("recovery_method auto: a fenced compute's servers evacuated once each, on another host, in their old state", async () => {
    let fenced: FencedHost | undefined;
    try {
      fenced = await fenceCompute(lab, 3);
      const driver = new MasakariDriver(api);
      const run = await driveToEnd(driver, fenced.driverHost, 300_000);
      console.log(`masakari auto: fenced -> ${run.last.state} in ${(run.ms / 1000).toFixed(1)} s; ${JSON.stringify(run.seen)}`);
      expect(run.last).toMatchObject({ state: "done", recovered: fenced.servers.length, failed: 0 });
      await expectEvacuatedOnce(fenced);
      // Another controller's driver follows the same notification.
      expect((await new MasakariDriver(api).advance(fenced.driverHost, new AbortController().signal)).ref).toBe(run.last.ref);
    } finally {
      await restore(3, fenced);
    }
  });

  it("recovery_method reserved_host: the servers go to the reserved host", async () => {
    let fenced: FencedHost | undefined;
    try {
      const out = await syncSegment("--recovery-method", "reserved_host", "--reserved", "compute-1");
      expect(out).toContain("host compute-1 now reserved");
      fenced = await fenceCompute(lab, 2);
      const run = await driveToEnd(new MasakariDriver(api), fenced.driverHost, 300_000);
      console.log(`masakari reserved_host: ${run.last.state} in ${(run.ms / 1000).toFixed(1)} s`);
      expect(run.last).toMatchObject({ state: "done", recovered: fenced.servers.length, failed: 0 });
      await expectEvacuatedOnce(fenced);
      for (const s of fenced.servers) expect((await getServer(lab, s.id))?.host).toBe("compute-1");
    } finally {
      await restore(2, fenced);
      await syncSegment("--recovery-method", "auto");
    }
  });

  it("stays pending while masakari-api is down at fencing time, then recovers once it is back", async () => {
    let fenced: FencedHost | undefined;
    try {
      await labScript("backends-down.sh", ["masakari-api"]);
      try {
        fenced = await fenceCompute(lab, 3);
        const whileDown = await new MasakariDriver(api).advance(fenced.driverHost, new AbortController().signal);
        expect(whileDown.state).toBe("pending");
        expect(whileDown.detail).toMatch(/^Masakari could not be asked, retrying: /);
      } finally {
        await labScript("masakari-up.sh");
      }
      const run = await driveToEnd(new MasakariDriver(api), fenced.driverHost, 300_000);
      console.log(`masakari, API back: ${run.last.state} in ${(run.ms / 1000).toFixed(1)} s`);
      expect(run.last).toMatchObject({ state: "done", recovered: fenced.servers.length, failed: 0 });
      await expectEvacuatedOnce(fenced);
    } finally {
      await restore(3, fenced);
    }
  });

  it("masakari-engine killed mid-recovery and restarted: Masakari never resumes the notification; it ends failed at its expiry, nothing evacuated twice", async () => {
    // Masakari 14 re-runs only new and error notifications; one left running by a dead engine stays running until
    // notifications_expired_interval (lab: 120 s after generated_time), then is set failed. The driver reports that outcome.
    let fenced: FencedHost | undefined;
    try {
      fenced = await fenceCompute(lab, 1);
      const driver = new MasakariDriver(api);
      const started = await driver.advance(fenced.driverHost, new AbortController().signal);
      expect(started.state).toBe("running");
      // Inside wait_period_after_service_update (5 s in the lab): the engine has disabled the host, not evacuated yet.
      await new Promise((r) => setTimeout(r, 1_000));
      await labScript("backends-down.sh", ["masakari-engine", "--kill"]);
      const whileDead = await driver.advance(fenced.driverHost, new AbortController().signal);
      expect(whileDead).toMatchObject({ state: "running", ref: started.ref });
      await labScript("masakari-up.sh");
      const run = await driveToEnd(driver, fenced.driverHost, 420_000, 2_000);
      console.log(`masakari, engine killed: ${run.last.state} (${run.last.detail ?? ""}) ${(run.ms / 1000).toFixed(1)} s after the restart; ${JSON.stringify(run.seen)}`);
      expect(run.last).toMatchObject({ state: "failed", ref: started.ref });
      const evacuations = await evacuationsPerInstance(lab, fenced.driverHost.host, fenced.driverHost.fencedAt);
      for (const s of fenced.servers) expect(evacuations.get(s.id) ?? 0).toBeLessThanOrEqual(1);
    } finally {
      await labScript("masakari-up.sh");
      await restore(1, fenced);
    }
  });
});
