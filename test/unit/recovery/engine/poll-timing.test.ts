// When the engine checks on Nova again: how long an evacuation holds its slot, learned from our clock and Nova's;
// looks at the expected release, bounded probes in between, a look at least every poll interval.
import { describe, expect, it } from "vitest";
import type { Migration } from "../../../../src/openstack/types.js";
import type { HostSnapshot } from "../../../../src/recovery/engine/plan-host.js";
import { EvacuationClock, novaSpan } from "../../../../src/recovery/engine/poll-timing.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const POLL = 2000;
/** A Nova time with milliseconds, as the simulator writes it. */
const precise = (ms: number) => new Date(ms).toISOString().replace("Z", "000");
/** A Nova time in whole seconds, as a real Nova on MySQL writes it. */
const seconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000`;

function migration(id: string, instance: string, status: string, created: string, updated: string | null): Migration {
  return { id, instanceUuid: instance, status, sourceCompute: "c1", destCompute: "c2", migrationType: "evacuation", createdAt: created, updatedAt: updated };
}

function snapshot(evacuations: Migration[], host = "c1"): HostSnapshot {
  return { host, since: new Date(T0), onHost: [], evacuations, changed: new Map(), tags: { flavorIds: new Set(), flavorNames: new Set(), imageIds: new Set() }, notBefore: 0 };
}

/** A clock that has looked at T0 and seen nothing in flight. */
function looked(at = T0): EvacuationClock {
  const clock = new EvacuationClock();
  clock.observeLook([], new Set(), { startedAt: at, endedAt: at + 10 });
  return clock;
}

/** A clock that measured one evacuation holding its slot `durationMs` (sent at T0, answered 20 ms later, seen done by a probe, then a look). */
function learned(durationMs: number): EvacuationClock {
  const clock = looked();
  clock.submitted("first", "c1", T0, T0 + 20);
  const finish = T0 + durationMs;
  const done = migration("m1", "first", "done", precise(T0 + 10), precise(finish));
  clock.observeProbe("c1", [], { startedAt: finish - 60, endedAt: finish - 55 });
  clock.observeProbe("c1", [done], { startedAt: finish + 30, endedAt: finish + 35 });
  clock.observeLook([snapshot([done])], new Set(), { startedAt: finish + 40, endedAt: finish + 50 });
  return clock;
}

describe("novaSpan", () => {
  it.each([
    ["2026-01-01T00:00:02.000000", 2000, 3000],
    ["2026-01-01T00:00:02", 2000, 3000],
    ["2026-01-01T00:00:02.345000", 2345, 2346],
    ["2026-01-01T00:00:02.345678Z", 2345, 2346],
  ])("reads %s as the span Nova's resolution allows", (time, lo, hi) => {
    expect(novaSpan(time)).toEqual([T0 + lo, T0 + hi]);
  });

  it("has no span for a missing time", () => {
    expect(novaSpan(null)).toBeUndefined();
  });
});

describe("EvacuationClock", () => {
  it("looks at the poll interval when nothing is in flight", () => {
    expect(looked().nextCheck(T0 + 100, POLL)).toEqual({ kind: "look", at: T0 + POLL });
  });

  it("before anything is learned, probes the host of the oldest evacuation every 100 ms, then 1/25 of the time waited", () => {
    const clock = looked();
    clock.submitted("a", "c2", T0 + 50, T0 + 60);
    clock.submitted("b", "c1", T0, T0 + 30);
    // Records changed since 5 s before the oldest start, in whole seconds.
    expect(clock.nextCheck(T0 + 70, POLL)).toEqual({ kind: "probe", at: T0 + 100, targets: [{ host: "c1", sinceMs: T0 - 5000 }] });
    clock.observeProbe("c1", [], { startedAt: T0 + 1500, endedAt: T0 + 1505 });
    expect(clock.nextCheck(T0 + 1505, POLL)).toMatchObject({ kind: "probe", at: T0 + 1600 });
    clock.observeProbe("c1", [], { startedAt: T0 + 5000, endedAt: T0 + 5005 });
    expect(clock.nextCheck(T0 + 5000, 60_000)).toMatchObject({ kind: "probe", at: T0 + 5200 });
  });

  it("before anything is learned, probes at least every half poll interval", () => {
    const clock = looked();
    clock.submitted("b", "c1", T0, T0 + 30);
    clock.observeLook([], new Set(["b"]), { startedAt: T0 + 50_000, endedAt: T0 + 50_010 });
    expect(clock.nextCheck(T0 + 50_010, 4000)).toMatchObject({ kind: "probe", at: T0 + 52_000 });
    expect(clock.nextCheck(T0 + 50_010, 3000)).toMatchObject({ kind: "probe", at: T0 + 51_500 });
  });

  it("measures a duration from the request and the checks around the finish, narrowed by Nova's precise times", () => {
    // Start within [T0, T0+20] ∩ [T0+10, T0+11]; finish within [finish-60, finish+35] ∩ [finish, finish+1].
    expect(learned(2500).typicalMs()).toBe(2500 + 0.5 - 10.5);
  });

  it("relies on its own clock when Nova's times are whole seconds", () => {
    const clock = looked();
    clock.submitted("x", "c1", T0 + 400, T0 + 420);
    clock.observeProbe("c1", [], { startedAt: T0 + 2850, endedAt: T0 + 2860 });
    const done = migration("m", "x", "done", seconds(T0 + 410), seconds(T0 + 2900));
    clock.observeLook([snapshot([done])], new Set(), { startedAt: T0 + 2950, endedAt: T0 + 2960 });
    // Start [400, 420] (Nova: [0, 1000]); release [2850, 2960] (Nova: [2000, 3000]).
    expect(clock.typicalMs()).toBe((2850 + 2960) / 2 - 410);
  });

  it("learns the time to whatever frees the slot: here a destination's claim, long before the rebuild is done", () => {
    const clock = looked();
    clock.submitted("a", "c1", T0, T0 + 20);
    const claimed = migration("m", "a", "pre-migrating", precise(T0 + 10), precise(T0 + 625));
    expect(clock.observeProbe("c1", [claimed], { startedAt: T0 + 650, endedAt: T0 + 655 })).toBe(true);
    // The look says the slot is free although the evacuation is still in progress.
    clock.observeLook([snapshot([claimed])], new Set(), { startedAt: T0 + 700, endedAt: T0 + 720 });
    expect(clock.typicalMs()).toBe(625.5 - 10.5);
    clock.submitted("b", "c1", T0 + 800, T0 + 820);
    expect(clock.observeProbe("c1", [migration("n", "b", "pre-migrating", precise(T0 + 810), precise(T0 + 1400))], { startedAt: T0 + 1420, endedAt: T0 + 1425 })).toBe(true);
  });

  it("once releases were seen, a probe ignores status changes that never came with one, but not an evacuation that is over", () => {
    const clock = learned(2500);
    clock.submitted("b", "c1", T0 + 10_000, T0 + 10_020);
    const claimed = migration("n", "b", "pre-migrating", precise(T0 + 10_010), precise(T0 + 10_625));
    expect(clock.observeProbe("c1", [claimed], { startedAt: T0 + 10_700, endedAt: T0 + 10_705 })).toBe(false);
    expect(clock.nextCheck(T0 + 10_705, 60_000)).toMatchObject({ kind: "probe", at: T0 + 10_010 + (clock.typicalMs() ?? 0) });
    const failed = migration("n", "b", "error", precise(T0 + 10_010), precise(T0 + 11_000));
    expect(clock.observeProbe("c1", [failed], { startedAt: T0 + 11_100, endedAt: T0 + 11_105 })).toBe(true);
  });

  it("probes each host of the batch of evacuations expected to finish together once it should be done", () => {
    const clock = learned(2500);
    const typical = clock.typicalMs() ?? 0;
    clock.submitted("a", "c1", T0 + 10_000, T0 + 10_020);
    clock.submitted("b", "c2", T0 + 10_100, T0 + 10_120);
    clock.submitted("late", "c3", T0 + 10_400, T0 + 10_420);
    const sinceMs = T0 + 5000;
    expect(clock.nextCheck(T0 + 10_500, 60_000)).toEqual({
      kind: "probe", at: T0 + 10_110 + typical, targets: [{ host: "c1", sinceMs }, { host: "c2", sinceMs }],
    });
  });

  it("probes every 100 ms once the expected finish has passed and a check still saw the batch running", () => {
    const clock = learned(2500);
    clock.submitted("a", "c2", T0 + 10_000, T0 + 10_020);
    const due = T0 + 10_010 + (clock.typicalMs() ?? 0);
    clock.observeLook([], new Set(["a"]), { startedAt: due + 5, endedAt: due + 40 });
    expect(clock.nextCheck(due + 50, 60_000)).toMatchObject({ kind: "probe", at: due + 105, targets: [{ host: "c2" }] });
    expect(clock.observeProbe("c2", [migration("m", "a", "pre-migrating", precise(T0 + 10_010), precise(T0 + 11_000))], { startedAt: due + 105, endedAt: due + 110 })).toBe(false);
    expect(clock.nextCheck(due + 110, 60_000)).toMatchObject({ kind: "probe", at: due + 205 });
  });

  it("looks soon after a probe sees an evacuation finish, but not within 150 ms of the previous look", () => {
    const clock = learned(2500);
    clock.submitted("a", "c1", T0 + 10_000, T0 + 10_020);
    const due = T0 + 10_010 + (clock.typicalMs() ?? 0);
    clock.observeLook([], new Set(["a"]), { startedAt: due, endedAt: due + 30 });
    expect(clock.observeProbe("c1", [migration("m", "a", "failed", precise(T0 + 10_010), precise(due + 50))], { startedAt: due + 100, endedAt: due + 105 })).toBe(true);
    expect(clock.nextCheck(due + 105, POLL)).toEqual({ kind: "look", at: due + 150 });
  });

  it("frees the slot of a failed evacuation without learning its duration", () => {
    const clock = looked();
    clock.submitted("a", "c1", T0, T0 + 10);
    clock.observeLook([snapshot([migration("m", "a", "error", precise(T0 + 5), precise(T0 + 300))])], new Set(), { startedAt: T0 + 400, endedAt: T0 + 410 });
    expect(clock.typicalMs()).toBeUndefined();
    expect(clock.nextCheck(T0 + 410, POLL)).toEqual({ kind: "look", at: T0 + 400 + POLL });
  });

  it("leaves an evacuation running late to the poll interval instead of probing it forever", () => {
    const clock = learned(1000);
    clock.submitted("late", "c1", T0 + 10_000, T0 + 10_010);
    clock.observeLook([], new Set(["late"]), { startedAt: T0 + 13_000, endedAt: T0 + 13_010 });
    expect(clock.nextCheck(T0 + 13_010, POLL)).toEqual({ kind: "look", at: T0 + 13_000 + POLL });
  });

  it("counts an evacuation started before this process from Nova's creation time", () => {
    const clock = learned(2000);
    const typical = clock.typicalMs() ?? 0;
    const resumed = migration("r", "resumed", "pre-migrating", precise(T0 + 5123), precise(T0 + 5200));
    clock.observeLook([snapshot([resumed], "c3")], new Set(["resumed"]), { startedAt: T0 + 6000, endedAt: T0 + 6010 });
    expect(clock.nextCheck(T0 + 6010, 60_000)).toEqual({ kind: "probe", at: T0 + 5123.5 + typical, targets: [{ host: "c3", sinceMs: T0 }] });
  });

  it("never looks later than the poll interval after the previous look", () => {
    const clock = learned(30_000);
    clock.submitted("a", "c1", T0 + 40_000, T0 + 40_010);
    clock.observeLook([], new Set(["a"]), { startedAt: T0 + 40_100, endedAt: T0 + 40_110 });
    expect(clock.nextCheck(T0 + 40_110, POLL)).toEqual({ kind: "look", at: T0 + 40_100 + POLL });
  });
});
