// Fence agent metadata XML, laid out like the fencing library's (validates against fence-agents' metadata.rng).
import type { ParamSpec } from "../params.js";
import { escapeXml, metadataOrder, xmlAttributes } from "../xml.js";
import { longOption } from "./input.js";
import type { FenceAgent } from "./fence-agent.js";

/** Parameters that exist only as command-line switches, still listed like the fencing library lists them. */
const SWITCHES: readonly ParamSpec[] = [
  { name: "version", type: "boolean", short: "V", order: 300, shortdesc: "Display version information and exit" },
  { name: "help", type: "boolean", short: "h", order: 301, shortdesc: "Display help and exit" },
];

/** The getopt hint: "-k, --auth-url=[url]" or "--insecure". */
function getopt(spec: ParamSpec, long = longOption(spec)): string {
  const prefix = spec.short ? `-${spec.short}, ` : "";
  return spec.type === "boolean" || spec.metavar === undefined ? `${prefix}--${long}` : `${prefix}--${long}=[${spec.metavar}]`;
}

/** One <parameter> element, under a given name and with deprecated/obsoletes marks. */
function parameterXml(spec: ParamSpec, name: string, marks: { deprecated?: string; obsoletes?: string }): string {
  const defaultValue = spec.default === undefined ? undefined : String(spec.default);
  return [
    `\t<parameter${xmlAttributes({ name, unique: "0", required: spec.required ? "1" : "0", ...marks })}>`,
    `\t\t<getopt mixed="${escapeXml(getopt(spec))}" />`,
    `\t\t<content${xmlAttributes({ type: spec.type === "second" ? "second" : spec.type, default: defaultValue })} />`,
    `\t\t<shortdesc lang="en">${escapeXml(spec.shortdesc)}</shortdesc>`,
    `\t</parameter>`,
  ].join("\n");
}

/** Every parameter element: deprecated aliases first under their old name, then the current name. */
function parametersXml(specs: readonly ParamSpec[]): string[] {
  return metadataOrder(specs.filter((spec) => !spec.hidden)).flatMap((spec) => {
    const aliases = (spec.aliases ?? []).filter((alias) => alias !== spec.name);
    return [
      ...aliases.map((alias) => parameterXml(spec, alias, { deprecated: "1" })),
      parameterXml(spec, spec.name, { obsoletes: aliases[0] }),
    ];
  });
}

/** The fence metadata document of an agent. */
export function fenceMetadata(agent: FenceAgent): string {
  const actions = agent.actions.map((action) =>
    action === "on" ? `\t<action name="on" automatic="${agent.fabric ? 1 : 0}"/>` : `\t<action name="${action}" />`,
  );
  return [
    `<?xml version="1.0" ?>`,
    `<resource-agent${xmlAttributes({ name: agent.name, shortdesc: agent.shortdesc })} >`,
    `<longdesc>${escapeXml(agent.longdesc)}</longdesc>`,
    `<vendor-url>${escapeXml(agent.vendorUrl ?? "")}</vendor-url>`,
    `<parameters>`,
    ...parametersXml([...agent.params, ...SWITCHES]),
    `</parameters>`,
    `<actions>`,
    ...actions,
    `\t<action name="metadata" />`,
    `\t<action name="manpage" />`,
    `\t<action name="validate-all" />`,
    `</actions>`,
    `</resource-agent>`,
    ``,
  ].join("\n");
}
