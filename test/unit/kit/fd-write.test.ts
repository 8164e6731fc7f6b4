import { beforeEach, describe, expect, it, vi } from "vitest";

const written: Buffer[] = [];
const script: Array<number | string> = [];

vi.mock("node:fs", async (importOriginal) => ({
  ...(await importOriginal<typeof import("node:fs")>()),
  /** Plays `script`: a number writes that many bytes at most, a string throws that errno code. */
  writeSync: (_fd: number, data: Buffer) => {
    const step = script.shift() ?? Number.MAX_SAFE_INTEGER;
    if (typeof step === "string") throw Object.assign(new Error(step), { code: step });
    const part = data.subarray(0, step);
    written.push(Buffer.from(part));
    return part.length;
  },
}));

const { writeFully } = await import("../../../src/kit/fd-write.js");

beforeEach(() => {
  written.length = 0;
  script.length = 0;
});

describe("writeFully", () => {
  it("writes everything across partial writes", () => {
    script.push(3, 2);
    expect(writeFully(2, "hello world", 100)).toBe(true);
    expect(Buffer.concat(written).toString()).toBe("hello world");
  });

  it("waits while a non-blocking pipe is full (EAGAIN) and then finishes the text", () => {
    script.push(4, "EAGAIN", "EAGAIN", "EAGAIN");
    expect(writeFully(2, "line of log\n", 1_000)).toBe(true);
    expect(Buffer.concat(written).toString()).toBe("line of log\n");
  });

  it("drops the rest, without throwing, when the pipe stays full past its patience", () => {
    script.push(...Array<string>(1000).fill("EAGAIN"));
    const started = Date.now();
    expect(writeFully(2, "never drained", 20)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
    expect(written).toHaveLength(0);
  });

  it("drops the text when the reader has gone (EPIPE)", () => {
    script.push("EPIPE");
    expect(writeFully(1, "protocol", 1_000)).toBe(false);
  });

  it("throws other errors, which are bugs rather than a busy reader", () => {
    script.push("EINVAL");
    expect(() => writeFully(2, "x", 1_000)).toThrow("EINVAL");
  });
});
