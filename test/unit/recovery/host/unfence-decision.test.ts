// The unfence table over every attrd reading × marker reading: which mixes wait, write yes again, or go on.
import { describe, expect, it } from "vitest";
import { parseEvacuateFlag } from "../../../../src/pacemaker/evacuate-attribute.js";
import { attrdReading, markerReading, shownValue, unfenceRule, type AttrdReading, type MarkerReading, type UnfenceStep } from "../../../../src/recovery/host/unfence-decision.js";

/** Expected step per marker (columns) for each attrd reading (rows). */
const EXPECTED: Record<AttrdReading, Record<MarkerReading, UnfenceStep>> = {
  yes: { fenced: "wait", evacuating: "wait", evacuated: "wait", none: "wait", foreign: "wait" },
  "in-progress": { fenced: "wait", evacuating: "wait", evacuated: "wait", none: "wait", foreign: "wait" },
  no: { fenced: "done", evacuating: "wait", evacuated: "done", none: "done", foreign: "done" },
  absent: { fenced: "reflag", evacuating: "wait", evacuated: "done", none: "done", foreign: "done" },
  unknown: { fenced: "reflag", evacuating: "wait", evacuated: "done", none: "done", foreign: "done" },
};

describe("unfenceRule", () => {
  for (const [attrd, row] of Object.entries(EXPECTED) as [AttrdReading, Record<MarkerReading, UnfenceStep>][]) {
    for (const [marker, step] of Object.entries(row) as [MarkerReading, UnfenceStep][]) {
      it(`attrd ${attrd} with marker ${marker}: ${step}`, () => {
        expect(unfenceRule(attrd, marker).step).toBe(step);
      });
    }
  }
});

describe("attrdReading", () => {
  it.each([
    ["yes", "yes"],
    ["controller-0@1714557600", "in-progress"],
    ["no", "no"],
    ["", "absent"],
    ["  ", "absent"],
    ["true", "unknown"],
  ] as const)("reads %j as %s", (raw, reading) => {
    expect(attrdReading(parseEvacuateFlag(raw), raw)).toBe(reading);
  });
});

describe("markerReading", () => {
  it.each([
    [{ status: "disabled", disabledReason: "nova-ha:fenced at=2024-05-01T10:00:00.000Z" }, "fenced"],
    [{ status: "disabled", disabledReason: "nova-ha:evacuating at=2024-05-01T10:00:00.000Z" }, "evacuating"],
    [{ status: "disabled", disabledReason: "nova-ha:evacuated at=2024-05-01T10:00:00.000Z" }, "evacuated"],
    [{ status: "disabled", disabledReason: "maintenance" }, "foreign"],
    [{ status: "disabled", disabledReason: null }, "none"],
    [{ status: "enabled", disabledReason: "nova-ha:fenced at=2024-05-01T10:00:00.000Z" }, "none"],
    [undefined, "none"],
  ] as const)("reads %j as %s", (service, reading) => {
    expect(markerReading(service)).toBe(reading);
  });
});

describe("shownValue", () => {
  it("cuts a long value to one short line", () => {
    expect(shownValue(`a\nb${"x".repeat(500)}`)).toMatch(/^a bx{37}… \(503 characters\)$/);
    expect(shownValue("true")).toBe("true");
  });
});
