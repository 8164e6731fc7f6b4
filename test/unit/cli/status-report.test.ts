// The table and the JSON of `nova-ha status`.
import { describe, expect, it } from "vitest";
import { hostStatuses } from "../../../src/cli/host-status.js";
import { renderJson, renderTable } from "../../../src/cli/status-report.js";
import type { ComputeService } from "../../../src/openstack/types.js";

const SERVICES: ComputeService[] = [
  {
    id: "a", host: "compute-1.example.com", binary: "nova-compute", status: "disabled", state: "down", forcedDown: true,
    disabledReason: "nova-ha:evacuated at=2024-05-01T10:00:00.000Z recovered=4 failed=0 skipped=1", updatedAt: null,
  },
  { id: "b", host: "compute-2", binary: "nova-compute", status: "enabled", state: "up", forcedDown: false, disabledReason: null, updatedAt: null },
];
const READABLE = { attrdError: undefined, serviceCount: 2 };

describe("renderTable", () => {
  it("aligns every column under its title, one line per host, attrd's node name when it differs", () => {
    const rows = hostStatuses(SERVICES, new Map([["compute-1", "no"]]));
    const lines = renderTable(rows, READABLE).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^HOST +STATE +STATUS +FORCED_DOWN +ATTRD +PHASE +DETAIL$/);
    expect(lines[1]).toMatch(/^compute-1\.example\.com +down +disabled +yes +no \(compute-1\) +evacuated +recovered=4 failed=0 skipped=1 /);
    expect(lines[2]).toMatch(/^compute-2 +up +enabled +no +- +ok +up and enabled$/);
    for (const title of ["STATE", "PHASE", "DETAIL"]) {
      const column = (lines[0] as string).indexOf(title);
      expect(lines.slice(1).every((line) => line[column - 1] === " " && line[column] !== " ")).toBe(true);
    }
  });

  it("shows ? for every flag when attrd was unreadable", () => {
    const text = renderTable(hostStatuses(SERVICES, undefined), { ...READABLE, attrdError: "down" });
    expect(text.split("\n")[2]).toMatch(/^compute-2 +up +enabled +no +\? +ok/);
  });

  it.each([
    { attrdError: undefined, says: "no host needs attention: 2 nova-compute services up and enabled, none flagged in attrd (--all lists them)\n" },
    { attrdError: "refused", says: "no host needs attention: 2 nova-compute services up and enabled; attrd unreadable (--all lists them)\n" },
  ])("says so in one line when no host is listed (attrd error: $attrdError)", ({ attrdError, says }) => {
    expect(renderTable([], { attrdError, serviceCount: 2 })).toBe(says);
  });
});

describe("renderJson", () => {
  it("gives attrd's state and, per host, the phase, attrd's node and value, and the Nova service with its marker's fields", () => {
    const document = JSON.parse(renderJson(hostStatuses(SERVICES, new Map([["compute-1", "no"]])), READABLE));
    expect(document.attrd).toEqual({ readable: true });
    expect(document.services).toBe(2);
    expect(document.hosts[0]).toEqual({
      host: "compute-1.example.com",
      phase: "evacuated",
      detail: expect.stringMatching(/^recovered=4/),
      attrd: { node: "compute-1", value: "no" },
      nova: {
        state: "down", status: "disabled", forcedDown: true, disabledReason: SERVICES[0]?.disabledReason,
        marker: { phase: "evacuated", at: "2024-05-01T10:00:00.000Z", recovered: "4", failed: "0", skipped: "1" },
      },
    });
    expect(document.hosts[1]).toMatchObject({ host: "compute-2", attrd: { node: null, value: "" }, nova: { marker: null } });
  });

  it("says why attrd was unreadable and gives null flags", () => {
    const document = JSON.parse(renderJson(hostStatuses(SERVICES, undefined), { ...READABLE, attrdError: "attrd_updater is not installed here" }));
    expect(document.attrd).toEqual({ readable: false, error: "attrd_updater is not installed here" });
    expect(document.hosts.map((host: { attrd: unknown }) => host.attrd)).toEqual([null, null]);
  });
});
