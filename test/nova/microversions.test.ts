// How the real Nova (Zed) answers the microversion-dependent calls the client branches on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectOpenStack, type OpenStackConnection } from "../../src/openstack/connect.js";
import { resolveCloudConfig } from "../../src/openstack/cloud-config.js";
import { createLogger } from "../../src/kit/logger.js";
import { LAB_CLOUD, LAB_CLOUDS_YAML, type LabSession, ZED_MAX, requireLab, send } from "./lab.js";
import {
  type NovaServer, bootServers, computeControl, computeService, deleteServersNamed, restoreCompute, waitForServer,
} from "./lab-compute.js";

/** The host whose nova-compute is stopped (SIGTERM: its guests keep running) so that evacuations are accepted. */
const N = 2;
const HOST = `compute-${N}`;
const PREFIX = "nova-ha-microversion-";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let lab: LabSession;
let servers: NovaServer[] = [];
let openstack: OpenStackConnection | undefined;
let stoppedAt = "";

/** A Nova fault's message, e.g. of {"badRequest": {"message": ...}}. */
function faultMessage(body: unknown): string {
  return String((Object.values(body as Record<string, { message?: string }>)[0] ?? {}).message);
}

function evacuate(id: string, version: string, args: Record<string, unknown>) {
  return lab.nova(`/servers/${id}/action`, { method: "POST", version, body: { evacuate: args } });
}

beforeAll(async () => {
  lab = await requireLab();
  await restoreCompute(lab, N);
  await deleteServersNamed(lab, PREFIX);
  servers = await bootServers(lab, [
    { name: `${PREFIX}modern`, flavor: "lab.tiny", host: HOST },
    { name: `${PREFIX}legacy`, flavor: "lab.tiny", host: HOST },
  ]);
});

afterAll(async () => {
  openstack?.close();
  if (!lab) return;
  await restoreCompute(lab, N);
  await deleteServersNamed(lab, PREFIX);
});

describe("the real Nova's microversions", () => {
  it("offers Zed's range 2.1..2.93, and our client negotiates 2.93 (we would take up to 2.94)", async () => {
    const doc = await send(`${lab.endpoints.compute}/`);
    expect(doc.body.version).toMatchObject({ id: "v2.1", version: ZED_MAX, min_version: "2.1" });
    const latest = await lab.nova("/os-services?binary=nova-compute", { version: "latest" });
    expect(latest.headers.get("openstack-api-version")).toBe(`compute ${ZED_MAX}`);
    const beyond = await lab.nova("/os-services", { version: "2.94" });
    expect([beyond.status, faultMessage(beyond.body)]).toEqual([406, "Version 2.94 is not supported by the API. Minimum is 2.1 and maximum is 2.93."]);

    const config = resolveCloudConfig({ explicit: { cloud: LAB_CLOUD }, env: { OS_CLIENT_CONFIG_FILE: LAB_CLOUDS_YAML } });
    openstack = await connectOpenStack(config, { logger: createLogger({ name: "microversions", verbose: false }) });
    expect(openstack.compute.microversion).toBe(ZED_MAX);
    expect(openstack.compute.supports("2.53")).toBe(true);
  });

  it("has forced_down on services from 2.11 only, and service ids that are integers below 2.53 and UUIDs from 2.53", async () => {
    const at = async (version: string) => (await lab.nova(`/os-services?binary=nova-compute&host=${HOST}`, { version })).body.services[0];
    expect(await at("2.10")).not.toHaveProperty("forced_down");
    expect(await at("2.11")).toHaveProperty("forced_down", false);
    expect(typeof (await at("2.52")).id).toBe("number");
    expect((await at("2.53")).id).toMatch(UUID);
  });

  it("updates a service by host and binary below 2.53 and by UUID from 2.53, each refusing the other style", async () => {
    await computeControl("stop", N);
    stoppedAt = new Date(Date.now() - 1000).toISOString();
    const service = await computeService(lab, HOST);

    const legacy = await lab.nova("/os-services/force-down", { method: "PUT", version: "2.11", body: { host: HOST, binary: "nova-compute", forced_down: true } });
    expect([legacy.status, legacy.body]).toEqual([200, { service: { host: HOST, binary: "nova-compute", forced_down: true } }]);
    const tooOld = await lab.nova("/os-services/force-down", { method: "PUT", version: "2.10", body: { host: HOST, binary: "nova-compute", forced_down: true } });
    expect(tooOld.status).toBe(400);

    const byId = await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: "2.53", body: { status: "disabled", disabled_reason: "nova-ha:test" } });
    expect(byId.status).toBe(200);
    expect(byId.body.service).toMatchObject({ id: service.id, host: HOST, status: "disabled", disabled_reason: "nova-ha:test", forced_down: true, state: "down" });

    const idBelow253 = await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: "2.52", body: { status: "enabled" } });
    expect(idBelow253.status).toBe(400);
    const actionFrom253 = await lab.nova("/os-services/disable", { method: "PUT", version: "2.53", body: { host: HOST, binary: "nova-compute" } });
    expect(actionFrom253.status).toBe(400);
  });

  it("refuses onSharedStorage from 2.14, requires it below, and accepts evacuate without it from 2.14", async () => {
    const [modern, legacy] = servers as [NovaServer, NovaServer];
    const flagged = await evacuate(modern.id, "2.14", { onSharedStorage: false });
    expect([flagged.status, faultMessage(flagged.body)]).toEqual([400, "Invalid input for field/attribute evacuate. Value: {'onSharedStorage': False}. Additional properties are not allowed ('onSharedStorage' was unexpected)"]);
    const unflagged = await evacuate(legacy.id, "2.13", {});
    expect([unflagged.status, faultMessage(unflagged.body)]).toEqual([400, "Invalid input for field/attribute evacuate. Value: {}. 'onSharedStorage' is a required property"]);

    const accepted = await evacuate(modern.id, ZED_MAX, {});
    expect([accepted.status, accepted.body]).toEqual([200, undefined]);
    const withPassword = await evacuate(legacy.id, "2.13", { onSharedStorage: false });
    expect(withPassword.status).toBe(200);
    expect(typeof withPassword.body?.adminPass).toBe("string");

    for (const server of servers) await waitForServer(lab, server.id, { status: "ACTIVE", notHost: HOST });
  });

  it("filters os-migrations by migration_type, source_compute and (from 2.59) changes-since, and pages by uuid from 2.59", async () => {
    const base = `/os-migrations?migration_type=evacuation&source_compute=${HOST}`;
    const since = `&changes-since=${encodeURIComponent(stoppedAt)}`;
    const ours = (await lab.nova(`${base}${since}`, { version: ZED_MAX })).body.migrations as Record<string, unknown>[];
    expect(ours.map((m) => m.instance_uuid).sort()).toEqual(servers.map((s) => s.id).sort());
    for (const m of ours) expect(m).toMatchObject({ migration_type: "evacuation", source_compute: HOST, status: "done", uuid: expect.stringMatching(UUID) });

    const first = await lab.nova(`${base}${since}&limit=1`, { version: ZED_MAX });
    expect(first.body.migrations).toHaveLength(1);
    const next = new URL(first.body.migrations_links[0].href);
    expect(next.searchParams.get("marker")).toBe(first.body.migrations[0].uuid);
    const second = await lab.nova(`${base}${since}&limit=1&marker=${next.searchParams.get("marker")}`, { version: ZED_MAX });
    expect(second.body.migrations[0].uuid).not.toBe(first.body.migrations[0].uuid);

    // Below 2.59 changes-since is silently ignored (so the client filters by time itself) and there is no uuid.
    const future = `&changes-since=${encodeURIComponent("2100-01-01T00:00:00Z")}`;
    expect((await lab.nova(`${base}${future}`, { version: ZED_MAX })).body.migrations).toEqual([]);
    const old = (await lab.nova(`${base}${future}`, { version: "2.58" })).body.migrations as Record<string, unknown>[];
    expect(old.length).toBeGreaterThanOrEqual(2);
    expect(old[0]).not.toHaveProperty("uuid");
    expect(old[0]).toHaveProperty("migration_type", "evacuation");
    // Before 2.23 the records do not say their type.
    expect((await lab.nova(base, { version: "2.22" })).body.migrations[0]).not.toHaveProperty("migration_type");
    // From 2.59 unknown filters are refused.
    expect((await lab.nova("/os-migrations?source=x", { version: ZED_MAX })).status).toBe(400);
  });

  it("refuses to force a host up while done evacuations wait for its compute to restart, then allows it", async () => {
    const service = await computeService(lab, HOST);
    const early = await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: ZED_MAX, body: { forced_down: false } });
    expect([early.status, faultMessage(early.body)]).toEqual([400, expect.stringMatching(/^Unable to force up host compute-2 as `done` evacuation migration records remain/)]);
    const restored = await restoreCompute(lab, N);
    expect(restored).toMatchObject({ forced_down: false, status: "enabled", state: "up" });
  });
});
