import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runFixture } from "./fixtures/spawn-fixture.js";

/** Runs fixtures/run-process.ts in `mode`. */
const runMode = (mode: string, onReady?: (child: ChildProcess) => void) =>
  runFixture("run-process.ts", { args: [mode], ...(onReady ? { onStderrLine: { line: "ready", then: onReady } } : {}) });

describe("runProcess", () => {
  it.concurrent("writes stdout once, the last word to stderr, and exits with the outcome's code", async () => {
    expect(await runMode("exit")).toMatchObject({ code: 3, stdout: "protocol line\n", stderr: "last word\n" });
  });

  it.concurrent("turns a thrown error into one scrubbed stderr line and the failure code, without a stack trace", async () => {
    const result = await runMode("throw");
    expect(result).toMatchObject({ code: 5, stdout: "", stderr: "broke while using ****\n" });
    expect(result.stderr).not.toContain("    at ");
  });

  it.concurrent("sends the default logger to stderr and keeps stdout for protocol output", async () => {
    const result = await runMode("log");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("protocol\n");
    expect(result.stderr).toMatch(/^\S+Z fixture\[\d+\] info: a log line\n$/);
  });

  it.concurrent("aborts the signal on SIGTERM and lets the run finish with its own outcome", async () => {
    const result = await runMode("term-cooperative", (child) => child.kill("SIGTERM"));
    expect(result).toMatchObject({ code: 4, stdout: "aborted: stopped by SIGTERM\n", stderr: "ready\n" });
  });

  it.concurrent("cuts a run that ignores SIGTERM short after the grace period, with the failure code", async () => {
    let signalledAt = 0;
    const result = await runMode("term-stubborn", (child) => {
      signalledAt = Date.now();
      child.kill("SIGTERM");
    });
    expect(result).toMatchObject({ code: 5, stdout: "", stderr: "ready\nstopped by SIGTERM before finishing\n" });
    const afterSignal = result.endedAt - signalledAt;
    expect(afterSignal).toBeGreaterThanOrEqual(1_900);
    expect(afterSignal).toBeLessThan(3_500);
  });
});
