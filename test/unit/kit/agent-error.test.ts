import { describe, expect, it } from "vitest";
import { AgentError, configError, oneLine, toAgentError } from "../../../src/kit/agent-error.js";

describe("oneLine", () => {
  it.each([
    ["an Error's message", new Error("Nova refused"), "Nova refused"],
    ["the first line of a multi-line message", new Error("first line\nsecond line\n    at x (y.ts:1:1)"), "first line"],
    ["the first non-blank line, trimmed", new Error("\n  \n  real reason  \nmore"), "real reason"],
    ["a thrown string", "plain", "plain"],
    ["a thrown number", 42, "42"],
    ["an empty message", new Error(""), "unknown error"],
    ["a blank message", new Error(" \n \n"), "unknown error"],
    ["a line of 70 KB, cut at 500 characters", new Error(`bad: ${"v".repeat(70_000)}`), `bad: ${"v".repeat(495)}... (70005 characters)`],
  ])("gives %s", (_title, thrown, expected) => {
    expect(oneLine(thrown)).toBe(expected);
  });
});

describe("toAgentError", () => {
  it("returns an AgentError as it is", () => {
    const error = new AgentError("installed", "needs nova-manage");
    expect(toAgentError(error)).toBe(error);
  });

  it.each([
    ["a plain Error", new Error("boom\nstack"), "generic", "boom"],
    ["an error of kind config", Object.assign(new Error("auth_url missing\nhint"), { kind: "config" }), "configured", "auth_url missing"],
    ["an error of another kind", Object.assign(new Error("Nova unreachable"), { kind: "unreachable" }), "generic", "Nova unreachable"],
    ["a thrown string", "plain", "generic", "plain"],
    ["null", null, "generic", "null"],
  ])("turns %s into a one-line AgentError", (_title, thrown, kind, message) => {
    const error = toAgentError(thrown);
    expect(error).toBeInstanceOf(AgentError);
    expect({ kind: error.kind, message: error.message, name: error.name }).toEqual({ kind, message, name: "AgentError" });
    if (thrown instanceof Error) expect(error.cause).toBe(thrown);
  });
});

describe("configError", () => {
  it("makes a configured AgentError", () => {
    expect(configError("set auth_url")).toMatchObject({ kind: "configured", message: "set auth_url" });
  });
});
