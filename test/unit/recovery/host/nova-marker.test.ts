// The durable recovery marker in a nova-compute service's disabled_reason.
import { describe, expect, it } from "vitest";
import { formatNovaMarker, parseNovaMarker, type NovaMarker } from "../../../../src/recovery/host/nova-marker.js";

const NOW = new Date("2024-05-01T10:00:00.000Z");

describe("parseNovaMarker", () => {
  it.each<{ reason: string | null | undefined; expected: NovaMarker }>([
    { reason: null, expected: { kind: "none" } },
    { reason: undefined, expected: { kind: "none" } },
    { reason: "  ", expected: { kind: "none" } },
    { reason: "maintenance by ops", expected: { kind: "foreign", reason: "maintenance by ops" } },
    { reason: "nova-ha:rebooting", expected: { kind: "foreign", reason: "nova-ha:rebooting" } },
    { reason: "nova-ha:fenced", expected: { kind: "ours", phase: "fenced", fields: {} } },
    {
      reason: "nova-ha:evacuating at=2024-05-01T10:00:00.000Z fenced=2024-05-01T09:59:00.000Z by=ctl-1",
      expected: { kind: "ours", phase: "evacuating", fields: { at: "2024-05-01T10:00:00.000Z", fenced: "2024-05-01T09:59:00.000Z", by: "ctl-1" } },
    },
    { reason: "nova-ha:evacuated at=x recovered=20 failed=1 skipped=0", expected: { kind: "ours", phase: "evacuated", fields: { at: "x", recovered: "20", failed: "1", skipped: "0" } } },
  ])("reads $reason", ({ reason, expected }) => {
    expect(parseNovaMarker(reason)).toEqual(expected);
  });
});

describe("formatNovaMarker", () => {
  it("writes the phase, the time and the fields, and reads back the same", () => {
    const text = formatNovaMarker("evacuated", NOW, { recovered: 19, failed: 1, by: "ctl 1" });
    expect(text).toBe("nova-ha:evacuated at=2024-05-01T10:00:00.000Z recovered=19 failed=1 by=ctl_1");
    expect(parseNovaMarker(text)).toEqual({
      kind: "ours", phase: "evacuated", fields: { at: "2024-05-01T10:00:00.000Z", recovered: "19", failed: "1", by: "ctl_1" },
    });
  });

  it("stays within Nova's 255 characters", () => {
    const text = formatNovaMarker("fenced", NOW, { by: "x".repeat(400) });
    expect(text).toHaveLength(255);
    expect(parseNovaMarker(text)).toMatchObject({ kind: "ours", phase: "fenced" });
  });
});
