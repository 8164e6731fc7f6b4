// pickSubmissions: what goes out now, within the limits on evacuations Nova is still placing, in a stable order.
import { describe, expect, it } from "vitest";
import type { InstancePlan } from "../../../../src/recovery/engine/plan-host.js";
import { pickSubmissions } from "../../../../src/recovery/engine/schedule.js";
import { plan } from "../fixtures.js";

/** `count` ready plans named `<prefix>-<i>`. */
function ready(prefix: string, count: number, overrides: Partial<InstancePlan> = {}): InstancePlan[] {
  return Array.from({ length: count }, (_, index) => plan({ id: `${prefix}-${index}`, ...overrides }));
}

/** `count` plans in progress that Nova is still placing (no destination compute has claimed them). */
function running(prefix: string, count: number): InstancePlan[] {
  return ready(`${prefix}-run`, count, { outcome: "in-progress", ready: false, placing: true });
}

/** `count` plans in progress already rebuilding on their destination. */
function rebuilding(prefix: string, count: number): InstancePlan[] {
  return ready(`${prefix}-rebuild`, count, { outcome: "in-progress", ready: false, placing: false });
}

/** The picked ids, per host, as "host:id". */
function picked(plans: Record<string, InstancePlan[]>, concurrency: number, perHostConcurrency: number, maxInFlight = 0): string[] {
  return pickSubmissions(new Map(Object.entries(plans)), { concurrency, perHostConcurrency, maxInFlight }).map(({ host, plan: item }) => `${host}:${item.id}`);
}

/** How many of the picked are from each host. */
function perHost(ids: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) counts[id.split(":")[0] as string] = (counts[id.split(":")[0] as string] ?? 0) + 1;
  return counts;
}

describe("pickSubmissions", () => {
  it.each<{ title: string; plans: Record<string, InstancePlan[]>; concurrency: number; perHostLimit: number; maxInFlight?: number; expected: Record<string, number> }>([
    { title: "stays within the global limit, the hosts taking turns", plans: { a: ready("a", 5), b: ready("b", 5) }, concurrency: 3, perHostLimit: 8, expected: { a: 2, b: 1 } },
    { title: "counts evacuations in progress against the global limit", plans: { a: [...running("a", 2), ...ready("a", 5)] }, concurrency: 3, perHostLimit: 8, expected: { a: 1 } },
    { title: "stays within the per-host limit", plans: { a: ready("a", 5), b: ready("b", 5) }, concurrency: 10, perHostLimit: 2, expected: { a: 2, b: 2 } },
    { title: "counts a host's evacuations in progress against its limit", plans: { a: [...running("a", 1), ...ready("a", 3)], b: ready("b", 3) }, concurrency: 10, perHostLimit: 2, expected: { a: 1, b: 2 } },
    { title: "lets other hosts go when one host is full", plans: { a: [...running("a", 2), ...ready("a", 3)], b: ready("b", 3) }, concurrency: 4, perHostLimit: 2, expected: { b: 2 } },
    { title: "picks nothing when the global limit is already reached", plans: { a: running("a", 4), b: ready("b", 3) }, concurrency: 4, perHostLimit: 8, expected: {} },
    { title: "does not count rebuilds already running on their destination", plans: { a: [...rebuilding("a", 6), ...ready("a", 5)] }, concurrency: 3, perHostLimit: 8, expected: { a: 3 } },
    { title: "nor against the host's limit", plans: { a: [...rebuilding("a", 4), ...running("a", 1), ...ready("a", 5)] }, concurrency: 10, perHostLimit: 2, expected: { a: 1 } },
    { title: "keeps max_in_flight over placing and rebuilding together", plans: { a: [...rebuilding("a", 5), ...running("a", 1), ...ready("a", 5)] }, concurrency: 10, perHostLimit: 10, maxInFlight: 8, expected: { a: 2 } },
    { title: "max_in_flight 0 sets no ceiling of its own", plans: { a: [...rebuilding("a", 50), ...ready("a", 5)] }, concurrency: 10, perHostLimit: 10, maxInFlight: 0, expected: { a: 5 } },
  ])("$title", ({ plans, concurrency, perHostLimit, maxInFlight, expected }) => {
    expect(perHost(picked(plans, concurrency, perHostLimit, maxInFlight))).toEqual(expected);
  });

  it("never picks a plan that is not ready", () => {
    const plans = {
      a: [
        plan({ id: "waiting", ready: false }),
        plan({ id: "failed", outcome: "failed", ready: false }),
        plan({ id: "skipped", outcome: "skipped", ready: false }),
        plan({ id: "go" }),
      ],
    };
    expect(picked(plans, 10, 10)).toEqual(["a:go"]);
  });

  it("orders by priority (higher first), then creation time, then id", () => {
    const plans = {
      a: [
        plan({ id: "c-old", created: "2024-01-01T00:00:00Z" }),
        plan({ id: "b-new", created: "2024-02-01T00:00:00Z" }),
        plan({ id: "a-new", created: "2024-02-01T00:00:00Z" }),
      ],
      b: [plan({ id: "z-urgent", priority: 10, created: "2024-03-01T00:00:00Z" }), plan({ id: "y-low", priority: -1, created: "2023-01-01T00:00:00Z" })],
    };
    expect(picked(plans, 10, 10)).toEqual(["b:z-urgent", "a:c-old", "a:a-new", "a:b-new", "b:y-low"]);
  });

  it("gives the same answer whatever the order Nova listed things in", () => {
    const hostA = [...ready("a", 6), plan({ id: "a-top", priority: 3 })];
    const hostB = ready("b", 6, { created: "2023-12-31T00:00:00Z" });
    const forward = picked({ a: hostA, b: hostB }, 5, 3);
    const backward = picked({ b: [...hostB].reverse(), a: [...hostA].reverse() }, 5, 3);
    // a-top first (priority), then the hosts take turns, each turn in creation order (b's are older).
    expect(forward).toEqual(["a:a-top", "b:b-0", "b:b-1", "a:a-0", "b:b-2"]);
    expect(backward).toEqual(forward);
  });
});
