import { afterEach, describe, expect, it } from "vitest";
import { createMasakariApi, isConflict } from "../../../../src/openstack/masakari/masakari-api.js";
import { startFakeBackends, type FakeBackends } from "./fake-backends.js";

let fake: FakeBackends | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const notification = (over: Record<string, unknown> = {}) => ({
  notification_uuid: "n-1", status: "new", type: "COMPUTE_HOST", generated_time: "2026-12-07T03:00:00.000000",
  source_host_uuid: "h-1", payload: {}, ...over,
});

describe("createMasakariApi", () => {
  it("notifies a stopped host as Pacemaker sees it, at microversion 1.0", async () => {
    fake = await startFakeBackends(() => ({ body: { notification: notification() } }));
    const n = await createMasakariApi(fake.session("masakari")).notifyHostDown("compute-2", "2026-12-07T03:00:00Z");
    expect(n).toMatchObject({ uuid: "n-1", status: "new", sourceHostUuid: "h-1" });
    const [call] = fake.calls("masakari");
    expect(call?.method).toBe("POST");
    expect(call?.path).toBe("/notifications");
    expect(call?.headers["openstack-api-version"]).toBe("instance-ha 1.0");
    expect(call?.body).toEqual({
      notification: {
        type: "COMPUTE_HOST", hostname: "compute-2", generated_time: "2026-12-07T03:00:00Z",
        payload: { event: "STOPPED", host_status: "NORMAL", cluster_status: "OFFLINE" },
      },
    });
  });

  it("polls at 1.0 and reads the progress messages at 1.1", async () => {
    fake = await startFakeBackends((req) => ({
      body: {
        notification: notification({
          status: "finished",
          recovery_workflow_details: req.headers["openstack-api-version"] === "instance-ha 1.1"
            ? [{ name: "EvacuateInstancesTask", progress_details: [{ message: "Successfully evacuate instances 'a,b' from host 'compute-2'" }] }]
            : undefined,
        }),
      },
    }));
    const api = createMasakariApi(fake.session("masakari"));
    expect((await api.getNotification("n-1")).progress).toEqual([]);
    expect((await api.getNotificationDetails("n-1")).progress).toEqual(["Successfully evacuate instances 'a,b' from host 'compute-2'"]);
    expect(fake.calls("masakari").map((c) => c.headers["openstack-api-version"])).toEqual(["instance-ha 1.0", "instance-ha 1.1"]);
  });

  it("sends a 409 as a conflict the driver can recognise", async () => {
    fake = await startFakeBackends(() => ({ status: 409, body: { conflictingRequest: { message: "duplicate" } } }));
    const error = await createMasakariApi(fake.session("masakari")).notifyHostDown("compute-2", "2026-12-07T03:00:00Z").catch((e: unknown) => e);
    expect(isConflict(error)).toBe(true);
    expect(fake.calls("masakari")).toHaveLength(1);
  });

  it("lists notifications of a host since a time, newest first", async () => {
    fake = await startFakeBackends(() => ({ body: { notifications: [notification({ status: "running" })] } }));
    const list = await createMasakariApi(fake.session("masakari")).listNotifications({ generatedSince: "2026-12-07T02:59:59.000Z", sourceHostUuid: "h-1" });
    expect(list.map((n) => n.status)).toEqual(["running"]);
    const query = fake.calls("masakari")[0]?.query;
    expect(query?.get("generated-since")).toBe("2026-12-07T02:59:59.000Z");
    expect(query?.get("source_host_uuid")).toBe("h-1");
    expect(query?.get("sort_dir")).toBe("desc");
  });

  it("creates segments and hosts with Masakari's field names", async () => {
    fake = await startFakeBackends((req) => req.path === "/segments"
      ? { body: { segment: { uuid: "s-1", name: "pcmk", recovery_method: "auto", service_type: "COMPUTE" } } }
      : { body: { host: { uuid: "h-1", name: "compute-1", type: "COMPUTE", control_attributes: "pacemaker-remote", reserved: false, on_maintenance: false } } });
    const api = createMasakariApi(fake.session("masakari"));
    await api.createSegment({ name: "pcmk", recoveryMethod: "auto", serviceType: "COMPUTE" });
    await api.createHost("s-1", { name: "compute-1", type: "COMPUTE", controlAttributes: "pacemaker-remote" });
    expect(fake.calls("masakari").map((c) => c.body)).toEqual([
      { segment: { name: "pcmk", recovery_method: "auto", service_type: "COMPUTE" } },
      { host: { name: "compute-1", type: "COMPUTE", control_attributes: "pacemaker-remote", reserved: false, on_maintenance: false } },
    ]);
  });
});
