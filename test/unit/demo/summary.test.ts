import { describe, expect, it } from "vitest";
import type { InstanceRow } from "../../../scripts/demo/instance-phase.js";
import { emptySnapshot } from "../../../scripts/demo/observe.js";
import { RecoveryTracker } from "../../../scripts/demo/recovery-tracker.js";
import { demoSucceeded, formatSummary, summarize, verdict } from "../../../scripts/demo/summary.js";

const KILL = 5_000_000;

function tracker(rows: Partial<InstanceRow>[], inService: boolean): RecoveryTracker {
  const t = new RecoveryTracker("compute-1", [], ["compute-1"], []);
  t.markKill(KILL, 100);
  t.rows = rows.map((row, i) => ({ uuid: `u${i}`, name: `vm-${i}`, stopped: false, phase: "recovered", status: "ACTIVE", host: "spare-1", attempts: 1, ...row }));
  t.snapshot = { ...emptySnapshot(KILL + 30_000), requests: 175 };
  t.mark("all-recovered", "all recovered", KILL + 9_500);
  if (inService) t.mark("in-service", "in service", KILL + 20_000);
  return t;
}

describe("summarize", () => {
  it("succeeds when every instance is back in its power state and the node is in service", () => {
    const summary = summarize(tracker([{}, { stopped: true, status: "SHUTOFF", host: "compute-2" }], true));
    expect(summary).toMatchObject({ instances: 2, recovered: 2, activeKept: 1, stoppedKept: 1, powerChanged: 0, requests: 75 });
    expect(summary.seconds["all-recovered"]).toBe(9.5);
    expect(Object.fromEntries(summary.destinations)).toEqual({ "spare-1": 1, "compute-2": 1 });
    expect(demoSucceeded(summary)).toBe(true);
    expect(verdict(summary, "compute-1")).toBe("RESULT: all 2 instances recovered in 9.5 s; compute-1 back in service.");
    expect(formatSummary(summary, "compute-1").join("\n")).toMatch(/recovered\s+2 of 2: 1 ACTIVE again, 1 SHUTOFF kept SHUTOFF; failed 0/);
  });

  it.each([
    ["an instance is still evacuating", [{}, { phase: "evacuating" as const }], true, "1 of 2 instances not recovered"],
    ["an ACTIVE instance came back SHUTOFF", [{}, { status: "SHUTOFF" }], true, "1 recovered in another power state than before"],
    ["the node never came back in service", [{}], false, "compute-1 not back in service"],
  ])("fails when %s", (_title, rows, inService, problem) => {
    const summary = summarize(tracker(rows, inService));
    expect(demoSucceeded(summary)).toBe(false);
    expect(verdict(summary, "compute-1")).toContain(problem);
  });
});
