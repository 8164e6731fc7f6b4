import { describe, expect, it } from "vitest";
import { KEPT_MARKER, withKeptSections } from "../../../bench/harness/kept-sections.js";

describe("withKeptSections", () => {
  it("carries the lab figures of the previous report over to the new one", () => {
    const previous = `# Benchmarks\n\nold figures\n\n${KEPT_MARKER}\n\n## Lab figure\n\n| a |\n`;
    expect(withKeptSections("# Benchmarks\n\nnew figures\n", previous)).toBe(`# Benchmarks\n\nnew figures\n\n${KEPT_MARKER}\n\n## Lab figure\n\n| a |\n`);
  });

  it("writes the new report alone when there was none, or it kept nothing", () => {
    expect(withKeptSections("new\n", undefined)).toBe("new\n");
    expect(withKeptSections("new\n", "# Benchmarks\n\nold\n")).toBe("new\n");
  });
});
