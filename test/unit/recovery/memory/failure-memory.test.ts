// The failure memory: failed evacuate requests kept across monitor processes, in a 0600 file.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFailureMemory, saveFailureMemory } from "../../../../src/recovery/memory/failure-memory.js";

const NOW = Date.parse("2024-05-02T10:00:00Z");
const DAY = 24 * 60 * 60_000;

describe("failure memory", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "failure-memory-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads back what it saved, in a file only its owner can read, with no temporary file left", async () => {
    const path = join(dir, "failures.json");
    const memory = new Map([
      ["srv-1", { count: 2, lastAt: NOW - 1000, lastError: "Nova answered 500" }],
      ["srv-2", { count: 1, lastAt: NOW - 5000, lastError: "timeout" }],
    ]);
    await saveFailureMemory(path, memory);
    expect(await loadFailureMemory(path, NOW)).toEqual(memory);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["failures.json"]);
  });

  it("forgets failures older than a day", async () => {
    const path = join(dir, "failures.json");
    await saveFailureMemory(path, new Map([
      ["old", { count: 3, lastAt: NOW - DAY, lastError: "x" }],
      ["recent", { count: 1, lastAt: NOW - DAY + 1, lastError: "y" }],
    ]));
    expect([...(await loadFailureMemory(path, NOW)).keys()]).toEqual(["recent"]);
  });

  it.each([
    { title: "a missing file", content: undefined },
    { title: "a corrupt file", content: "{not json" },
  ])("reads $title as an empty memory", async ({ content }) => {
    const path = join(dir, "failures.json");
    if (content !== undefined) writeFileSync(path, content);
    expect((await loadFailureMemory(path, NOW)).size).toBe(0);
  });
});
