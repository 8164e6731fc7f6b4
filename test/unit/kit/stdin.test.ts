import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readAllStdin } from "../../../src/kit/stdin.js";

/** A stream standing in for process.stdin. */
function stream(chunks: (string | Buffer)[], isTTY = false): NodeJS.ReadStream {
  return Object.assign(Readable.from(chunks), { isTTY }) as unknown as NodeJS.ReadStream;
}

describe("readAllStdin", () => {
  it("reads every chunk until the end", async () => {
    expect(await readAllStdin(stream(["action=off\n", Buffer.from("port=node-1\n")]))).toBe("action=off\nport=node-1\n");
  });

  it("joins a multi-byte character split across chunks", async () => {
    const bytes = Buffer.from("password=pässword\n");
    expect(await readAllStdin(stream([bytes.subarray(0, 11), bytes.subarray(11)]))).toBe("password=pässword\n");
  });

  it("reads a closed stream as empty", async () => {
    expect(await readAllStdin(stream([]))).toBe("");
  });

  it("treats a terminal as empty instead of waiting for input", async () => {
    expect(await readAllStdin(stream(["never read"], true))).toBe("");
  });
});
