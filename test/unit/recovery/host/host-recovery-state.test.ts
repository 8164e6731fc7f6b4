// The host's recovery state: both halves read and written, the protocol tables pinned cell by cell, and the pairing.
import { describe, expect, it } from "vitest";
import type { ComputeService } from "../../../../src/openstack/types.js";
import {
  attrdOwesRecovery, attrdReading, disableDecision, evacuatedMarker, evacuatingMarker, fencedMarker, hostPhase,
  inProgressValue, markerFields, markerOwesRecovery, markerReading, mayEnable, mayRecord, needsRecovery, pairHosts,
  parseAttrdValue, pickUpStep, reasonReading, unfenceRule, DONE_VALUE, REQUESTED_VALUE,
  type AttrdReading, type AttrdValue, type HostPhase, type MarkerReading, type UnfenceStep,
} from "../../../../src/recovery/host/host-recovery-state.js";
import { formatNovaMarker } from "../../../../src/recovery/host/nova-marker.js";

const NOW = new Date("2024-05-01T10:00:00.000Z");
const ATTRD: readonly AttrdReading[] = ["yes", "in-progress", "no", "absent", "unknown"];
const MARKERS: readonly MarkerReading[] = ["fenced", "evacuating", "evacuated", "none", "foreign"];

/** A raw attrd value for each reading. */
const RAW: Record<AttrdReading, string> = { yes: "yes", "in-progress": "ctl-1@1714557600", no: "no", absent: "", unknown: "true" };
/** A disabled_reason for each marker reading. */
const REASON: Record<MarkerReading, string | null> = {
  fenced: formatNovaMarker("fenced", NOW), evacuating: formatNovaMarker("evacuating", NOW), evacuated: formatNovaMarker("evacuated", NOW),
  none: null, foreign: "maintenance",
};

describe("the attrd half", () => {
  it.each<{ value: string | undefined; expected: AttrdValue }>([
    { value: undefined, expected: { reading: "absent" } },
    { value: "", expected: { reading: "absent" } },
    { value: "  ", expected: { reading: "absent" } },
    { value: "no", expected: { reading: "no" } },
    { value: " no\n", expected: { reading: "no" } },
    { value: "yes", expected: { reading: "yes" } },
    { value: "ctl-1@1714557600", expected: { reading: "in-progress", by: "ctl-1", sinceEpoch: 1714557600 } },
    { value: "controller-0@1714557600", expected: { reading: "in-progress", by: "controller-0", sinceEpoch: 1714557600 } },
    { value: "ctl-1.example.com@1714557600", expected: { reading: "in-progress", by: "ctl-1.example.com", sinceEpoch: 1714557600 } },
    { value: "ctl-1@", expected: { reading: "unknown" } },
    { value: "YES", expected: { reading: "unknown" } },
    { value: "maybe", expected: { reading: "unknown" } },
    { value: "true", expected: { reading: "unknown" } },
  ])("reads $value", ({ value, expected }) => {
    expect(parseAttrdValue(value)).toEqual(expected);
    expect(attrdReading(value)).toBe(expected.reading);
  });

  it("writes yes, <node>@<epoch seconds> and no, and reads each back", () => {
    const value = inProgressValue("ctl-1", new Date("2024-05-01T10:00:00.900Z"));
    expect(value).toBe("ctl-1@1714557600");
    expect(parseAttrdValue(value)).toEqual({ reading: "in-progress", by: "ctl-1", sinceEpoch: 1714557600 });
    expect([REQUESTED_VALUE, DONE_VALUE]).toEqual(["yes", "no"]);
    expect([attrdReading(REQUESTED_VALUE), attrdReading(DONE_VALUE)]).toEqual(["yes", "no"]);
  });

  it.each(ATTRD.map((reading) => [reading, reading === "yes" || reading === "in-progress"] as const))("%s owes a recovery: %s", (reading, owed) => {
    expect(attrdOwesRecovery(RAW[reading])).toBe(owed);
  });
});

describe("the Nova half", () => {
  it.each([
    [{ status: "disabled", disabledReason: "nova-ha:fenced at=2024-05-01T10:00:00.000Z" }, "fenced"],
    [{ status: "disabled", disabledReason: "nova-ha:evacuating at=2024-05-01T10:00:00.000Z" }, "evacuating"],
    [{ status: "disabled", disabledReason: "nova-ha:evacuated at=2024-05-01T10:00:00.000Z" }, "evacuated"],
    [{ status: "disabled", disabledReason: "maintenance" }, "foreign"],
    [{ status: "disabled", disabledReason: null }, "none"],
    [{ status: "enabled", disabledReason: "nova-ha:fenced at=2024-05-01T10:00:00.000Z" }, "none"],
    [undefined, "none"],
  ] as const)("unfencing reads %j as %s (only a disabled service's reason counts)", (service, reading) => {
    expect(markerReading(service)).toBe(reading);
  });

  it("reads a reason alone, whatever the status", () => {
    expect(MARKERS.map((reading) => reasonReading(REASON[reading]))).toEqual(MARKERS);
    expect(reasonReading("nova-ha:rebooting")).toBe("foreign");
  });

  it.each<{ reason: string | null; pending: boolean }>([
    { reason: null, pending: false },
    { reason: "maintenance", pending: false },
    { reason: formatNovaMarker("fenced", NOW), pending: true },
    { reason: formatNovaMarker("evacuating", NOW), pending: true },
    { reason: formatNovaMarker("evacuated", NOW), pending: false },
  ])("a marker owes a recovery: $pending for $reason", ({ reason, pending }) => {
    expect(markerOwesRecovery(reason)).toBe(pending);
  });

  it("writes each marker with its fields in a fixed order, and reads the fields back", () => {
    expect(fencedMarker(NOW, "ctl 1")).toBe("nova-ha:fenced at=2024-05-01T10:00:00.000Z by=ctl_1");
    const since = new Date("2024-05-01T09:59:00.000Z");
    expect(evacuatingMarker(NOW, since, "ctl-1")).toBe("nova-ha:evacuating at=2024-05-01T10:00:00.000Z since=2024-05-01T09:59:00.000Z by=ctl-1");
    expect(evacuatingMarker(NOW, since, "ctl-1", { select: "tagged" })).toMatch(/ by=ctl-1 select=tagged$/);
    const done = evacuatedMarker(NOW, { recovered: 5, failed: 1, skipped: 0 });
    expect(done).toBe("nova-ha:evacuated at=2024-05-01T10:00:00.000Z recovered=5 failed=1 skipped=0");
    expect(markerFields(done)).toEqual({ at: "2024-05-01T10:00:00.000Z", recovered: "5", failed: "1", skipped: "0" });
    expect(markerFields("maintenance")).toEqual({});
  });
});

describe("the protocol table, cell by cell", () => {
  /** Expected unfence step per marker (columns) for each attrd reading (rows): docs/design.md, "Who reads what". */
  const UNFENCE: Record<AttrdReading, Record<MarkerReading, UnfenceStep>> = {
    yes: { fenced: "wait", evacuating: "wait", evacuated: "wait", none: "wait", foreign: "wait" },
    "in-progress": { fenced: "wait", evacuating: "wait", evacuated: "wait", none: "wait", foreign: "wait" },
    no: { fenced: "done", evacuating: "wait", evacuated: "done", none: "done", foreign: "done" },
    absent: { fenced: "reflag", evacuating: "wait", evacuated: "done", none: "done", foreign: "done" },
    unknown: { fenced: "reflag", evacuating: "wait", evacuated: "done", none: "done", foreign: "done" },
  };
  for (const attrd of ATTRD) {
    for (const marker of MARKERS) {
      const owed = attrd === "yes" || attrd === "in-progress" || marker === "fenced" || marker === "evacuating";
      it(`attrd ${attrd} with marker ${marker}: unfencing ${UNFENCE[attrd][marker]}, ${owed ? "" : "no "}recovery owed`, () => {
        expect(unfenceRule(attrd, marker).step).toBe(UNFENCE[attrd][marker]);
        expect(needsRecovery(attrd, REASON[marker])).toBe(owed);
      });
    }
  }

  it("needs recovery from the marker alone when attrd cannot be read", () => {
    expect(MARKERS.filter((marker) => needsRecovery(undefined, REASON[marker]))).toEqual(["fenced", "evacuating"]);
  });

  /** Per marker on a disabled service: fencing's outcome, the pass's pick-up, its later records, unfencing's re-enable (after attrd "" / "no"). */
  const WRITES: Record<MarkerReading, [string, string, boolean, boolean, boolean]> = {
    fenced: ["kept-pending-marker", "write", true, true, true],
    evacuating: ["kept-pending-marker", "resume", true, true, true],
    evacuated: ["disabled", "write", false, true, true],
    none: ["kept-no-reason", "write", false, false, true],
    foreign: ["kept-foreign-reason", "keep", false, false, false],
  };
  it.each(MARKERS)("who may write over marker %s", (marker) => {
    const service = { status: "disabled" as const, disabledReason: REASON[marker] };
    expect([disableDecision(service), pickUpStep(service), mayRecord(service), mayEnable(service, ""), mayEnable(service, "no")]).toEqual(WRITES[marker]);
  });

  it.each(MARKERS)("a service that is not disabled is fenced with our marker and never recorded over (marker %s)", (marker) => {
    const service = { status: "enabled" as const, disabledReason: REASON[marker] };
    expect(disableDecision(service)).toBe("disabled");
    expect(mayRecord(service)).toBe(false);
  });
});

describe("mayRecord over a back-end's own reason", () => {
  it.each<[string, ComputeService["status"], string | null, boolean, boolean]>([
    ["Masakari's own reason over ours", "disabled", "Masakari detected host failed.", false, true],
    ["Masakari's reason with blanks around it", "disabled", " Masakari detected host failed.\n", false, true],
    ["our pending marker", "disabled", REASON.evacuating, true, true],
    ["an operator's reason", "disabled", "disk swap", false, false],
    ["no reason", "disabled", null, false, false],
    ["Masakari's reason on an enabled service", "enabled", "Masakari detected host failed.", false, false],
  ])("%s: written over only as the table says, by our engine and for a host handed to a back-end", (_title, status, disabledReason, ours, handedOver) => {
    expect(mayRecord({ status, disabledReason })).toBe(ours);
    expect(mayRecord({ status, disabledReason }, true)).toBe(handedOver);
  });
});

describe("hostPhase", () => {
  /** A fenced service (forced down, down, disabled) with this reason. */
  const fenced = (reason: string | null): ComputeService => ({
    id: "s", host: "compute-1", binary: "nova-compute", status: "disabled", state: "down", forcedDown: true, disabledReason: reason, updatedAt: null,
  });
  /** Expected phase on a fenced service per marker (columns) for each attrd reading (rows). */
  const PHASES: Record<AttrdReading, Record<MarkerReading, HostPhase>> = {
    yes: { fenced: "fenced", evacuating: "evacuating", evacuated: "fenced", none: "fenced", foreign: "fenced" },
    "in-progress": { fenced: "evacuating", evacuating: "evacuating", evacuated: "evacuating", none: "evacuating", foreign: "evacuating" },
    no: { fenced: "fenced", evacuating: "evacuating", evacuated: "evacuated", none: "disabled", foreign: "disabled" },
    absent: { fenced: "fenced", evacuating: "evacuating", evacuated: "evacuated", none: "disabled", foreign: "disabled" },
    unknown: { fenced: "bad-flag", evacuating: "bad-flag", evacuated: "bad-flag", none: "bad-flag", foreign: "bad-flag" },
  };
  for (const attrd of ATTRD) {
    for (const marker of MARKERS) {
      it(`a fenced host with attrd ${attrd} and marker ${marker} is ${PHASES[attrd][marker]}`, () => {
        expect(hostPhase({ service: fenced(REASON[marker]), attrd: RAW[attrd] })).toBe(PHASES[attrd][marker]);
      });
    }
  }

  it("an owed recovery on a host Nova sees up is blocked; without a service, unmatched", () => {
    const up = { ...fenced(REASON.fenced), state: "up" as const, forcedDown: false };
    expect(hostPhase({ service: up, attrd: "" })).toBe("blocked");
    expect(hostPhase({ service: undefined, attrd: "yes" })).toBe("unmatched");
  });
});

describe("pairHosts", () => {
  const services = [{ host: "compute-1.example.com" }, { host: "compute-2.example.com" }];

  it("pairs short attrd names with FQDN hosts, and lists set values that name no service", () => {
    const pairing = pairHosts(new Map([["compute-1", "yes"], ["compute-2", "no"], ["compute-9", "true"], ["compute-8", "no"]]), services);
    expect([...pairing.attrdNameOf]).toEqual([["compute-1.example.com", "compute-1"], ["compute-2.example.com", "compute-2"]]);
    expect(pairing.hostOf.get("compute-1")).toBe("compute-1.example.com");
    expect(pairing.unmatched).toEqual(["compute-9"]);
  });

  it.each([
    [["yes", ""], 0],
    [["", "yes"], 1],
    [["no", ""], 0],
    [["yes", "true"], 0],
    [["true", "yes"], 1],
    [["ctl-1@1714557600", "yes"], 1],
  ] as const)("for a host under two names with values %j, the entry that counts is number %i", (values, counted) => {
    const names = ["compute-1.example.com", "compute-1"];
    const pairing = pairHosts(new Map([[names[0] as string, values[0]], [names[1] as string, values[1]]]), services);
    expect(pairing.attrdNameOf.get("compute-1.example.com")).toBe(names[counted]);
  });
});
