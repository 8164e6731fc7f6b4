import { describe, expect, it } from "vitest";
import { runFixture } from "./fixtures/spawn-fixture.js";

describe("logging to a slow, non-blocking stderr pipe", () => {
  it("waits for the reader instead of crashing with EAGAIN, and loses no line", async () => {
    // The parent reads no stderr for the first second, so the pipe fills up while the child logs ~4 MB.
    const result = await runFixture("flood-log.ts", {
      slowStderrMs: 1_000,
    });
    expect(result.stderr).not.toContain("EAGAIN");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("done\n");
    expect(result.stderr.split("\n").filter((line) => line.includes('"flood line"'))).toHaveLength(4000);
  }, 60_000);
});
