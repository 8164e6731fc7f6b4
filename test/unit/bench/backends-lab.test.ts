// bench/backends-lab.ts's command line: what it refuses before it touches the lab (its runs are a lab figure, docs/benchmarks.md).
import { resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "../../../bench/backends-lab.ts");
const TSX = resolve(import.meta.dirname, "../../../node_modules/.bin/tsx");

describe("bench/backends-lab.ts", () => {
  it.each([
    [["--only", "nova,foo"], "backends-lab: option '--only <list>' argument 'nova,foo' is invalid. unknown back-end foo (one of nova, mistral, masakari, masakari-packaged)"],
    [["--compute", "4"], "backends-lab: option '--compute <n>' argument '4' is invalid. must be 1, 2 or 3 (the lab's computes)"],
    [["--runs", "-1"], "backends-lab: option '--runs <n>' argument '-1' is invalid. must be an integer from 0 to 20"],
  ])("refuses %j in one line with exit 2, before any lab call", async (args, line) => {
    const run = await execa(TSX, [SCRIPT, ...args], { reject: false, env: { LAB: "/nonexistent" } });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(line);
  }, 60_000);

  it("lists the back-ends it compares in --help", async () => {
    const run = await execa(TSX, [SCRIPT, "--help"], { reject: false });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("nova,mistral,masakari,masakari-packaged");
  }, 60_000);
});
