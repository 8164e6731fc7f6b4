import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FENCE, OCF } from "../../../src/kit/exit-codes.js";

const OCF_RETURNCODES = "/usr/lib/ocf/lib/heartbeat/ocf-returncodes";

describe("OCF exit codes", () => {
  it("match resource-agents' ocf-returncodes", () => {
    const shell = readFileSync(OCF_RETURNCODES, "utf8");
    for (const [name, code] of Object.entries(OCF)) {
      expect(shell, name).toMatch(new RegExp(`^OCF_${name}=${code}$`, "m"));
    }
  });
});

describe("fence exit codes", () => {
  it("are 0 for success, 1 for any failure and 2 for a target found off", () => {
    expect(FENCE).toEqual({ SUCCESS: 0, FAILURE: 1, STATUS_OFF: 2 });
  });
});
