import { describe, expect, it } from "vitest";
import { escapeXml, metadataOrder, xmlAttributes } from "../../../src/kit/xml.js";

describe("escapeXml", () => {
  it.each([
    ["plain text", "plain text"],
    ["a < b > c", "a &lt; b &gt; c"],
    ["Tom & Jerry", "Tom &amp; Jerry"],
    ['say "hi"', "say &quot;hi&quot;"],
    ["&amp;", "&amp;amp;"],
  ])("escapes %s", (text, expected) => {
    expect(escapeXml(text)).toBe(expected);
  });
});

describe("xmlAttributes", () => {
  it("renders attributes in order, skipping undefined ones and escaping values", () => {
    expect(xmlAttributes({ name: "a&b", unique: "0", deprecated: undefined, timeout: 20 })).toBe(' name="a&amp;b" unique="0" timeout="20"');
  });

  it("renders nothing for no attributes", () => {
    expect(xmlAttributes({})).toBe("");
  });
});

describe("metadataOrder", () => {
  it("sorts by order (default 50), then by name, without changing the input", () => {
    const specs = [{ name: "zeta" }, { name: "beta", order: 60 }, { name: "alpha" }, { name: "first", order: 1 }, { name: "late", order: 50 }];
    expect(metadataOrder(specs).map((spec) => spec.name)).toEqual(["first", "alpha", "late", "zeta", "beta"]);
    expect(specs[0]?.name).toBe("zeta");
  });
});
