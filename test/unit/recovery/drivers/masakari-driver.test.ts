import { describe, expect, it } from "vitest";
import { generatedTimeOf } from "../../../../src/recovery/drivers/masakari-driver.js";
import type { DriverHost } from "../../../../src/recovery/drivers/recovery-driver.js";
import { fakeMasakari } from "../../openstack/masakari/fake-masakari.js";
import { useDriverBench } from "./driver-bench.js";

const HOST: DriverHost = { host: "compute-2", failureId: "compute-2@1765076400", fencedAt: "2026-12-07T03:00:00.456Z", onSharedStorage: false };
const signal = new AbortController().signal;

const bench = useDriverBench();

describe("MasakariDriver", () => {
  it("notifies once per failure: a second controller's driver follows the same notification", async () => {
    const m = fakeMasakari();
    const fake = await bench.start(m.handler);
    const first = await bench.masakari().advance(HOST, signal);
    expect(first).toEqual({ state: "running", recovered: 0, failed: 0, ref: "n-1", detail: "notification new" });
    const other = await bench.masakari().advance(HOST, signal);
    expect(other.ref).toBe("n-1");
    expect(m.notifications).toHaveLength(1);
    expect(fake.calls("masakari").filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("follow only looks: nothing when Masakari holds no notification of the failure, the notification once there is one, pending while Masakari is down", async () => {
    const m = fakeMasakari();
    let down = false;
    const fake = await bench.start((req) => (down ? { status: 503, body: {} } : m.handler(req)));
    expect(await bench.masakari().follow(HOST, signal)).toBeUndefined();
    await bench.masakari().advance(HOST, signal);
    expect(await bench.masakari().follow(HOST, signal)).toMatchObject({ state: "running", ref: "n-1" });
    down = true;
    expect(await bench.masakari().follow({ ...HOST, ref: "n-1" }, signal)).toMatchObject({ state: "pending", ref: "n-1", detail: expect.stringMatching(/^Masakari could not be asked/) });
    expect(fake.calls("masakari").filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("sends the fencing time to the second as generated_time", () => {
    expect(generatedTimeOf("2026-12-07T03:00:00.456Z")).toBe("2026-12-07T03:00:00Z");
    expect(generatedTimeOf("2026-12-07T03:00:00")).toMatch(/^2026-12-07T\d\d:00:00Z$/);
  });

  it("finds the notification again when the answer to the POST was lost", async () => {
    const m = fakeMasakari({ loseAnswer: true });
    await bench.start(m.handler);
    const driver = bench.masakari();
    expect((await driver.advance(HOST, signal)).state).toBe("pending");
    expect(await driver.advance(HOST, signal)).toMatchObject({ state: "running", ref: "n-1" });
    expect(m.notifications).toHaveLength(1);
  });

  it("follows the existing notification after a 409", async () => {
    // Another controller's POST is not listed yet when this driver looks first: its POST gets 409, it looks again.
    const m = fakeMasakari({ conflict: true });
    m.notifications.push({ notification_uuid: "n-1", status: "running", type: "COMPUTE_HOST", generated_time: "2026-12-07T03:00:00.000000", source_host_uuid: "h-2" });
    let lists = 0;
    const fake = await bench.start((req) => {
      if (req.path === "/notifications" && req.method === "GET" && lists++ === 0) return { body: { notifications: [] } };
      return m.handler(req);
    });
    const progress = await bench.masakari().advance(HOST, signal);
    expect(progress).toMatchObject({ state: "running", ref: "n-1" });
    expect(fake.calls("masakari").filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("stays pending with the reason when Masakari refuses a host that has no notification of this failure", async () => {
    await bench.start(fakeMasakari({ conflict: true }).handler);
    const progress = await bench.masakari().advance(HOST, signal);
    expect(progress.state).toBe("pending");
    expect(progress.detail).toContain("refused the notification (409)");
  });

  it("stays pending, without throwing, while Masakari is down", async () => {
    const fake = await bench.start(() => ({ status: 503, body: {} }));
    const progress = await bench.masakari().advance(HOST, signal);
    expect(progress.state).toBe("pending");
    expect(progress.detail).toMatch(/^Masakari could not be asked, retrying: /);
    await fake.close();
    const unreachable = await bench.masakari().advance(HOST, signal);
    expect(unreachable.state).toBe("pending");
  });

  it("reports a finished notification as done with the counts from its progress messages", async () => {
    const m = fakeMasakari({ details: ["Successfully evacuate instances 'a,b' from host 'compute-2'", "Failed to evacuate instances 'c' from host 'compute-2'"] });
    await bench.start(m.handler);
    const driver = bench.masakari();
    await driver.advance(HOST, signal);
    m.notifications[0]!.status = "finished";
    expect(await driver.advance(HOST, signal)).toEqual({ state: "done", recovered: 2, failed: 1, ref: "n-1", detail: "notification finished; failed: c" });
    m.notifications[0]!.status = "ignored";
    expect((await driver.advance(HOST, signal)).state).toBe("failed");
  });

  it("still reports the end when the details (1.1) cannot be read", async () => {
    const m = fakeMasakari({ detailsStatus: 500 });
    await bench.start(m.handler);
    const driver = bench.masakari();
    await driver.advance(HOST, signal);
    m.notifications[0]!.status = "failed";
    expect(await driver.advance(HOST, signal)).toMatchObject({ state: "failed", recovered: 0, failed: 0, ref: "n-1" });
  });

  it("follows the notification id recorded in the marker, even when the segment no longer lists the host", async () => {
    const m = fakeMasakari();
    m.notifications.push({ notification_uuid: "n-7", status: "running", type: "COMPUTE_HOST", generated_time: "2026-12-07T03:00:00.000000", source_host_uuid: "h-gone" });
    const fake = await bench.start(m.handler);
    const progress = await bench.masakari().advance({ ...HOST, ref: "n-7" }, signal);
    expect(progress).toMatchObject({ state: "running", ref: "n-7" });
    expect(fake.calls("masakari").filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("follows the host's newest notification sent after the failure when the pass no longer knows the exact time (its marker was overwritten)", async () => {
    const m = fakeMasakari();
    m.notifications.push(
      { notification_uuid: "n-old", status: "finished", type: "COMPUTE_HOST", generated_time: "2026-12-07T02:40:00.000000", source_host_uuid: "h-2" },
      { notification_uuid: "n-now", status: "running", type: "COMPUTE_HOST", generated_time: "2026-12-07T03:00:00.000000", source_host_uuid: "h-2" },
    );
    const fake = await bench.start(m.handler);
    const progress = await bench.masakari().advance({ ...HOST, fencedAt: "2026-12-07T02:50:00.000Z" }, signal);
    expect(progress).toMatchObject({ state: "running", ref: "n-now" });
    expect(fake.calls("masakari").filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("looks the failure up again when the recorded notification is gone (404)", async () => {
    const m = fakeMasakari();
    await bench.start(m.handler);
    const progress = await bench.masakari().advance({ ...HOST, ref: "n-lost" }, signal);
    expect(progress).toMatchObject({ state: "running", ref: "n-1" });
    expect(m.notifications).toHaveLength(1);
  });

  it("asks nothing once aborted", async () => {
    const fake = await bench.start(fakeMasakari().handler);
    const aborted = AbortSignal.abort();
    expect((await bench.masakari().advance(HOST, aborted)).state).toBe("pending");
    expect(fake.calls("masakari")).toHaveLength(0);
  });
});
