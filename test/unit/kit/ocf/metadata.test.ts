import { describe, expect, it } from "vitest";
import { ocfMetadata } from "../../../../src/kit/ocf/metadata.js";
import { makeResourceTestAgent } from "../fixtures/resource-test-agent.js";
import { xmllint } from "../fixtures/xmllint.js";

const RA_DIR = "/usr/share/resource-agents";
const XML = ocfMetadata(makeResourceTestAgent().agent);

describe("ocfMetadata", () => {
  it("validates against ra-api-1.dtd, the way ocf-tester checks it", () => {
    expect(xmllint(["--dtdvalid", `${RA_DIR}/ra-api-1.dtd`], XML, RA_DIR)).toEqual({ status: 0, stderr: "" });
    expect(xmllint(["--valid"], XML, RA_DIR)).toEqual({ status: 0, stderr: "" });
  });

  it("validates against resource-agents' metadata.rng", () => {
    expect(xmllint(["--relaxng", `${RA_DIR}/metadata.rng`], XML, RA_DIR)).toEqual({ status: 0, stderr: "- validates\n" });
  });

  it("is checked by validators that can fail", () => {
    const broken = XML.replace('<content type="integer" default="3" />', '<content type="number" default="3" />');
    expect(broken).not.toBe(XML);
    expect(xmllint(["--dtdvalid", `${RA_DIR}/ra-api-1.dtd`], broken, RA_DIR).status).not.toBe(0);
    expect(xmllint(["--relaxng", `${RA_DIR}/metadata.rng`], broken, RA_DIR).status).not.toBe(0);
  });

  it("carries the DOCTYPE and the agent's identity", () => {
    expect(XML.split("\n").slice(0, 6)).toEqual([
      '<?xml version="1.0"?>',
      '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">',
      '<resource-agent name="KitTest" version="1.0">',
      "<version>1.0</version>",
      '<longdesc lang="en">Pretends to run a service; used by the kit\'s unit tests &lt;&amp;&gt;.</longdesc>',
      '<shortdesc lang="en">Resource agent for the kit\'s tests</shortdesc>',
    ]);
  });

  it.each([
    ["a required string", "state_file", 'required="1"', '<content type="string" />'],
    ["an integer with its default", "count", 'required="0"', '<content type="integer" default="3" />'],
    ["seconds, as an integer", "grace", 'required="0"', '<content type="integer" default="30" />'],
    ["a boolean default true", "enabled", 'required="0"', '<content type="boolean" default="true" />'],
    ["a boolean default false", "verbose", 'required="0"', '<content type="boolean" default="false" />'],
  ])("describes %s", (_title, name, required, content) => {
    const element = XML.match(new RegExp(`<parameter name="${name}" unique="0" ${required}>\\n(.*\\n){2}${content}\\n</parameter>`));
    expect(element).not.toBeNull();
  });

  it("uses the long description when there is one, and escapes it", () => {
    expect(XML).toContain('<longdesc lang="en">Seconds to wait; &quot;30s&quot; works too.</longdesc>\n<shortdesc lang="en">Grace period</shortdesc>');
  });

  it("lists parameters by order, then name, without hidden ones", () => {
    const names = [...XML.matchAll(/<parameter name="([^"]+)"/g)].map((match) => match[1]);
    expect(names).toEqual(["state_file", "count", "enabled", "grace", "password", "verbose"]);
  });

  it("lists the agent's actions with timeouts, then meta-data and validate-all", () => {
    expect([...XML.matchAll(/<action [^>]*\/>/g)].map((match) => match[0])).toEqual([
      '<action name="start" timeout="20s" />',
      '<action name="stop" timeout="20s" />',
      '<action name="monitor" timeout="30s" interval="10s" depth="0" />',
      '<action name="meta-data" timeout="5s" />',
      '<action name="validate-all" timeout="20s" />',
    ]);
  });
});
