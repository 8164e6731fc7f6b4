// failureTime: when a host failed, in Nova's own time: the pass's record, fence_compute's write, else the service's last update.
import { describe, expect, it } from "vitest";
import type { ComputeService } from "../../../../src/openstack/types.js";
import { failureTime } from "../../../../src/recovery/host/failure-time.js";

const NOW = Date.parse("2024-05-01T12:00:00Z");

/** A down nova-compute service record. */
function service(overrides: Partial<ComputeService> = {}): ComputeService {
  return {
    id: "svc-1", host: "compute-1", binary: "nova-compute", status: "disabled", state: "down", forcedDown: true,
    disabledReason: null, updatedAt: null, ...overrides,
  };
}

describe("failureTime", () => {
  it.each<{ title: string; service: ComputeService | undefined; expected: string }>([
    {
      title: "the time the pass recorded from Nova when it picked the host up",
      service: service({ disabledReason: "nova-ha:evacuating at=2024-05-01T11:00:00.000Z since=2024-05-01T10:30:02 by=ctl-1", updatedAt: "2024-05-01T11:59:00.000000" }),
      expected: "2024-05-01T10:30:02.000Z",
    },
    {
      title: "the time Nova stamped on fence_compute's marker, not the fencing node's clock",
      service: service({ disabledReason: "nova-ha:fenced at=2024-05-01T10:45:09.000Z", updatedAt: "2024-05-01T10:45:04.000000" }),
      expected: "2024-05-01T10:45:04.000Z",
    },
    {
      title: "ten minutes before an old marker's fence time, which the fencing node's clock stamped",
      service: service({ disabledReason: "nova-ha:evacuating at=2024-05-01T11:00:00.000Z fenced=2024-05-01T10:30:00.000Z", updatedAt: "2024-05-01T11:59:00.000000" }),
      expected: "2024-05-01T10:20:00.000Z",
    },
    {
      title: "ten minutes before the last update (read as UTC) for somebody else's reason",
      service: service({ disabledReason: "fenced by the old agent", updatedAt: "2024-05-01T11:50:00.000000" }),
      expected: "2024-05-01T11:40:00.000Z",
    },
    {
      title: "Nova's time of our fenced marker even when the marker's own time is unreadable",
      service: service({ disabledReason: "nova-ha:fenced at=garbage", updatedAt: "2024-05-01T11:50:00Z" }),
      expected: "2024-05-01T11:50:00.000Z",
    },
    { title: "an hour ago when the service never reported", service: service(), expected: "2024-05-01T11:00:00.000Z" },
    { title: "an hour ago when Nova has no such service", service: undefined, expected: "2024-05-01T11:00:00.000Z" },
  ])("is $title", ({ service: record, expected }) => {
    expect(failureTime(record, NOW).toISOString()).toBe(expected);
  });
});
