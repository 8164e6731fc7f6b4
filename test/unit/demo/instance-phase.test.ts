import { describe, expect, it } from "vitest";
import type { SimMigration, SimServer } from "../../sim/cloud-model.js";
import { instanceRow, instanceRows, novaStatus, phaseCounts } from "../../../scripts/demo/instance-phase.js";

const original = { uuid: "u1", name: "vm-00001", stopped: false };

function server(patch: Partial<SimServer>): SimServer {
  return {
    uuid: "u1", seq: 1, name: "vm-00001", projectId: "p", userId: "u", host: "compute-1", node: "compute-1", vmState: "active",
    taskState: null, powerState: 1, flavorId: "1", imageId: "i", volumeIds: [], metadata: {}, tags: [], zone: "nova",
    createdAt: 0, updatedAt: 0, launchedAt: 0, deleted: false, ...patch,
  };
}

function migration(patch: Partial<SimMigration>): SimMigration {
  return {
    id: 1, uuid: "m1", instanceUuid: "u1", sourceCompute: "compute-1", sourceNode: "compute-1", destCompute: null, destNode: null,
    destHost: null, status: "accepted", migrationType: "evacuation", projectId: "p", userId: "u", createdAt: 1000, updatedAt: null, ...patch,
  };
}

describe("instanceRow", () => {
  it.each([
    ["an untouched instance on the failed host is waiting", server({}), [], "waiting", "ACTIVE"],
    ["an instance with a rebuild task is evacuating", server({ taskState: "rebuilding" }), [migration({})], "evacuating", "REBUILD"],
    ["an accepted migration alone counts as evacuating", server({}), [migration({ status: "pre-migrating", destCompute: "spare-1" })], "evacuating", "ACTIVE"],
    ["an instance running elsewhere is recovered", server({ host: "spare-1" }), [migration({ status: "done", destCompute: "spare-1", updatedAt: 5000 })], "recovered", "ACTIVE"],
    ["a stopped instance elsewhere is recovered SHUTOFF", server({ host: "compute-2", vmState: "stopped" }), [migration({ status: "done" })], "recovered", "SHUTOFF"],
    ["an instance in ERROR is failed", server({ vmState: "error" }), [migration({ status: "failed" })], "failed", "ERROR"],
    ["a deleted instance is failed", server({ deleted: true }), [], "failed", "gone"],
  ] as const)("%s", (_title, srv, migrations, phase, status) => {
    const row = instanceRow(original, srv, migrations, "compute-1");
    expect(row.phase).toBe(phase);
    expect(row.status).toBe(status);
  });

  it("takes the destination and the attempt count from the instance's own migrations", () => {
    const row = instanceRow(original, server({ taskState: "rebuild_spawning" }), [
      migration({ id: 1, status: "failed", destCompute: "spare-2" }),
      migration({ id: 2, status: "pre-migrating", destCompute: "compute-3" }),
      migration({ id: 3, instanceUuid: "other", destCompute: "spare-1" }),
    ], "compute-1");
    expect(row).toMatchObject({ phase: "evacuating", destination: "compute-3", attempts: 2, task: "rebuild_spawning" });
  });

  it("dates a recovery by its evacuation's last update", () => {
    const row = instanceRow(original, server({ host: "spare-1" }), [migration({ status: "done", updatedAt: 7777 })], "compute-1");
    expect(row.recoveredAt).toBe(7777);
  });
});

describe("instanceRows and phaseCounts", () => {
  it("count every original instance once, a missing server as failed", () => {
    const rows = instanceRows([original, { uuid: "u2", name: "vm-00002", stopped: true }], [server({ host: "spare-1" })], [], "compute-1");
    expect(phaseCounts(rows)).toEqual({ waiting: 0, evacuating: 0, recovered: 1, failed: 1 });
  });

  it("names Nova's status from vm_state and task_state", () => {
    expect(novaStatus({ vmState: "paused", taskState: null })).toBe("PAUSED");
    expect(novaStatus({ vmState: "stopped", taskState: "rebuild_block_device_mapping" })).toBe("REBUILD");
  });
});
