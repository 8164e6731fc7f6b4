// The recovery engine through the built NovaEvacuate's monitor, after a real nova-compute crash fenced by the built fence_compute.
// No Pacemaker runs here: attrd is the recorded fake attrd_updater (test/fakes) put first on PATH.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeAttrd, type FakeAttrd } from "../fakes/fake-attrd.js";
import { BUNDLES, type OcfResource, fenceStdin, ocfResource, requireBundle } from "./bundles.js";
import { type LabSession, ZED_MAX, requireLab, waitFor } from "./lab.js";
import {
  type NovaServer, bootServers, computeControl, computeService, getServer, restoreSeededLab, serversOnHost,
} from "./lab-compute.js";

/** The crashed host: compute-3, with seeded lab-vm-3 (evacuable, ACTIVE) and lab-vm-6 (not evacuable, SHUTOFF). */
const N = 3;
const HOST = `compute-${N}`;
/** Our own servers on it, one ACTIVE and one SHUTOFF, both on the flavor tagged evacuable=true. */
const PREFIX = "nova-ha-recovery-";
const EVACUABLE_FLAVOR = "lab.tiny.evac";

let lab: LabSession;
let attrd: FakeAttrd;
let resource: OcfResource;
let before: NovaServer[] = [];
let crashedAt = "";

function credentials(): Record<string, string> {
  const c = lab.credentials;
  return { auth_url: c.authUrl, username: c.username, password: c.password, tenant_name: c.projectName, user_domain: c.userDomainName };
}

/** Puts the lab back as seeded: compute-3 running, unfenced; lab-vm-3 home again; our servers gone; no stray guests. */
function restoreLab(): Promise<void> {
  return restoreSeededLab(lab, PREFIX);
}

async function evacuationsSince(since: string): Promise<{ instance_uuid: string; status: string; dest_compute: string }[]> {
  const query = `migration_type=evacuation&source_compute=${HOST}&changes-since=${encodeURIComponent(since)}`;
  return (await lab.nova(`/os-migrations?${query}`, { version: ZED_MAX })).body.migrations;
}

beforeAll(async () => {
  lab = await requireLab();
  requireBundle(BUNDLES.fenceCompute);
  requireBundle(BUNDLES.novaEvacuate);
  attrd = useFakeAttrd();
  await restoreLab();
  await bootServers(lab, [
    { name: `${PREFIX}active`, flavor: EVACUABLE_FLAVOR, host: HOST },
    { name: `${PREFIX}shutoff`, flavor: EVACUABLE_FLAVOR, host: HOST, state: "SHUTOFF" },
  ]);
  before = await serversOnHost(lab, HOST);
  resource = ocfResource(BUNDLES.novaEvacuate, "nova-evacuate", { ...credentials(), poll_interval: "1" });
});

afterAll(async () => {
  resource?.remove();
  if (lab) await restoreLab();
  attrd?.remove();
});

describe("NovaEvacuate's monitor recovers a crashed, fenced compute of the real Nova (fake attrd_updater, no Pacemaker)", () => {
  it("starts from compute-3 holding ACTIVE and SHUTOFF servers, evacuable and not", () => {
    const summary = before.map((s) => `${s.name} ${s.status} ${s.flavor}`).sort();
    expect(summary).toEqual([
      "lab-vm-3 ACTIVE lab.tiny.evac",
      "lab-vm-6 SHUTOFF lab.tiny",
      `${PREFIX}active ACTIVE lab.tiny.evac`,
      `${PREFIX}shutoff SHUTOFF lab.tiny.evac`,
    ]);
  });

  it("fences the crashed host with fence_compute off: forced down, disabled with our marker, evacuate=yes", async () => {
    crashedAt = new Date(Date.now() - 1000).toISOString();
    await computeControl("kill", N);
    const run = await fenceStdin({ action: "off", plug: HOST, ...credentials() });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await computeService(lab, HOST)).toMatchObject({ forced_down: true, status: "disabled", state: "down" });
    expect(attrd.value(HOST)).toBe("yes");
  });

  it("evacuates every evacuable instance to another host in its old state, SHUTOFF included, in one monitor", async () => {
    expect((await resource.run("start")).exitCode).toBe(0);
    const monitor = await resource.run("monitor", { timeoutMs: 240_000, intervalMs: 10_000 });
    expect(monitor.exitCode, monitor.stderr).toBe(0);

    for (const old of before) {
      const now = await getServer(lab, old.id);
      const where = `${old.name} (was ${old.status} on ${HOST})`;
      expect(now, where).not.toBeNull();
      expect(now?.taskState, where).toBeNull();
      expect(now?.status, where).toBe(old.status);
      if (old.flavor === EVACUABLE_FLAVOR) expect(now?.host, `${where} must be on another host`).not.toBe(HOST);
      // Not tagged while the cloud tags instances: left alone, as the peers' instance filtering does.
      else expect(now?.host, `${where} is not evacuable and must stay`).toBe(HOST);
    }
    const evacuable = before.filter((s) => s.flavor === EVACUABLE_FLAVOR);
    const migrations = await evacuationsSince(crashedAt);
    expect(migrations.map((m) => m.instance_uuid).sort()).toEqual(evacuable.map((s) => s.id).sort());
    expect(new Set(migrations.map((m) => m.status))).toEqual(new Set(["done"]));
  });

  it("ends with the attrd flag at no and Nova's marker at nova-ha:evacuated with the counts", async () => {
    expect(attrd.value(HOST)).toBe("no");
    const service = await computeService(lab, HOST);
    expect(service).toMatchObject({ status: "disabled", forced_down: true });
    expect(service.disabled_reason).toMatch(/^nova-ha:evacuated at=\S+ recovered=3 failed=0 skipped=1$/);
  });

  it("does nothing more on the next monitor", async () => {
    const monitor = await resource.run("monitor", { timeoutMs: 60_000, intervalMs: 10_000 });
    expect(monitor.exitCode, monitor.stderr).toBe(0);
    expect(await evacuationsSince(crashedAt)).toHaveLength(3);
    expect(attrd.value(HOST)).toBe("no");
  });

  it("unfences the restarted host with fence_compute on: forced_down cleared, enabled, up", async () => {
    await computeControl("start", N);
    // The restarted compute destroys the evacuated guests and moves the migrations from done to completed.
    await waitFor("the evacuations from compute-3 to be completed", async () => {
      const statuses = (await evacuationsSince(crashedAt)).map((m) => m.status);
      return statuses.length === 3 && statuses.every((s) => s === "completed") ? true : undefined;
    }, 60_000, 1000);
    const run = await fenceStdin({ action: "on", plug: HOST, ...credentials() }, 120_000);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await computeService(lab, HOST)).toMatchObject({ forced_down: false, status: "enabled", disabled_reason: null });
    await waitFor(`${HOST} to be up`, async () => ((await computeService(lab, HOST)).state === "up" ? true : undefined), 60_000);
    const left = (await serversOnHost(lab, HOST)).map((s) => `${s.name} ${s.status}`);
    expect(left).toEqual(["lab-vm-6 SHUTOFF"]);
  });
});
