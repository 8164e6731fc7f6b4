import { describe, expect, it } from "vitest";
import { COMMON_FENCE_OPTIONS as COMMON_TABLE } from "../../../../src/kit/fence/common-options.js";
import type { ParamSpec } from "../../../../src/kit/params.js";
import { makeFenceTestAgent, TEST_FENCE_PARAMS, type FenceTestOptions } from "../fixtures/fence-test-agent.js";

/** The common options seen as plain specs (the table itself is declared as const, for typed reads). */
const COMMON_FENCE_OPTIONS: readonly ParamSpec[] = COMMON_TABLE;

describe("defineFenceAgent", () => {
  it.each([
    ["every handler", {}, ["on", "off", "reboot", "status", "list", "list-status", "monitor"]],
    ["no on handler", { without: ["on"] }, ["off", "reboot", "status", "list", "list-status", "monitor"]],
    ["no reboot handler", { without: ["reboot"] }, ["on", "off", "status", "list", "list-status", "monitor"]],
    ["no list handler", { without: ["list"] }, ["on", "off", "reboot", "status", "monitor"]],
    ["a fabric agent with a reboot handler", { fabric: true }, ["on", "off", "status", "list", "list-status", "monitor"]],
  ] as [string, FenceTestOptions, string[]][])("advertises the actions of an agent with %s", (_title, options, actions) => {
    expect(makeFenceTestAgent(options).agent.actions).toEqual(actions);
  });

  it("puts the common options first, with the agent's default action, then its own", () => {
    const { params } = makeFenceTestAgent().agent;
    expect(params.map((spec) => spec.name)).toEqual([...COMMON_FENCE_OPTIONS, ...TEST_FENCE_PARAMS].map((spec) => spec.name));
    expect(params.find((spec) => spec.name === "action")?.default).toBe("reboot");
    expect(COMMON_FENCE_OPTIONS.find((spec) => spec.name === "action")?.default).toBeUndefined();
  });
});

describe("COMMON_FENCE_OPTIONS", () => {
  it("declares each name, short option and alias once", () => {
    const all = [...COMMON_FENCE_OPTIONS, ...TEST_FENCE_PARAMS];
    const spellings = all.flatMap((spec) => [spec.name, ...(spec.aliases ?? [])]);
    const shorts = all.flatMap((spec) => (spec.short ? [spec.short] : []));
    expect(new Set(spellings).size).toBe(spellings.length);
    expect(new Set(shorts).size).toBe(shorts.length);
    expect(shorts).not.toContain("h");
    expect(shorts).not.toContain("V");
  });

  it.each([
    ["separator", ","], ["plug_separator", ","], ["delay", 0], ["login_timeout", 5], ["power_timeout", 20], ["power_wait", 0],
    ["shell_timeout", 180], ["stonith_status_sleep", 1], ["retry_on", 1],
  ])("defaults %s to %s, as the fencing library does", (name, value) => {
    expect(COMMON_FENCE_OPTIONS.find((spec) => spec.name === name)?.default).toBe(value);
  });
});
