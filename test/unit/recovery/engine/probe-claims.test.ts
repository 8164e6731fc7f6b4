import { describe, expect, it } from "vitest";
import { withProbedClaims } from "../../../../src/recovery/engine/probe-claims.js";
import { migration, novaTime, plan } from "../fixtures.js";

const placing = plan({ id: "a", outcome: "in-progress", ready: false, placing: true });

describe("withProbedClaims", () => {
  it("frees the slot of an evacuation a destination claimed (pre-migrating), and changes nothing else", () => {
    const others = [plan({ id: "b" }), plan({ id: "c", outcome: "recovered", ready: false })];
    const updated = withProbedClaims([placing, ...others], [migration({ instanceUuid: "a", status: "pre-migrating" })]);
    expect(updated).toEqual([{ ...placing, placing: false }, ...others]);
  });

  it("frees it too when the evacuation already ended, done or failed: the next look says how", () => {
    for (const status of ["done", "failed", "error"]) {
      expect(withProbedClaims([placing], [migration({ instanceUuid: "a", status })])?.[0]?.placing).toBe(false);
    }
  });

  it("returns undefined when nothing left placing: still accepted, not in the probe, or not counted as placing", () => {
    expect(withProbedClaims([placing], [migration({ instanceUuid: "a", status: "accepted" })])).toBeUndefined();
    expect(withProbedClaims([placing], [migration({ instanceUuid: "other", status: "pre-migrating" })])).toBeUndefined();
    const claimed = { ...placing, placing: false };
    expect(withProbedClaims([claimed, plan({ id: "p" })], [migration({ instanceUuid: "a", status: "done" }), migration({ instanceUuid: "p", status: "done" })])).toBeUndefined();
  });

  it("reads the newest record of an instance: an earlier failed attempt does not free the slot of the new one", () => {
    const older = migration({ id: "1", instanceUuid: "a", status: "error", createdAt: novaTime(10) });
    const newer = migration({ id: "2", instanceUuid: "a", status: "accepted", createdAt: novaTime(40) });
    expect(withProbedClaims([placing], [newer, older])).toBeUndefined();
    expect(withProbedClaims([placing], [older, { ...newer, status: "pre-migrating" }])?.[0]?.placing).toBe(false);
  });
});
