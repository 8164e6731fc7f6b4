// When the engine looks at Nova again: at the earliest expected finish, learned from Nova's own timestamps.
import { describe, expect, it } from "vitest";
import type { Migration } from "../../../src/openstack/types.js";
import type { HostSnapshot } from "../../../src/recovery/plan-host.js";
import { EvacuationClock } from "../../../src/recovery/poll-timing.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "");

function migration(id: string, instance: string, status: string, startMs: number, endMs: number | null): Migration {
  return { id, instanceUuid: instance, status, sourceCompute: "c1", destCompute: "c2", migrationType: "evacuation", createdAt: iso(startMs), updatedAt: endMs === null ? null : iso(endMs) };
}

function snapshot(evacuations: Migration[]): HostSnapshot {
  return { host: "c1", since: new Date(T0), onHost: [], evacuations, changed: new Map(), tags: { flavorIds: new Set(), flavorNames: new Set(), imageIds: new Set() }, notBefore: 0 };
}

describe("EvacuationClock", () => {
  it("looks twice as often as the poll interval until it has seen an evacuation finish, and idles at the interval", () => {
    const clock = new EvacuationClock();
    expect(clock.nextPauseMs(T0, 2000)).toBe(2000);
    clock.submitted("a", T0);
    expect(clock.nextPauseMs(T0 + 100, 2000)).toBe(1000);
  });

  it("learns the median duration of done evacuations, ignoring completed ones", () => {
    const clock = new EvacuationClock();
    clock.observe([snapshot([
      migration("1", "x", "done", T0, T0 + 2000),
      migration("2", "y", "done", T0, T0 + 3000),
      migration("3", "z", "done", T0, T0 + 2500),
      migration("4", "w", "completed", T0, T0 + 90_000),
    ])], new Set());
    expect(clock.typicalMs()).toBe(2500);
  });

  it("wakes up just after the earliest expected finish of an evacuation in flight", () => {
    const clock = new EvacuationClock();
    clock.observe([snapshot([migration("1", "x", "done", T0, T0 + 2500)])], new Set());
    clock.submitted("a", T0 + 10_000);
    clock.submitted("b", T0 + 10_500);
    expect(clock.nextPauseMs(T0 + 11_000, 5000)).toBe(10_000 + 2500 + 150 - 11_000);
  });

  it("never pauses less than 250 ms, nor more than the poll interval", () => {
    const clock = new EvacuationClock();
    clock.observe([snapshot([migration("1", "x", "done", T0, T0 + 100)])], new Set());
    clock.submitted("a", T0);
    expect(clock.nextPauseMs(T0 + 200, 2000)).toBe(250);
    clock.observe([snapshot([migration("2", "y", "done", T0, T0 + 60_000), migration("3", "z", "done", T0, T0 + 60_000)])], new Set(["a"]));
    expect(clock.nextPauseMs(T0 + 200, 2000)).toBe(2000);
  });

  it("leaves an evacuation running late to the normal interval instead of polling in a tight loop", () => {
    const clock = new EvacuationClock();
    clock.observe([snapshot([migration("1", "x", "done", T0, T0 + 1000)])], new Set());
    clock.submitted("late", T0);
    expect(clock.nextPauseMs(T0 + 30_000, 2000)).toBe(2000);
  });

  it("counts an evacuation started before this process from Nova's creation time", () => {
    const clock = new EvacuationClock();
    clock.observe([snapshot([migration("1", "x", "done", T0, T0 + 2000), migration("2", "resumed", "pre-migrating", T0 + 5000, null)])], new Set(["resumed"]));
    expect(clock.nextPauseMs(T0 + 6000, 5000)).toBe(5000 + 2000 + 150 - 6000);
  });
});
