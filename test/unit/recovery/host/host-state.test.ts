// The Nova service state table: up/down × enabled/disabled (and forced_down) → on/off/failed/running, and status ON/OFF.
import { describe, expect, it } from "vitest";
import { fenceStatus, HOST_STATES, hostFenceState } from "../../../../src/recovery/host/host-state.js";

describe("hostFenceState", () => {
  it.each([
    ["up", "enabled", false, "on", "on"],
    ["down", "disabled", false, "off", "off"],
    ["down", "enabled", false, "failed", "on"],
    ["up", "disabled", false, "running", "on"],
    ["up", "disabled", true, "off", "off"],
    ["up", "enabled", true, "failed", "on"],
    ["down", "disabled", true, "off", "off"],
  ] as const)("reads state %s, status %s, forced_down %s as %s (status %s)", (state, status, forcedDown, fence, power) => {
    const service = { state, status, forcedDown };
    expect(hostFenceState(service)).toBe(fence);
    expect(fenceStatus(service)).toBe(power);
  });

  it("covers every state × status pair exactly once", () => {
    const pairs = HOST_STATES.map((row) => `${row.state}/${row.status}`);
    expect(new Set(pairs)).toEqual(new Set(["up/enabled", "up/disabled", "down/enabled", "down/disabled"]));
    expect(pairs).toHaveLength(4);
  });
});
