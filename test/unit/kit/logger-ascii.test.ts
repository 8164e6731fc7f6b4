import { describe, expect, it } from "vitest";
import { asciiOnly } from "../../../src/kit/logger.js";

describe("asciiOnly", () => {
  it.each([
    ["plain ASCII", 'host=compute-1 err="HTTP 400" <x> & y', 'host=compute-1 err="HTTP 400" <x> & y'],
    ["an ellipsis", "to move to `completed` …; refused", "to move to `completed` \\u2026; refused"],
    ["accented letters", "instance é", "instance \\u00e9"],
    ["a character outside the BMP (both UTF-16 halves)", "vm 😀", "vm \\ud83d\\ude00"],
  ])("escapes %s so that every byte written is ASCII", (_what, text, expected) => {
    const escaped = asciiOnly(text);
    expect(escaped).toBe(expected);
    expect(Buffer.from(escaped, "utf8").every((byte) => byte < 0x80)).toBe(true);
  });

  it("keeps JSON log lines parseable to the same text", () => {
    const line = JSON.stringify({ msg: "instance not recovered", name: "vm-é…😀" });
    expect(JSON.parse(asciiOnly(line))).toEqual(JSON.parse(line));
  });
});
