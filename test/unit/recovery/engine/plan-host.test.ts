// planHost: where each instance of a failed host stands, from one look at Nova.
import { describe, expect, it } from "vitest";
import type { Migration, Server } from "../../../../src/openstack/types.js";
import { planHost, type HostSnapshot, type InstancePlan, type RequestFailures } from "../../../../src/recovery/engine/plan-host.js";
import { migration, novaTime, OPTIONS, server, SINCE, snapshot } from "../fixtures.js";

const NO_FAILURES = new Map<string, RequestFailures>();
/** srv-1's evacuation from compute-1, accepted before any record of it was seen. */
const ACCEPTED_SRV1 = new Map([["srv-1", { host: "compute-1", name: "vm-1", acceptedAt: SINCE + 2_000, recordsKnown: 0 }]]);

/** Plans a snapshot at `seconds` after the failure and returns the one plan of `id`. */
function planOf(
  overrides: Partial<HostSnapshot>,
  seconds: number,
  failures: ReadonlyMap<string, RequestFailures> = NO_FAILURES,
  id = "srv-1",
): InstancePlan {
  const plans = planHost(snapshot(overrides), failures, OPTIONS, SINCE + seconds * 1000);
  const found = plans.find((item) => item.id === id);
  if (!found) throw new Error(`no plan for ${id} in ${JSON.stringify(plans)}`);
  return found;
}

/** Failed evacuations of srv-1, the i-th created and updated at the given seconds. */
function failedEvacuations(...seconds: number[]): Migration[] {
  return seconds.map((at, index) => migration({ id: String(index + 1), status: "failed", createdAt: novaTime(at - 5), updatedAt: novaTime(at) }));
}

describe("planHost, an instance still on the failed host", () => {
  it.each<{ title: string; server: Partial<Server> }>([
    { title: "an ACTIVE instance", server: {} },
    { title: "a SHUTOFF instance", server: { status: "SHUTOFF", vmState: "stopped", powerState: 4 } },
    { title: "an instance in ERROR", server: { status: "ERROR", vmState: "error" } },
  ])("$title with nothing submitted is pending and ready", ({ server: fields }) => {
    const result = planOf({ onHost: [server(fields)] }, 60);
    expect(result).toMatchObject({ outcome: "pending", ready: true, attempts: 0, host: "compute-1" });
    expect(result.reason).toBeUndefined();
  });

  it.each<{ title: string; fields: Partial<Server>; evacuations: Migration[]; reason: string; placing: boolean }>([
    { title: "task_state rebuilding", fields: { taskState: "rebuilding", updated: novaTime(30) }, evacuations: [], reason: "rebuilding", placing: true },
    { title: "an accepted evacuation", fields: {}, evacuations: [migration({ status: "accepted" })], reason: "accepted", placing: true },
    { title: "a running evacuation", fields: {}, evacuations: [migration({ status: "running" })], reason: "running", placing: false },
    { title: "a pre-migrating evacuation", fields: {}, evacuations: [migration({ status: "pre-migrating" })], reason: "pre-migrating", placing: false },
    { title: "an accepted evacuation already spawning", fields: { taskState: "rebuild_spawning" }, evacuations: [migration({ status: "accepted" })], reason: "rebuild_spawning", placing: false },
  ])("with $title is in progress, not ready (still placing: $placing)", ({ fields, evacuations, reason, placing }) => {
    const result = planOf({ onHost: [server(fields)], evacuations }, 60);
    expect(result).toMatchObject({ outcome: "in-progress", ready: false, reason, placing });
  });

  it("is failed with a reason once an evacuation makes no progress for longer than the instance timeout", () => {
    const evacuations = [migration({ status: "accepted", createdAt: novaTime(10) })];
    expect(planOf({ evacuations }, 10 + 300).outcome).toBe("in-progress");
    const overdue = planOf({ evacuations }, 10 + 301);
    expect(overdue).toMatchObject({ outcome: "failed", ready: false });
    expect(overdue.reason).toBe("no progress for 301 s (task accepted)");
  });

  it.each(["rebooting", "powering-off", "image_snapshot", "migrating"])(
    "with a task state %s left from before the failure and no evacuation record of it, is pending and ready",
    (taskState) => {
      const leftover = server({ taskState, updated: novaTime(0) });
      expect(planOf({ onHost: [leftover] }, 5)).toMatchObject({ outcome: "pending", ready: true, attempts: 0 });
    },
  );

  it("counts a stuck evacuation task_state from the server's last update", () => {
    const stuck = server({ taskState: "rebuild_spawning", updated: novaTime(0) });
    expect(planOf({ onHost: [stuck] }, 299).outcome).toBe("in-progress");
    expect(planOf({ onHost: [stuck] }, 301)).toMatchObject({ outcome: "failed", reason: expect.stringContaining("rebuild_spawning") });
  });

  it("with an evacuation accepted whose record no look has shown yet, is in progress and never ready", () => {
    const result = planHost(snapshot({ onHost: [server()] }), new Map(), OPTIONS, SINCE + 5_000, new Map(), ACCEPTED_SRV1);
    expect(result[0]).toMatchObject({ outcome: "in-progress", ready: false, placing: true, awaitingRecord: true });
    const seen = planHost(snapshot({ onHost: [server()], evacuations: [migration({ status: "accepted" })] }), new Map(), OPTIONS, SINCE + 5_000, new Map(), ACCEPTED_SRV1);
    expect(seen[0]).toMatchObject({ outcome: "in-progress", reason: "accepted" });
    expect(seen[0]?.awaitingRecord).toBeUndefined();
  });

  it("with an evacuation's task state, is followed even when the selection (tagged) no longer takes it, and skipped if it stalls", () => {
    // A pass resumed before any destination claimed sees what an earlier pass sent only by its task state, and the
    // image may have lost its tag since: the instance is still followed, not counted skipped while it is rebuilt.
    const sent = server({ taskState: "rebuilding", updated: novaTime(10) });
    const tagged = { selection: "tagged" as const, onHost: [sent] };
    expect(planOf(tagged, 20)).toMatchObject({ outcome: "in-progress", reason: "rebuilding", ready: false });
    expect(planOf(tagged, 10 + 301)).toMatchObject({ outcome: "skipped", reason: expect.stringMatching(/^not tagged .*; no progress for 301 s \(task rebuilding\)$/) });
  });

  it("with an accepted evacuation, stays in progress when a look saw it neither on the host nor in a record", () => {
    // Two listings of one look answered either side of a destination's claim: the server listing after it (the
    // server has left the host), the records listing before it (a just-accepted record has no updated_at yet, and
    // changes-since skips it). The instance must not drop out of the host's plan, or the host is done unverified.
    const moved = server({ host: "compute-3", status: "ACTIVE", taskState: "rebuild_spawning" });
    const plans = planHost(snapshot({ onHost: [], evacuations: [], changed: new Map([["srv-1", moved]]) }), new Map(), OPTIONS, SINCE + 5_000, new Map(), ACCEPTED_SRV1);
    expect(plans).toEqual([expect.objectContaining({ id: "srv-1", outcome: "in-progress", ready: false, awaitingRecord: true })]);
    const unknown = planHost(snapshot({ onHost: [], evacuations: [] }), new Map(), OPTIONS, SINCE + 5_000, new Map(), ACCEPTED_SRV1);
    expect(unknown).toEqual([expect.objectContaining({ id: "srv-1", outcome: "in-progress", awaitingRecord: true })]);
    // Deleted meanwhile: skipped. Never seen again for longer than the instance timeout: failed, with the reason.
    const deleted = new Map([["srv-1", server({ host: null, status: "DELETED" })]]);
    expect(planHost(snapshot({ onHost: [], changed: deleted }), new Map(), OPTIONS, SINCE + 5_000, new Map(), ACCEPTED_SRV1)).toEqual([
      expect.objectContaining({ id: "srv-1", outcome: "skipped", reason: "deleted while being recovered", awaitingRecord: true }),
    ]);
    expect(planHost(snapshot({ onHost: [] }), new Map(), OPTIONS, SINCE + 2_000 + 301_000, new Map(), ACCEPTED_SRV1)).toEqual([
      expect.objectContaining({ id: "srv-1", outcome: "failed", reason: "accepted 301 s ago, and Nova has shown no record of it since", awaitingRecord: true }),
    ]);
    // Another host's accepted evacuation is not this host's.
    expect(planHost(snapshot({ host: "compute-9", onHost: [], evacuations: [] }), new Map(), OPTIONS, SINCE + 5_000, new Map(), ACCEPTED_SRV1)).toEqual([]);
  });

  it.each([
    { status: "PAUSED", vmState: "paused" },
    { status: "SUSPENDED", vmState: "suspended" },
    { status: "RESCUE", vmState: "rescued" },
    { status: "SHELVED", vmState: "shelved" },
  ])("in state $vmState is reported failed with a reason naming the state", ({ status, vmState }) => {
    const result = planOf({ onHost: [server({ status, vmState })] }, 60);
    expect(result).toMatchObject({ outcome: "failed", ready: false });
    expect(result.reason).toContain(vmState);
  });

  it("counts attempts from evacuations since the failure plus failed requests", () => {
    const failures = new Map([["srv-1", { count: 1, lastAt: SINCE + 30_000, lastError: "Nova answered 500" }]]);
    const result = planOf({ evacuations: failedEvacuations(20) }, 200, failures);
    expect(result).toMatchObject({ outcome: "pending", attempts: 2, ready: true });
    expect(result.reason).toBe("retry 3 of 3 after Nova answered 500");
  });

  it("ignores evacuations created before the failure time", () => {
    const old = [
      migration({ id: "1", status: "failed", createdAt: novaTime(-300), updatedAt: novaTime(-290) }),
      migration({ id: "2", status: "accepted", createdAt: novaTime(-100), updatedAt: novaTime(-100) }),
    ];
    expect(planOf({ evacuations: old }, 60)).toMatchObject({ outcome: "pending", attempts: 0, ready: true });
  });

  it("ignores failed requests remembered from before the failure time", () => {
    const failures = new Map([["srv-1", { count: 3, lastAt: SINCE - 60_000, lastError: "Nova answered 500" }]]);
    expect(planOf({}, 60, failures)).toMatchObject({ outcome: "pending", attempts: 0, ready: true });
  });

  it("reads Nova's zone-less times as UTC, whatever the local zone", () => {
    // Created 1 s after the failure in Nova's spelling; read as Tokyo time it would be 9 h before the failure.
    const zone = process.env.TZ;
    process.env.TZ = "Asia/Tokyo";
    try {
      const evacuations = [migration({ status: "failed", createdAt: novaTime(1), updatedAt: novaTime(1) })];
      expect(planOf({ evacuations }, 60).attempts).toBe(1);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it.each([
    { title: "after one failed attempt it waits one backoff", failedAt: [20], readyAt: 30 },
    { title: "after two failed attempts it waits twice as long", failedAt: [20, 40], readyAt: 60 },
  ])("$title before retrying", ({ failedAt, readyAt }) => {
    const options = { ...OPTIONS, retryLimit: 5 };
    const at = (seconds: number) => planHost(snapshot({ evacuations: failedEvacuations(...failedAt) }), NO_FAILURES, options, SINCE + seconds * 1000)[0];
    expect(at(readyAt - 0.001)).toMatchObject({ outcome: "pending", ready: false, attempts: failedAt.length });
    expect(at(readyAt)).toMatchObject({ outcome: "pending", ready: true });
  });

  it("backs off from a failed request the same way", () => {
    const failures = new Map([["srv-1", { count: 1, lastAt: SINCE + 50_000, lastError: "timeout" }]]);
    expect(planOf({}, 59.999, failures).ready).toBe(false);
    expect(planOf({}, 60, failures).ready).toBe(true);
  });

  it("gives up at the retry limit with the last error", () => {
    const result = planOf({ evacuations: failedEvacuations(20, 40, 60) }, 1000);
    expect(result).toMatchObject({ outcome: "failed", ready: false, attempts: 3 });
    expect(result.reason).toBe("gave up after 3 attempts (last: migration failed)");
  });

  it("gives up at the retry limit on failed requests alone", () => {
    const failures = new Map([["srv-1", { count: 3, lastAt: SINCE + 100_000, lastError: "Nova answered 500" }]]);
    expect(planOf({}, 1000, failures).reason).toBe("gave up after 3 attempts (last: Nova answered 500)");
  });

  it("watches an evacuation in flight even past the retry limit", () => {
    const evacuations = [...failedEvacuations(20, 40, 60), migration({ id: "9", status: "migrating", createdAt: novaTime(80) })];
    expect(planOf({ evacuations }, 100)).toMatchObject({ outcome: "in-progress", attempts: 4 });
  });

  it("respects evacuate_delay: no first request before notBefore", () => {
    const delayed = { notBefore: SINCE + 120_000 };
    expect(planOf(delayed, 119)).toMatchObject({ outcome: "pending", ready: false });
    expect(planOf(delayed, 120)).toMatchObject({ outcome: "pending", ready: true });
  });

  it("respects evacuate_delay for retries too", () => {
    const delayed = { notBefore: SINCE + 120_000, evacuations: failedEvacuations(20) };
    expect(planOf(delayed, 60).ready).toBe(false);
  });

  it("skips what the selection leaves out, and everything with instance_filtering off", () => {
    const tags = { flavorIds: new Set(["flavor-ha"]), flavorNames: new Set<string>(), imageIds: new Set<string>() };
    const onHost = [server(), server({ id: "srv-2", flavorId: "flavor-ha" })];
    const plans = planHost(snapshot({ onHost, tags }), NO_FAILURES, OPTIONS, SINCE + 60_000);
    expect(plans.map((item) => [item.id, item.outcome])).toEqual([["srv-1", "skipped"], ["srv-2", "pending"]]);
    expect(plans[0]?.reason).toContain("not tagged evacuable");

    const off = planHost(snapshot({ onHost }), NO_FAILURES, { ...OPTIONS, instanceFiltering: false }, SINCE + 60_000);
    expect(off.map((item) => [item.outcome, item.reason])).toEqual([["skipped", "instance_filtering is off"], ["skipped", "instance_filtering is off"]]);
  });

  it("carries priority and creation time for the scheduler", () => {
    const result = planOf({ onHost: [server({ metadata: { evacuation_priority: "7" }, created: "2024-03-03T00:00:00Z" })] }, 60);
    expect(result).toMatchObject({ priority: 7, created: "2024-03-03T00:00:00Z" });
  });
});

describe("planHost, an instance no longer on the failed host", () => {
  const done = [migration({ status: "done", destCompute: "compute-2", updatedAt: novaTime(40) })];

  it.each<{ title: string; moved: Partial<Server> | undefined; outcome: InstancePlan["outcome"]; reason?: string | RegExp }>([
    { title: "ACTIVE on another host with no task is recovered", moved: { host: "compute-2" }, outcome: "recovered" },
    { title: "SHUTOFF on another host is recovered (it stays off)", moved: { host: "compute-2", status: "SHUTOFF", vmState: "stopped" }, outcome: "recovered" },
    { title: "still rebuilding on another host is in progress", moved: { host: "compute-2", status: "REBUILD", taskState: "rebuild_spawning" }, outcome: "in-progress", reason: /rebuild_spawning on compute-2/ },
    { title: "in ERROR on another host is failed", moved: { host: "compute-2", status: "ERROR", vmState: "error" }, outcome: "failed", reason: "rebuild failed on compute-2" },
    { title: "deleted is skipped", moved: { host: null, status: "DELETED", vmState: "deleted" }, outcome: "skipped", reason: /deleted/ },
    { title: "unknown to Nova is skipped", moved: undefined, outcome: "skipped", reason: /no longer knows/ },
  ])("$title", ({ moved, outcome, reason }) => {
    const changed = new Map(moved ? [["srv-1", server(moved)]] : []);
    const result = planOf({ onHost: [], evacuations: done, changed }, 60);
    expect(result).toMatchObject({ outcome, attempts: 1, ready: false });
    if (moved) expect(result.host).toBe(moved.host);
    if (reason instanceof RegExp) expect(result.reason).toMatch(reason);
    else expect(result.reason).toBe(reason);
  });

  it("is failed once a rebuild on the destination makes no progress for longer than the instance timeout", () => {
    const accepted = [migration({ status: "accepted", createdAt: novaTime(10), updatedAt: novaTime(10) })];
    const changed = new Map([["srv-1", server({ host: "compute-2", status: "REBUILD", taskState: "rebuild_spawning" })]]);
    expect(planOf({ onHost: [], evacuations: accepted, changed }, 10 + 300).outcome).toBe("in-progress");
    expect(planOf({ onHost: [], evacuations: accepted, changed }, 10 + 301)).toMatchObject({
      outcome: "failed", reason: "no progress for 301 s (task rebuild_spawning on compute-2)", host: "compute-2",
    });
  });

  it("ignores servers that moved for an older failure", () => {
    const old = [migration({ status: "done", createdAt: novaTime(-600), updatedAt: novaTime(-590) })];
    const plans = planHost(snapshot({ onHost: [], evacuations: old, changed: new Map([["srv-1", server({ host: "compute-2" })]]) }), NO_FAILURES, OPTIONS, SINCE + 60_000);
    expect(plans).toEqual([]);
  });
});
