// Agents whose clocks are apart from Nova's, against the real Nova: the built fence_compute and NovaEvacuate run with
// their clocks 8 s ahead and 8 s behind (test/chaos/clock-skew.cjs), and Nova's own os-migrations records show each
// instance evacuated exactly once, and the host done only once every one is verified.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeAttrd, type FakeAttrd } from "../fakes/fake-attrd.js";
import { BUNDLES, fenceStdin, ocfResource, requireBundle, skewedClock } from "./bundles.js";
import { type LabSession, ZED_MAX, requireLab, waitFor } from "./lab.js";
import { bootServers, computeControl, computeService, getServer, restoreSeededLab, serversOnHost } from "./lab-compute.js";

const N = 3;
const HOST = `compute-${N}`;
const PREFIX = "nova-ha-skew-";
const EVACUABLE_FLAVOR = "lab.tiny.evac";

let lab: LabSession;
let attrd: FakeAttrd;

/** An evacuation record as os-migrations lists it (2.59 and later carry the record's own uuid). */
interface EvacuationRecord {
  uuid: string;
  instance_uuid: string;
  status: string;
  dest_compute: string | null;
  created_at: string;
}

function credentials(): Record<string, string> {
  const c = lab.credentials;
  return { auth_url: c.authUrl, username: c.username, password: c.password, tenant_name: c.projectName, user_domain: c.userDomainName };
}

/** Every evacuation record from compute-3 (no changes-since: records never updated are listed too). */
async function evacuationsFromHost(): Promise<EvacuationRecord[]> {
  return (await lab.nova(`/os-migrations?migration_type=evacuation&source_compute=${HOST}`, { version: ZED_MAX })).body.migrations;
}

/** The records as one line each, for a failure message: which instance, where to, and how it ended. */
function shown(records: readonly EvacuationRecord[]): string {
  return records.map((m) => `${m.instance_uuid} → ${m.dest_compute ?? "?"} ${m.status} (${m.created_at})`).join("; ");
}

beforeAll(async () => {
  lab = await requireLab();
  requireBundle(BUNDLES.fenceCompute);
  requireBundle(BUNDLES.novaEvacuate);
  attrd = useFakeAttrd();
  await restoreSeededLab(lab, PREFIX);
});

afterAll(async () => {
  if (lab) await restoreSeededLab(lab, PREFIX);
  attrd?.remove();
});

describe.each([8_000, -8_000])("fence_compute and NovaEvacuate with their clocks %i ms from Nova's", (skewMs) => {
  it("evacuates each evacuable instance exactly once, verified, then unfences", async () => {
    await bootServers(lab, [
      { name: `${PREFIX}a`, flavor: EVACUABLE_FLAVOR, host: HOST },
      { name: `${PREFIX}b`, flavor: EVACUABLE_FLAVOR, host: HOST, state: "SHUTOFF" },
    ]);
    const before = await serversOnHost(lab, HOST);
    const evacuable = before.filter((server) => server.flavor === EVACUABLE_FLAVOR);
    const earlier = new Set((await evacuationsFromHost()).map((m) => m.uuid));
    const env = skewedClock(skewMs);

    await computeControl("kill", N);
    const off = await fenceStdin({ action: "off", plug: HOST, ...credentials() }, undefined, env);
    expect(off.exitCode, off.stderr).toBe(0);
    const resource = ocfResource(BUNDLES.novaEvacuate, `nova-evacuate-skew${skewMs > 0 ? "ahead" : "behind"}`, { ...credentials(), poll_interval: "1" });
    try {
      expect((await resource.run("start", { env })).exitCode).toBe(0);
      const monitor = await resource.run("monitor", { timeoutMs: 240_000, intervalMs: 10_000, env });
      expect(monitor.exitCode, monitor.stderr).toBe(0);
    } finally {
      resource.remove();
    }

    // A record that is not `done` is a rebuild Nova itself failed (and the engine then rightly tried again): the
    // message shows where, so a lab left unclean (a stray guest on the destination) is told from an engine fault.
    const records = (await evacuationsFromHost()).filter((m) => !earlier.has(m.uuid));
    expect(records.map((m) => m.instance_uuid).sort(), shown(records)).toEqual(evacuable.map((server) => server.id).sort());
    expect(new Set(records.map((m) => m.status)), shown(records)).toEqual(new Set(["done"]));
    for (const old of before) {
      const now = await getServer(lab, old.id);
      expect(now?.taskState, old.name).toBeNull();
      expect(now?.status, old.name).toBe(old.status);
      expect(now?.host !== HOST, `${old.name} moved`).toBe(old.flavor === EVACUABLE_FLAVOR);
    }
    expect(attrd.value(HOST)).toBe("no");
    expect((await computeService(lab, HOST)).disabled_reason).toMatch(new RegExp(`^nova-ha:evacuated at=\\S+ recovered=${evacuable.length} failed=0 skipped=${before.length - evacuable.length}$`));

    await computeControl("start", N);
    await waitFor("the evacuations to be completed", async () => {
      const statuses = (await evacuationsFromHost()).filter((m) => !earlier.has(m.uuid)).map((m) => m.status);
      return statuses.every((s) => s === "completed") ? true : undefined;
    }, 60_000, 1000);
    const on = await fenceStdin({ action: "on", plug: HOST, ...credentials() }, 120_000, env);
    expect(on.exitCode, on.stderr).toBe(0);
    await restoreSeededLab(lab, PREFIX);
  });
});
