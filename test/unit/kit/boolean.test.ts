import { describe, expect, it } from "vitest";
import { parseBoolean } from "../../../src/kit/boolean.js";

describe("parseBoolean", () => {
  it.each([
    "1", "yes", "YES", "Yes", "y", "true", "TRUE", "True", "on", "ON", "On", " true ",
  ])("reads '%s' as true", (word) => {
    expect(parseBoolean(word)).toBe(true);
  });

  it.each([
    "0", "no", "NO", "No", "n", "false", "FALSE", "False", "off", "OFF", "Off", "", " 0 ",
  ])("reads '%s' as false", (word) => {
    expect(parseBoolean(word)).toBe(false);
  });

  it.each(["maybe", "2", "-1", "yess", "tru", "of", "enabled", "1 0", "null"])("rejects '%s'", (word) => {
    expect(parseBoolean(word)).toBeUndefined();
  });
});
