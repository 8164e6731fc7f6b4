// Builders for the engine's inputs (servers, migrations, snapshots) shared by the recovery unit tests.
import type { HostSnapshot, InstancePlan } from "../../../src/recovery/engine/plan-host.js";
import { DEFAULT_RECOVERY_OPTIONS, type RecoveryOptions } from "../../../src/recovery/engine/recovery-options.js";
import { NO_TAGS } from "../../../src/recovery/engine/evacuable-tags.js";
import type { Migration, Server } from "../../../src/openstack/types.js";

/** Nothing tagged in the cloud (the engine's own constant). */
export { NO_TAGS };

/** The failure time every fixture is relative to. */
export const SINCE = Date.parse("2024-05-01T10:00:00Z");

/** An ISO time `seconds` after SINCE, in Nova's spelling (no zone, microseconds). */
export function novaTime(seconds: number): string {
  return new Date(SINCE + seconds * 1000).toISOString().replace("Z", "000");
}

/** An ACTIVE server on compute-1, untagged. */
export function server(overrides: Partial<Server> = {}): Server {
  return {
    id: "srv-1",
    name: "vm-1",
    status: "ACTIVE",
    vmState: "active",
    taskState: null,
    powerState: 1,
    host: "compute-1",
    tenantId: "tenant-1",
    flavorId: "flavor-small",
    imageId: "image-1",
    metadata: {},
    created: "2024-04-01T00:00:00Z",
    updated: "2024-04-01T00:00:00Z",
    ...overrides,
  };
}

/** An evacuation of srv-1 from compute-1, accepted 10 s after the failure. */
export function migration(overrides: Partial<Migration> = {}): Migration {
  return {
    id: "1",
    instanceUuid: "srv-1",
    status: "accepted",
    sourceCompute: "compute-1",
    destCompute: null,
    migrationType: "evacuation",
    createdAt: novaTime(10),
    updatedAt: novaTime(10),
    ...overrides,
  };
}


/** Options with short, round numbers for arithmetic in tests. */
export const OPTIONS: RecoveryOptions = {
  ...DEFAULT_RECOVERY_OPTIONS,
  instanceTimeoutMs: 300_000,
  retryLimit: 3,
  retryBackoffMs: 10_000,
};

/** A snapshot of compute-1 failed at SINCE. */
export function snapshot(overrides: Partial<HostSnapshot> = {}): HostSnapshot {
  return {
    host: "compute-1",
    since: new Date(SINCE),
    onHost: [server()],
    evacuations: [],
    changed: new Map(),
    tags: NO_TAGS,
    notBefore: SINCE,
    ...overrides,
  };
}

/** A plan, for scheduler tests. */
export function plan(overrides: Partial<InstancePlan> = {}): InstancePlan {
  return {
    id: "srv-1",
    name: "vm-1",
    outcome: "pending",
    attempts: 0,
    host: "compute-1",
    status: "ACTIVE",
    ready: true,
    priority: 0,
    created: "2024-04-01T00:00:00Z",
    ...overrides,
  };
}
