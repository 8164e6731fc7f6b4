import { describe, expect, it } from "vitest";
import { labShape, sameShape } from "../../../lab/pacemaker/lab-options.js";

describe("labShape", () => {
  it("fills in the defaults: two compute nodes, two spares, four servers a host, every third SHUTOFF, seed 42", () => {
    expect(labShape({})).toEqual({ computes: ["compute-1", "compute-2"], spares: ["spare-1", "spare-2"], serversPerHost: 4, shutoffEvery: 3, seed: 42 });
  });

  it("tells labs apart by what they are made of, not by what a running lab can be tuned to", () => {
    expect(sameShape(labShape({ evacuateLatencyMs: 8000, reconnectInterval: "90s", loadThreshold: "2000%" }), labShape({}))).toBe(true);
    expect(sameShape(labShape({ computes: 3 }), labShape({}))).toBe(false);
    expect(sameShape(labShape({ seed: 7 }), labShape({}))).toBe(false);
  });
});
