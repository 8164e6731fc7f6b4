// The phase rules of `nova-ha status` and the pairing of attrd entries with Nova services.
import { describe, expect, it } from "vitest";
import { hostPhase, hostStatuses } from "../../../src/cli/host-status.js";
import { STALL_AFTER_MS, type HostPhase } from "../../../src/recovery/host/host-recovery-state.js";
import type { ComputeService } from "../../../src/openstack/types.js";
import { formatNovaMarker } from "../../../src/recovery/host/nova-marker.js";

const AT = new Date("2024-05-01T10:00:00.000Z");

/** An up, enabled nova-compute service on compute-1. */
function service(overrides: Partial<ComputeService> = {}): ComputeService {
  return {
    id: "svc-1", host: "compute-1", binary: "nova-compute", status: "enabled", state: "up",
    forcedDown: false, disabledReason: null, updatedAt: null, ...overrides,
  };
}

/** A fenced service: forced down, down, disabled with a reason. */
const fenced = (reason: string | null): Partial<ComputeService> => ({ state: "down", forcedDown: true, status: "disabled", disabledReason: reason });

describe("hostPhase", () => {
  it.each<{ title: string; service?: Partial<ComputeService>; attrd: string | undefined; phase: HostPhase; detail: RegExp }>([
    { title: "an up, enabled, unflagged host is ok", attrd: "", phase: "ok", detail: /up and enabled/ },
    { title: "attrd no after an old recovery is ok", attrd: "no", phase: "ok", detail: /up and enabled/ },
    { title: "a host down in Nova but not fenced is down", service: { state: "down" }, attrd: "", phase: "down", detail: /not fenced/ },
    {
      title: "fence_compute off (yes + fenced marker) is fenced, with the time",
      service: fenced(formatNovaMarker("fenced", AT, { by: "ctl-1" })), attrd: "yes", phase: "fenced", detail: /^fenced at 2024-05-01T10:00:00.000Z: NovaEvacuate/,
    },
    { title: "a Nova marker alone (attrd lost) still says fenced", service: fenced(formatNovaMarker("fenced", AT)), attrd: "", phase: "fenced", detail: /next monitor/ },
    { title: "the peers' fence_compute (yes, no reason) is fenced", service: fenced(null), attrd: "yes", phase: "fenced", detail: /^fenced: / },
    {
      title: "<node>@<epoch> is evacuating, by that node since that time",
      service: fenced(formatNovaMarker("evacuating", AT, { by: "ctl-2" })), attrd: "ctl-1@1714557600", phase: "evacuating", detail: /on ctl-1 .*since 2024-05-01T10:00:00.000Z/,
    },
    {
      title: "an evacuating marker with attrd unreadable is evacuating, by the marker's node",
      service: fenced(formatNovaMarker("evacuating", AT, { by: "ctl-2" })), attrd: undefined, phase: "evacuating", detail: /on ctl-2 .*since 2024-05-01T10:00:00.000Z/,
    },
    {
      title: "an evacuated marker gives the counts and what comes next",
      service: fenced(formatNovaMarker("evacuated", AT, { recovered: 5, failed: 1, skipped: 0 })), attrd: "no", phase: "evacuated", detail: /recovered=5 failed=1 skipped=0 at .*unfencing/,
    },
    {
      title: "a new yes after an earlier evacuated marker is fenced again",
      service: fenced(formatNovaMarker("evacuated", AT)), attrd: "yes", phase: "fenced", detail: /NovaEvacuate starts/,
    },
    { title: "yes on a host Nova sees up is blocked", attrd: "yes", phase: "blocked", detail: /not forced down/ },
    { title: "a pending marker on an up host is blocked", service: { status: "disabled", disabledReason: formatNovaMarker("fenced", AT) }, attrd: "", phase: "blocked", detail: /until fencing/ },
    { title: "enabled but still forced down is unfencing", service: { forcedDown: true, state: "down" }, attrd: "no", phase: "unfencing", detail: /forced_down/ },
    { title: "an operator's reason is disabled, quoted", service: { status: "disabled", disabledReason: "disk swap" }, attrd: "", phase: "disabled", detail: /"disk swap"/ },
    { title: "disabled with no reason is disabled", service: { status: "disabled" }, attrd: "", phase: "disabled", detail: /without a reason/ },
    { title: "a value that is none of the protocol's is bad-flag", attrd: "maybe", phase: "bad-flag", detail: /evacuate=maybe/ },
  ])("$title", ({ service: overrides, attrd, phase, detail }) => {
    const result = hostPhase({ service: service(overrides), attrd });
    expect(result.phase).toBe(phase);
    expect(result.detail).toMatch(detail);
  });

  it("yes for longer than the stall limit under our fenced marker, with nobody in progress, is stalled and says where to look", () => {
    const now = AT.getTime() + STALL_AFTER_MS + 1000;
    const result = hostPhase({ service: service(fenced(formatNovaMarker("fenced", AT))), attrd: "yes", now });
    expect(result.phase).toBe("stalled");
    expect(result.detail).toMatch(/flagged yes since 2024-05-01T10:00:00.000Z \(3 min\) and no evacuator picked it up/);
    expect(result.detail).toMatch(/pacemaker#3027/);
    expect(hostPhase({ service: service(fenced(formatNovaMarker("fenced", AT))), attrd: "yes", now: AT.getTime() + 60_000 }).phase).toBe("fenced");
    expect(hostPhase({ service: service(fenced(formatNovaMarker("fenced", AT))), attrd: "ctl-1@1714557600", now }).phase).toBe("evacuating");
  });

  it("an attrd entry without a Nova service is unmatched and says what to check", () => {
    expect(hostPhase({ service: undefined, attrd: "yes" })).toEqual({
      phase: "unmatched", detail: "attrd evacuate=yes names no nova-compute service: check the cluster node name against Nova's host names",
    });
  });
});

describe("hostStatuses", () => {
  const services = [service({ host: "compute-2.example.com", id: "b" }), service({ host: "compute-1.example.com", id: "a" })];

  it("pairs attrd's short node names with Nova's FQDN hosts, sorted by host", () => {
    const rows = hostStatuses(services, new Map([["compute-1", "yes"], ["compute-2", "no"]]));
    expect(rows.map((row) => [row.host, row.attrdHost, row.attrd, row.phase])).toEqual([
      ["compute-1.example.com", "compute-1", "yes", "blocked"],
      ["compute-2.example.com", "compute-2", "no", "ok"],
    ]);
  });

  it("lists a set attrd entry Nova has no service for after the services, and drops a cleared one", () => {
    const rows = hostStatuses(services, new Map([["compute-9", "yes"], ["compute-8", "no"]]));
    expect(rows.map((row) => [row.host, row.phase])).toEqual([
      ["compute-1.example.com", "ok"], ["compute-2.example.com", "ok"], ["compute-9", "unmatched"],
    ]);
  });

  it("prefers the entry that is set when attrd has a host under two names", () => {
    const rows = hostStatuses(services, new Map([["compute-1.example.com", "yes"], ["compute-1", ""]]));
    expect(rows[0]).toMatchObject({ attrdHost: "compute-1.example.com", attrd: "yes" });
  });

  it("marks every value unknown when attrd could not be read, and a host without entry as empty when it could", () => {
    expect(hostStatuses(services, undefined).map((row) => row.attrd)).toEqual([undefined, undefined]);
    expect(hostStatuses(services, new Map()).map((row) => [row.attrd, row.attrdHost])).toEqual([["", undefined], ["", undefined]]);
  });
});
