// OCF metadata XML (ra-api-1.dtd) from a resource agent declaration.
import type { ParamSpec } from "../params.js";
import { escapeXml, metadataOrder, xmlAttributes } from "../xml.js";
import type { ResourceAgent } from "./resource-agent.js";

/** ra-api-1.dtd knows no "second"; seconds are integers there. */
const OCF_CONTENT_TYPE: Record<ParamSpec["type"], string> = {
  string: "string",
  boolean: "boolean",
  integer: "integer",
  second: "integer",
};

/** Renders one <parameter> element. */
function parameterXml(spec: ParamSpec): string {
  const defaultValue =
    spec.default === undefined ? undefined : typeof spec.default === "boolean" ? (spec.default ? "true" : "false") : String(spec.default);
  return [
    `<parameter${xmlAttributes({ name: spec.name, unique: "0", required: spec.required ? "1" : "0" })}>`,
    `<longdesc lang="en">${escapeXml(spec.longdesc ?? spec.shortdesc)}</longdesc>`,
    `<shortdesc lang="en">${escapeXml(spec.shortdesc)}</shortdesc>`,
    `<content${xmlAttributes({ type: OCF_CONTENT_TYPE[spec.type], default: defaultValue })} />`,
    `</parameter>`,
  ].join("\n");
}

/** The metadata document, with the DOCTYPE that ocf-tester and xmllint --valid need. */
export function ocfMetadata(agent: ResourceAgent): string {
  const parameters = metadataOrder(agent.params.filter((spec) => !spec.hidden)).map(parameterXml);
  const actions = Object.entries(agent.actions).map(([name, action]) =>
    `<action${xmlAttributes({ name, timeout: `${action.timeout}s`, interval: action.interval === undefined ? undefined : `${action.interval}s`, depth: action.depth })} />`,
  );
  for (const builtin of ["meta-data", "validate-all"]) {
    if (!agent.actions[builtin]) actions.push(`<action name="${builtin}" timeout="${builtin === "meta-data" ? 5 : 20}s" />`);
  }
  return [
    `<?xml version="1.0"?>`,
    `<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">`,
    `<resource-agent${xmlAttributes({ name: agent.name, version: agent.version })}>`,
    `<version>1.0</version>`,
    `<longdesc lang="en">${escapeXml(agent.longdesc)}</longdesc>`,
    `<shortdesc lang="en">${escapeXml(agent.shortdesc)}</shortdesc>`,
    `<parameters>`,
    ...parameters,
    `</parameters>`,
    `<actions>`,
    ...actions,
    `</actions>`,
    `</resource-agent>`,
    ``,
  ].join("\n");
}
