// The attrd `evacuate` protocol shared with the peers: yes → <node>@<epoch> → no.
import { describe, expect, it } from "vitest";
import { inProgressValue, parseEvacuateFlag, type EvacuateFlag } from "../../../src/pacemaker/evacuate-attribute.js";

describe("parseEvacuateFlag", () => {
  it.each<{ value: string | undefined; expected: EvacuateFlag }>([
    { value: undefined, expected: { kind: "clear" } },
    { value: "", expected: { kind: "clear" } },
    { value: "no", expected: { kind: "clear" } },
    { value: " no\n", expected: { kind: "clear" } },
    { value: "yes", expected: { kind: "requested" } },
    { value: "ctl-1@1714557600", expected: { kind: "in-progress", by: "ctl-1", sinceEpoch: 1714557600 } },
    { value: "ctl-1.example.com@1714557600", expected: { kind: "in-progress", by: "ctl-1.example.com", sinceEpoch: 1714557600 } },
    { value: "ctl-1@", expected: { kind: "unknown", value: "ctl-1@" } },
    { value: "YES", expected: { kind: "unknown", value: "YES" } },
    { value: "maybe", expected: { kind: "unknown", value: "maybe" } },
  ])("reads $value", ({ value, expected }) => {
    expect(parseEvacuateFlag(value)).toEqual(expected);
  });
});

describe("inProgressValue", () => {
  it("is <node>@<epoch seconds> and reads back as in progress", () => {
    const value = inProgressValue("ctl-1", new Date("2024-05-01T10:00:00.900Z"));
    expect(value).toBe("ctl-1@1714557600");
    expect(parseEvacuateFlag(value)).toEqual({ kind: "in-progress", by: "ctl-1", sinceEpoch: 1714557600 });
  });
});
