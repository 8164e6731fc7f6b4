import { describe, expect, it } from "vitest";
import { submissionRounds, submissionTimes } from "../../../bench/harness/pipelines.js";
import { packageSums } from "../../../bench/harness/peer-agents.js";
import { parseTimeOutput } from "../../../bench/harness/measure.js";
import { latencyLowerBoundMs, median, placementWaves } from "../../../bench/harness/stats.js";

describe("latencyLowerBoundMs", () => {
  it.each([
    { perHost: [50], concurrency: 16, perHostConcurrency: 8, waves: 7 },
    { perHost: [200], concurrency: 16, perHostConcurrency: 8, waves: 25 },
    { perHost: Array(10).fill(100), concurrency: 16, perHostConcurrency: 8, waves: 63 },
    { perHost: Array(10).fill(100), concurrency: 64, perHostConcurrency: 16, waves: 16 },
    { perHost: [10, 10, 10], concurrency: 16, perHostConcurrency: 8, waves: 2 },
    { perHost: [3, 40], concurrency: 100, perHostConcurrency: 8, waves: 5 },
  ])("allows $waves placement waves for $perHost.length host(s) at $concurrency/$perHostConcurrency", ({ perHost, concurrency, perHostConcurrency, waves }) => {
    expect(placementWaves({ perHost, concurrency, perHostConcurrency })).toBe(waves);
    // Each wave waits for the previous one to be claimed (a quarter of the latency); the last one takes the whole latency.
    expect(latencyLowerBoundMs({ perHost, concurrency, perHostConcurrency, latencyMs: 2000, placementFraction: 0.25 })).toBe((waves - 1) * 500 + 2000);
  });

  it("is one latency when everything fits in one wave, and zero when nothing has to move", () => {
    expect(latencyLowerBoundMs({ perHost: [5, 5], concurrency: 16, perHostConcurrency: 8, latencyMs: 2500, placementFraction: 0.25 })).toBe(2500);
    expect(latencyLowerBoundMs({ perHost: [0], concurrency: 16, perHostConcurrency: 8, latencyMs: 2500, placementFraction: 0.25 })).toBe(0);
  });
});

describe("median", () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5, Number.NaN, 1], 3],
  ])("of %j is %d", (values, expected) => expect(median(values)).toBe(expected));

  it("of nothing is NaN", () => expect(median([])).toBeNaN());
});

describe("parseTimeOutput", () => {
  it("reads user + system CPU and peak RSS from GNU time's line", () => {
    expect(parseTimeOutput("0.21 0.04 71234\n")).toEqual({ cpuMs: 250, maxRssKb: 71234 });
  });

  it("skips the 'Command exited with non-zero status' line", () => {
    expect(parseTimeOutput("Command exited with non-zero status 2\n1.50 0.10 90000\n")).toEqual({ cpuMs: 1600, maxRssKb: 90000 });
  });

  it("gives NaN when GNU time wrote nothing usable", () => {
    expect(parseTimeOutput("Command terminated by signal 9\n").cpuMs).toBeNaN();
  });
});

describe("submission rounds", () => {
  const log = [
    "2026-01-01T00:00:00.000Z vm-1[1] info: evacuation requested host=a",
    "2026-01-01T00:00:00.020Z NovaEvacuate[1] debug: openstack request",
    "2026-01-01T00:00:00.030Z vm-2[1] info: evacuation requested host=a",
    "2026-01-01T00:00:04.000Z vm-3[1] info: evacuation requested host=a",
  ].join("\n");

  it("reads the time of every evacuation request from our agent's log", () => {
    expect(submissionTimes(log)).toEqual([Date.parse("2026-01-01T00:00:00.000Z"), Date.parse("2026-01-01T00:00:00.030Z"), Date.parse("2026-01-01T00:00:04.000Z")]);
  });

  it("starts a new round after a pause", () => {
    expect(submissionRounds(submissionTimes(log))).toEqual([Date.parse("2026-01-01T00:00:00.000Z"), Date.parse("2026-01-01T00:00:04.000Z")]);
  });
});

describe("packageSums", () => {
  it("maps dpkg md5sums lines to path → sum", () => {
    const sums = packageSums("8de4dd129305f9b394adc352c9a6eb6b  usr/sbin/fence_compute\n26dc65be64cef1929c3e7c2961718610  usr/share/fence/fencing.py\n");
    expect(sums.get("usr/sbin/fence_compute")).toBe("8de4dd129305f9b394adc352c9a6eb6b");
    expect(sums.get("usr/share/fence/fencing.py")).toBe("26dc65be64cef1929c3e7c2961718610");
    expect(sums.size).toBe(2);
  });
});
