import { describe, expect, it } from "vitest";
import { cutVisible, painter, stripAnsi, visibleWidth } from "../../../scripts/demo/ansi.js";
import type { HostRow } from "../../../scripts/demo/host-view.js";
import type { InstanceRow } from "../../../scripts/demo/instance-phase.js";
import { renderScreen, type ScreenModel } from "../../../scripts/demo/screen.js";

const host = (name: string, patch: Partial<HostRow> = {}): HostRow => ({
  name, kind: "compute", power: true, pacemaker: "online", novaCompute: "started", state: "up", forcedDown: false, enabled: true,
  reason: "", evacuate: "", instances: 10, ...patch,
});

const rows = (n: number): InstanceRow[] =>
  Array.from({ length: n }, (_, i) => ({
    uuid: `u${i}`, name: `vm-${String(i + 1).padStart(5, "0")}`, stopped: i % 4 === 3, attempts: 1, host: "compute-1",
    phase: (["waiting", "evacuating", "recovered", "failed"] as const)[i % 4] ?? "waiting", status: i % 4 === 3 ? "SHUTOFF" : "ACTIVE",
    ...(i % 4 === 1 ? { destination: "spare-1", task: "rebuild_spawning" } : {}),
  }));

function model(instances: number, events: number): ScreenModel {
  return {
    headline: "compute-1 powered off",
    elapsed: 12.3,
    hosts: [host("compute-1", { power: false, pacemaker: "fenced", state: "down", forcedDown: true, enabled: false, reason: "fenced", evacuate: "yes" }), host("compute-2"), host("compute-3"), host("spare-1", { kind: "spare", power: undefined as never, pacemaker: "-", novaCompute: "-" })],
    failedHost: "compute-1",
    rows: rows(instances),
    events: Array.from({ length: events }, (_, i) => ({ offset: i, label: `event ${i}` })),
    requests: 42,
    hint: "Ctrl-C",
  };
}

describe("renderScreen", () => {
  it.each([
    [80, 24, 10, 12],
    [80, 24, 100, 12],
    [120, 40, 30, 12],
    [40, 10, 300, 30],
  ])("fits a %ix%i terminal with %i instances and %i events", (columns, height, instances, events) => {
    const lines = renderScreen(model(instances, events), { columns, rows: height }, painter(true));
    expect(lines.length).toBeLessThanOrEqual(Math.max(height - 1, 16));
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(Math.max(40, columns));
  });

  it("shows every instance with its phase when there is room, and the newest events", () => {
    const text = renderScreen(model(8, 3), { columns: 120, rows: 50 }, painter(false)).join("\n");
    for (let i = 1; i <= 8; i++) expect(text).toContain(`vm-${String(i).padStart(5, "0")}`);
    expect(text).toContain("→ spare-1");
    expect(text).toContain("spawning");
    expect(text).toContain("event 2");
    expect(text).toContain("+ 12.30 s  compute-1 powered off");
    expect(text).toMatch(/compute-1\s+OFF\s+fenced\s+\S+\s+down\s+forced\s+disabled\s+fenced/);
  });

  it("keeps only the newest events when the timeline does not fit", () => {
    const text = renderScreen(model(4, 40), { columns: 100, rows: 24 }, painter(false)).join("\n");
    expect(text).toContain("event 39");
    expect(text).not.toContain("event 0\n");
  });

  it("writes no escape sequences without colour", () => {
    const lines = renderScreen(model(10, 5), { columns: 80, rows: 30 }, painter(false));
    for (const line of lines) expect(line).toBe(stripAnsi(line));
  });
});

describe("cutVisible", () => {
  it("cuts by visible characters and closes the styles", () => {
    const paint = painter(true);
    const cut = cutVisible(`${paint("red", "abcdef")}ghi`, 4);
    expect(stripAnsi(cut)).toBe("abcd");
    expect(cut.endsWith("\x1b[0m")).toBe(true);
    expect(cutVisible("abcdef", 3)).toBe("abc");
  });
});
