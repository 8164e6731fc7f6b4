import { describe, expect, it } from "vitest";
import { fenceMetadata } from "../../../../src/kit/fence/metadata.js";
import { makeFenceTestAgent, type FenceTestOptions } from "../fixtures/fence-test-agent.js";
import { xmllint } from "../fixtures/xmllint.js";

const FENCE_RNG = "/usr/share/cluster/relaxng/metadata.rng";

/** The metadata of a test agent built with `options`. */
const metadataOf = (options: FenceTestOptions = {}): string => fenceMetadata(makeFenceTestAgent(options).agent);

/** The <parameter> element named `name`, as text. */
function parameterElement(xml: string, name: string): string {
  const match = xml.match(new RegExp(`\\t<parameter name="${name}" [^>]*>\\n(\\t\\t.*\\n)*\\t</parameter>`));
  if (!match) throw new Error(`no parameter ${name} in the metadata`);
  return match[0];
}

/** The names of all <parameter> elements, in document order. */
const parameterNames = (xml: string): string[] => [...xml.matchAll(/<parameter name="([^"]+)"/g)].map((match) => match[1] ?? "");

/** The <action> elements, as text. */
const actionElements = (xml: string): string[] => [...xml.matchAll(/<action [^>]*\/>/g)].map((match) => match[0]);

describe("fenceMetadata", () => {
  it.each([
    ["a plain agent", {}],
    ["a fabric agent", { fabric: true }],
    ["an agent without on, reboot and list", { without: ["on", "reboot", "list"] }],
  ] as const)("of %s validates against fence-agents' metadata.rng", (_title, options) => {
    expect(xmllint(["--relaxng", FENCE_RNG], metadataOf(options))).toEqual({ status: 0, stderr: "- validates\n" });
  });

  it("is checked by a validator that can fail", () => {
    const broken = metadataOf().replace(/<vendor-url>.*<\/vendor-url>\n/, "");
    expect(xmllint(["--relaxng", FENCE_RNG], broken).status).not.toBe(0);
  });

  it("starts with the fencing library's header", () => {
    expect(metadataOf().split("\n").slice(0, 4)).toEqual([
      '<?xml version="1.0" ?>',
      `<resource-agent name="fence_kittest" shortdesc="Fence agent for the kit's tests" >`,
      "<longdesc>Pretends to fence nodes; used by the kit's unit tests.</longdesc>",
      "<vendor-url>https://example.org</vendor-url>",
    ]);
  });

  it.each([
    ["port", "plug", "-n, --plug=[id]"],
    ["login", "username", "-l, --username=[name]"],
    ["passwd", "password", "-p, --password=[password]"],
    ["debug", "debug_file", "-D, --debug-file=[debugfile]"],
  ])("emits the alias %s as deprecated and %s as obsoleting it", (alias, name, getopt) => {
    const xml = metadataOf();
    expect(parameterElement(xml, alias)).toMatch(new RegExp(`^\\t<parameter name="${alias}" unique="0" required="0" deprecated="1">`));
    expect(parameterElement(xml, name)).toMatch(new RegExp(`^\\t<parameter name="${name}" unique="0" required="0" obsoletes="${alias}">`));
    for (const element of [parameterElement(xml, alias), parameterElement(xml, name)]) {
      expect(element).toContain(`<getopt mixed="${getopt}" />`);
    }
    const names = parameterNames(xml);
    expect(names.indexOf(alias)).toBe(names.indexOf(name) - 1);
  });

  it.each([
    ["a string with a metavar", "auth_url", '<getopt mixed="-k, --auth-url=[url]" />', '<content type="string" />'],
    ["a boolean", "insecure", '<getopt mixed="--insecure" />', '<content type="boolean" />'],
    ["a second with its default", "delay", '<getopt mixed="--delay=[seconds]" />', '<content type="second" default="0" />'],
    ["an integer with its default", "retry_on", '<getopt mixed="--retry-on=[attempts]" />', '<content type="integer" default="1" />'],
    ["the action with the agent's default", "action", '<getopt mixed="-o, --action=[action]" />', '<content type="string" default="reboot" />'],
  ])("describes %s", (_title, name, getopt, content) => {
    const element = parameterElement(metadataOf(), name);
    expect(element).toContain(`\t\t${getopt}\n\t\t${content}\n`);
  });

  it("escapes text for XML", () => {
    expect(parameterElement(metadataOf(), "auth_url")).toContain('<shortdesc lang="en">Keystone URL &lt;with &amp; escapes&gt;</shortdesc>');
  });

  it("leaves out hidden parameters and lists the switches last", () => {
    const names = parameterNames(metadataOf());
    expect(names).not.toContain("nodename");
    expect(names.slice(-2)).toEqual(["version", "help"]);
    expect(names.slice(0, 3)).toEqual(["action", "port", "plug"]);
  });

  it.each([
    ["a plain agent", {}, ['<action name="on" automatic="0"/>', '<action name="off" />', '<action name="reboot" />', '<action name="status" />',
      '<action name="list" />', '<action name="list-status" />', '<action name="monitor" />']],
    ["a fabric agent", { fabric: true }, ['<action name="on" automatic="1"/>', '<action name="off" />', '<action name="status" />',
      '<action name="list" />', '<action name="list-status" />', '<action name="monitor" />']],
    ["an agent without on", { without: ["on"] }, ['<action name="off" />', '<action name="reboot" />', '<action name="status" />',
      '<action name="list" />', '<action name="list-status" />', '<action name="monitor" />']],
  ] as const)("lists the actions of %s, then metadata, manpage and validate-all", (_title, options, actions) => {
    expect(actionElements(metadataOf(options))).toEqual([
      ...actions, '<action name="metadata" />', '<action name="manpage" />', '<action name="validate-all" />',
    ]);
  });
});
