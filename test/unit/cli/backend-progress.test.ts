// `nova-ha status` for hosts handed to a back-end: the marker's record and the back-end's live state, through fake back-ends over HTTP.
import { afterEach, describe, expect, it } from "vitest";
import { backendReader, withBackendProgress } from "../../../src/cli/backend-progress.js";
import type { HostStatus } from "../../../src/cli/host-status.js";
import { memoryLogger } from "../openstack/fake-server.js";
import { fakeMasakari } from "../openstack/masakari/fake-masakari.js";
import { startFakeBackends, type FakeBackends } from "../openstack/masakari/fake-backends.js";
import { fakeMistral } from "../openstack/mistral/fake-mistral.js";

let fake: FakeBackends | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A row as hostStatuses makes it, for a disabled host with this reason. */
function row(phase: HostStatus["phase"], reason: string): HostStatus {
  return {
    host: "compute-1", attrdHost: "compute-1", attrd: "ctl-1@1796600000", phase, detail: "NovaEvacuate on ctl-1 is recovering its instances",
    service: { id: "1", host: "compute-1", binary: "nova-compute", status: "disabled", state: "down", forcedDown: true, disabledReason: reason, updatedAt: null },
  };
}

/** A reader with the operator's OS_* pointing at the fake Keystone. */
function reader(backends: FakeBackends) {
  const env = { OS_AUTH_URL: `${backends.server.url}/v3`, OS_USERNAME: "admin", OS_PASSWORD: "secret", OS_PROJECT_NAME: "admin", OS_INTERFACE: "public" };
  return backendReader({ interface: "public" }, { env, log: memoryLogger().logger });
}

const AT = "at=2026-12-07T03:00:05.000Z since=2026-12-07T03:00:00.000Z by=ctl-1";

describe("withBackendProgress", () => {
  it("shows the notification the marker records and what Masakari says of it now", async () => {
    const m = fakeMasakari();
    m.notifications.push({ notification_uuid: "n-1", status: "running", type: "COMPUTE_HOST", generated_time: "2026-12-07T03:00:00.000000", source_host_uuid: "h-1" });
    fake = await startFakeBackends(m.handler);
    const r = reader(fake);
    const [shown] = await withBackendProgress([row("evacuating", `nova-ha:evacuating ${AT} driver=masakari ref=n-1 state=running`)], r.read);
    r.close();
    expect(shown?.detail).toBe("NovaEvacuate on ctl-1 is recovering its instances; through Masakari, notification n-1: running; Masakari says running");
    expect(fake.calls("masakari").map((c) => c.method)).toEqual(["GET"]);
  });

  it("names a stalled recovery, and a back-end it cannot read, and goes on", async () => {
    fake = await startFakeBackends(() => ({ status: 503, body: {} }));
    const r = reader(fake);
    const [shown] = await withBackendProgress([row("evacuating", `nova-ha:evacuating ${AT} driver=mistral ref=e-1 state=stalled`)], r.read);
    r.close();
    expect(shown?.detail).toMatch(/through Mistral, execution e-1: stalled \(past backend_stall_timeout: see docs\/backends.md\); Mistral not readable: .*503/);
  });

  it("shows the outcome of an ended recovery from the marker alone, and leaves our engine's hosts as they are", async () => {
    const m = fakeMistral();
    fake = await startFakeBackends(m.handler);
    const r = reader(fake);
    const ended = row("evacuated", "nova-ha:evacuated at=2026-12-07T03:01:00.000Z recovered=1 failed=1 skipped=0 driver=mistral ref=e-1 outcome=failed");
    const ours = row("evacuated", "nova-ha:evacuated at=2026-12-07T03:01:00.000Z recovered=2 failed=0 skipped=0");
    const shown = await withBackendProgress([ended, ours], r.read);
    r.close();
    expect(shown[0]?.detail).toMatch(/; through Mistral, execution e-1: ended failed$/);
    expect(shown[1]).toEqual(ours);
    expect(fake.calls("mistral")).toEqual([]);
  });

  it("says when the back-end has no id yet (pending since fencing)", async () => {
    fake = await startFakeBackends(fakeMasakari().handler);
    const r = reader(fake);
    const [shown] = await withBackendProgress([row("evacuating", `nova-ha:evacuating ${AT} driver=masakari state=pending`)], r.read);
    r.close();
    expect(shown?.detail).toMatch(/through Masakari, no notification yet: pending$/);
  });

  it("says when recovery_driver changed while the back-end holds the recovery, and which driver recovers the next failure", async () => {
    fake = await startFakeBackends(() => ({ status: 503, body: {} }));
    const r = reader(fake);
    const [shown] = await withBackendProgress([row("evacuating", `nova-ha:evacuating ${AT} driver=masakari ref=n-1 configured=nova state=running`)], r.read);
    r.close();
    expect(shown?.detail).toMatch(/through Masakari, notification n-1: running \(recovery_driver is now nova: this recovery stays with Masakari to its end, nova recovers the next failure\); Masakari not readable/);
  });
});
