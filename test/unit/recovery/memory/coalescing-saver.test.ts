// coalescingSaver: a save per request, never two at once, requests during a write folded into one more.
import { describe, expect, it } from "vitest";
import { coalescingSaver } from "../../../../src/recovery/memory/coalescing-saver.js";

describe("coalescingSaver", () => {
  it("writes at once, folds the requests made during a write into one more, and flushes them all", async () => {
    const written: number[] = [];
    let state = 0;
    let running = 0;
    let peak = 0;
    const saver = coalescingSaver(async () => {
      running += 1;
      peak = Math.max(peak, running);
      const seen = state;
      await new Promise((resolve) => setTimeout(resolve, 20));
      written.push(seen);
      running -= 1;
    }, () => undefined);
    state = 1;
    saver.request();
    state = 2;
    saver.request();
    state = 3;
    saver.request();
    await saver.flush();
    expect(written).toEqual([1, 3]);
    expect(peak).toBe(1);
  });

  it("reports a failed write and goes on with the next one", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const saver = coalescingSaver(async () => {
      calls += 1;
      if (calls === 1) throw new Error("disk full");
    }, (error) => errors.push(error));
    saver.request();
    await saver.flush();
    saver.request();
    await saver.flush();
    expect(calls).toBe(2);
    expect(String(errors[0])).toContain("disk full");
  });
});
