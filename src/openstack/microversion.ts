// Nova microversions: the pinned range, the versions the code branches on, and negotiation from the version document.
import { z } from "zod";
import { OpenStackError } from "./errors.js";
import type { Transport } from "./http.js";
import { parseAnswer } from "./validate.js";

/** Lowest microversion we work with: forced_down on os-services (the out-of-band "host is dead") exists from 2.11. */
export const OUR_MIN = "2.11";
/**
 * Highest microversion we ask for. 2.95 makes evacuate leave every instance stopped at the destination,
 * which would break "back in its old power state"; up to 2.94 Nova keeps the source power state.
 */
export const OUR_MAX = "2.94";

/** The microversions the client branches on, and why. */
export const MICROVERSION_FEATURES = {
  /** os-services has forced_down, settable with PUT /os-services/force-down. */
  forcedDown: "2.11",
  /** evacuate no longer takes onSharedStorage (Nova detects shared storage itself). */
  evacuateWithoutSharedStorageFlag: "2.14",
  /** servers embed their flavor (with extra_specs) instead of a flavor id. */
  embeddedFlavor: "2.47",
  /** services are addressed by UUID: PUT /os-services/{id} replaces the host+binary calls. */
  serviceUuid: "2.53",
  /** os-migrations pages with limit/marker (migration uuid) and filters on changes-since. */
  migrationsPaging: "2.59",
  /** GET /flavors/detail includes extra_specs. */
  flavorExtraSpecs: "2.61",
} as const;

/** Parses "2.53" into [2, 53]; undefined when it is not a microversion. */
export function parseMicroversion(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Orders microversions numerically ("2.9" < "2.11"): negative, zero or positive. */
export function compareMicroversions(a: string, b: string): number {
  const pa = parseMicroversion(a);
  const pb = parseMicroversion(b);
  if (!pa || !pb) throw new Error(`not a microversion: ${pa ? b : a}`);
  return pa[0] - pb[0] || pa[1] - pb[1];
}

/** True when `negotiated` is at least `wanted`. */
export function supports(negotiated: string, wanted: string): boolean {
  return compareMicroversions(negotiated, wanted) >= 0;
}

/** The microversion to use with a server offering [serverMin, serverMax]; throws "unsupported" when there is none. */
export function chooseMicroversion(serverMin: string, serverMax: string, endpoint = "the compute endpoint"): string {
  if (!parseMicroversion(serverMax)) {
    throw new OpenStackError({ kind: "unsupported", service: "compute", what: `${endpoint} offers no microversions (legacy v2 API)`,
      hint: "register the Nova v2.1 endpoint in the Keystone catalog" });
  }
  if (compareMicroversions(serverMax, OUR_MIN) < 0) {
    throw new OpenStackError({ kind: "unsupported", service: "compute",
      what: `Nova offers microversions up to ${serverMax}, we need at least ${OUR_MIN} (forced_down)`,
      hint: "upgrade Nova (Liberty or newer)" });
  }
  const chosen = compareMicroversions(serverMax, OUR_MAX) < 0 ? serverMax : OUR_MAX;
  if (parseMicroversion(serverMin) && compareMicroversions(chosen, serverMin) < 0) {
    throw new OpenStackError({ kind: "unsupported", service: "compute",
      what: `Nova requires microversion ${serverMin} or newer, we support up to ${OUR_MAX}`,
      hint: "use a release of nova-ha-agents that supports this Nova" });
  }
  return chosen;
}

/** The headers that ask Nova for a microversion (the legacy one for Nova before 2.27 too). */
export function microversionHeaders(version: string): Record<string, string> {
  return { "OpenStack-API-Version": `compute ${version}`, "X-OpenStack-Nova-API-Version": version };
}

const versionEntry = z.object({ id: z.string(), version: z.string().default(""), min_version: z.string().default("") });
const versionDocument = z.union([
  z.object({ version: versionEntry }),
  z.object({ versions: z.array(versionEntry).min(1) }),
]);

/** URL of the version document of a compute endpoint (a trailing project id segment is dropped). */
export function versionDocumentUrl(computeEndpoint: string, projectId?: string): string {
  const url = new URL(computeEndpoint.replace(/\/+$/, ""));
  const segments = url.pathname.split("/").filter(Boolean);
  const last = segments[segments.length - 1];
  if (last && (last === projectId || /^[0-9a-f]{32}$/i.test(last) || /^[0-9a-f-]{36}$/i.test(last))) segments.pop();
  url.pathname = `/${segments.join("/")}${segments.length > 0 ? "/" : ""}`;
  return url.toString();
}

/** Reads the compute version document (one unauthenticated GET) and picks our microversion. */
export async function negotiateMicroversion(transport: Transport, computeEndpoint: string, projectId?: string): Promise<string> {
  const url = versionDocumentUrl(computeEndpoint, projectId);
  const res = await transport.request({ service: "compute", method: "GET", url });
  const doc = parseAnswer(versionDocument, res.data, { service: "compute", method: "GET", path: new URL(url).pathname, requestId: res.requestId });
  const entry = "version" in doc ? doc.version : pickV21(doc.versions);
  return chooseMicroversion(entry.min_version, entry.version, url);
}

function pickV21(versions: Array<z.output<typeof versionEntry>>): z.output<typeof versionEntry> {
  const withMicroversions = versions.filter((v) => parseMicroversion(v.version));
  return withMicroversions.find((v) => v.id === "v2.1") ?? withMicroversions[0] ?? (versions[0] as z.output<typeof versionEntry>);
}
