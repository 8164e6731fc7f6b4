// Nova microversions: parsing, comparison, header negotiation and the headers echoed back.
import type { IncomingHttpHeaders } from "node:http";

/** A microversion such as 2.53. */
export interface Microversion {
  major: number;
  minor: number;
}

/** The lowest microversion Nova serves. */
export const MIN_MICROVERSION = "2.1";

/** The highest microversion Nova Zed serves. */
export const ZED_MAX_MICROVERSION = "2.93";

/** Parses "X.Y" exactly as Nova does; undefined when malformed. */
export function parseMicroversion(text: string): Microversion | undefined {
  const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** Same as parseMicroversion but throws on malformed input (for configuration). */
export function requireMicroversion(text: string): Microversion {
  const v = parseMicroversion(text);
  if (!v) throw new Error(`invalid microversion ${text}`);
  return v;
}

/** "2.53". */
export function formatMicroversion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function compareMicroversions(a: Microversion, b: Microversion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `v` is at least `min` (e.g. atLeast(v, "2.53")). */
export function atLeast(v: Microversion | undefined, min: string): boolean {
  return v !== undefined && compareMicroversions(v, requireMicroversion(min)) >= 0;
}

/** True when `v` lies within [min, max]. */
export function within(v: Microversion | undefined, min: string, max: string): boolean {
  return atLeast(v, min) && v !== undefined && compareMicroversions(v, requireMicroversion(max)) <= 0;
}

/** The outcome of reading the version headers of a request. */
export type Negotiation =
  | { ok: true; version: Microversion }
  | { ok: false; status: 400 | 406; message: string; echo?: Microversion };

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** The requested compute version string: OpenStack-API-Version first, then the legacy Nova header. */
export function requestedVersion(headers: IncomingHttpHeaders): string | undefined {
  const modern = headerValue(headers, "openstack-api-version");
  if (modern !== undefined) {
    for (const item of modern.split(",")) {
      const [service, version] = item.trim().split(/\s+/, 2);
      if (service?.toLowerCase() === "compute" && version !== undefined) return version;
    }
  }
  return headerValue(headers, "x-openstack-nova-api-version")?.trim();
}

/** Negotiates the microversion of a request against [2.1, max]. */
export function negotiate(headers: IncomingHttpHeaders, max: string): Negotiation {
  const maxVersion = requireMicroversion(max);
  const requested = requestedVersion(headers);
  if (requested === undefined) return { ok: true, version: requireMicroversion(MIN_MICROVERSION) };
  if (requested.toLowerCase() === "latest") return { ok: true, version: maxVersion };
  const version = parseMicroversion(requested);
  if (!version) {
    return { ok: false, status: 400, message: `API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.` };
  }
  if (compareMicroversions(version, requireMicroversion(MIN_MICROVERSION)) < 0 || compareMicroversions(version, maxVersion) > 0) {
    return {
      ok: false,
      status: 406,
      message: `Version ${formatMicroversion(version)} is not supported by the API. Minimum is ${MIN_MICROVERSION} and maximum is ${max}.`,
      echo: version,
    };
  }
  return { ok: true, version };
}

/** Headers Nova adds to every versioned response. */
export function versionHeaders(v: Microversion): Record<string, string> {
  const text = formatMicroversion(v);
  return {
    "OpenStack-API-Version": `compute ${text}`,
    "X-OpenStack-Nova-API-Version": text,
    Vary: "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
  };
}
