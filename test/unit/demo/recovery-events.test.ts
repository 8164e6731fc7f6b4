import { describe, expect, it } from "vitest";
import type { ClusterStatus } from "../../lab/pacemaker/cluster-status.js";
import type { InstanceRow } from "../../../scripts/demo/instance-phase.js";
import { emptySnapshot, type Snapshot } from "../../../scripts/demo/observe.js";
import { detectMilestones, type Milestone } from "../../../scripts/demo/recovery-events.js";

const KILL = 1_000_000;

function snapshot(patch: Partial<Snapshot>): Snapshot {
  return { ...emptySnapshot(KILL + 5000), ...patch };
}

function detect(snap: Snapshot, reached: Milestone[] = [], rows: InstanceRow[] = []) {
  return detectMilestones({ snapshot: snap, host: "compute-1", killAt: KILL, rows, reached: new Set(reached) });
}

const online: ClusterStatus = {
  dc: "ctl",
  nodes: [{ name: "compute-1", type: "remote", online: true, unclean: false }],
  resources: [
    { id: "compute-1", agent: "ocf:pacemaker:remote", role: "Started", failed: false, disabled: false, nodes: ["ctl"] },
    { id: "nova-compute", clone: "nova-compute-clone", agent: "ocf:openstack:NovaCompute", role: "Started", failed: false, disabled: false, nodes: ["compute-1"] },
  ],
  failures: [],
};

const recovered = (at: number): InstanceRow => ({ uuid: "u", name: "vm", stopped: false, phase: "recovered", status: "ACTIVE", host: "spare-1", attempts: 1, recoveredAt: at });

describe("detectMilestones", () => {
  it("dates the two fencing levels by the fencer's log, the power device first", () => {
    const events = detect(snapshot({
      fenceOps: [
        { action: "off", target: "compute-1", device: "power-compute-1", finishedAt: KILL + 700, rc: 0 },
        { action: "off", target: "compute-1", device: "fence-nova", finishedAt: KILL + 1900, rc: 0 },
        { action: "off", target: "compute-2", device: "power-compute-2", finishedAt: KILL + 100, rc: 0 },
      ],
    }));
    expect(events.map((e) => [e.milestone, e.at])).toEqual([["fenced-power", KILL + 700], ["fenced-nova", KILL + 1900]]);
  });

  it("ignores a fencing operation that failed or has not returned", () => {
    const events = detect(snapshot({ fenceOps: [{ action: "off", target: "compute-1", device: "power-compute-1", rc: 1, finishedAt: KILL + 1 }, { action: "off", target: "compute-1", device: "fence-nova" }] }));
    expect(events).toEqual([]);
  });

  it("sees the flag, then its clearing only once it was seen set", () => {
    expect(detect(snapshot({ attrd: new Map([["compute-1", "no"]]) })).map((e) => e.milestone)).toEqual([]);
    expect(detect(snapshot({ attrd: new Map([["compute-1", "yes"]]) })).map((e) => e.label)).toEqual(["flagged in attrd (evacuate=yes)"]);
    expect(detect(snapshot({ attrd: new Map([["compute-1", "no"]]) }), ["flagged"]).map((e) => e.milestone)).toEqual(["flag-no"]);
  });

  it("counts a flag already removed as cleared only once every instance is back", () => {
    expect(detect(snapshot({ attrd: new Map() }), ["flagged"]).map((e) => e.milestone)).toEqual([]);
    expect(detect(snapshot({ attrd: new Map() }), ["flagged", "all-recovered"]).map((e) => e.label)).toEqual(["flag cleared in attrd (evacuate removed)"]);
  });

  it("dates the first evacuation by the earliest migration created after the power-off", () => {
    const migration = { id: 1, uuid: "m", instanceUuid: "u", sourceCompute: "compute-1", sourceNode: null, destCompute: null, destNode: null, destHost: null, status: "done", migrationType: "evacuation", projectId: "p", userId: "u", updatedAt: null };
    const events = detect(snapshot({ migrations: [{ ...migration, createdAt: KILL - 50_000 }, { ...migration, createdAt: KILL + 4000 }, { ...migration, createdAt: KILL + 3000 }] }));
    expect(events.map((e) => [e.milestone, e.at])).toEqual([["first-evacuation", KILL + 3000]]);
  });

  it("counts all recovered only when every instance is, at the last recovery", () => {
    expect(detect(snapshot({}), [], [recovered(KILL + 9000), { ...recovered(0), phase: "evacuating" }])).toEqual([]);
    expect(detect(snapshot({ at: KILL + 20_000 }), [], [recovered(KILL + 9000), recovered(KILL + 8000)]).map((e) => [e.milestone, e.at])).toEqual([["all-recovered", KILL + 9000]]);
  });

  it("sees the node's return only after it was fenced, and the service in service only after NovaCompute started", () => {
    const service = { id: 1, uuid: "s", host: "compute-1", binary: "nova-compute", status: "enabled" as const, state: "up" as const, forcedDown: false, disabledReason: null, reasonHistory: [], lastHeartbeat: 0 };
    const snap = snapshot({ status: online, services: [service] });
    expect(detect(snap).map((e) => e.milestone)).toEqual([]);
    expect(detect(snap, ["fenced-power", "fenced-nova"]).map((e) => e.milestone)).toEqual(["rejoined", "nova-compute-started", "in-service"]);
    expect(detect(snapshot({ status: online, services: [{ ...service, forcedDown: true }] }), ["fenced-power", "fenced-nova"]).map((e) => e.milestone)).toEqual(["rejoined", "nova-compute-started"]);
  });

  it("names the unfencing steps by device", () => {
    const events = detect(snapshot({
      fenceOps: [
        { action: "on", target: "compute-1", device: "power-compute-1", finishedAt: KILL + 6000, rc: 0 },
        { action: "on", target: "compute-1", device: "fence-nova", finishedAt: KILL + 15000, rc: 0 },
      ],
    }), ["fenced-power", "fenced-nova"]);
    expect(events.map((e) => e.milestone)).toEqual(["powered-on", "unfenced"]);
    expect(events[0]?.label).toContain("power-compute-1 on");
  });
});
