// Request and response shapes of the simulator's handlers, a thrown-response error, and a route table matcher.
import type { IncomingHttpHeaders } from "node:http";
import type { TokenRecord } from "./identity-store.js";
import type { Microversion } from "./microversion.js";

/** A parsed request as handlers see it. */
export interface SimRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when empty. */
  body: unknown;
  /** "http://host:port" as the client addressed us (links and the catalog use it). */
  origin: string;
  /** Values of {placeholders} in the matched route. */
  params: Record<string, string>;
  /** The caller's token, for authenticated services. */
  token?: TokenRecord;
  /** The negotiated Nova microversion. */
  version?: Microversion;
}

/** What a handler answers. */
export interface SimResponse {
  status: number;
  /** Serialised as JSON unless undefined. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A response thrown from deep inside a handler (errors mostly). */
export class HttpError extends Error {
  constructor(readonly response: SimResponse) {
    super(`HTTP ${response.status}`);
  }
}

/** One entry of a route table; `pattern` uses {name} placeholders. */
export interface Route {
  method: string;
  pattern: string;
  handler: (req: SimRequest) => SimResponse | Promise<SimResponse>;
  /** Served without a token (version documents). */
  public?: boolean;
  /** Not subject to microversion negotiation (Nova's root version list). */
  unversioned?: boolean;
}

/** A route compiled for matching. */
export interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
  /** Counter key, e.g. "GET /compute/v2.1/servers/{id}". */
  key: string;
}

/** The outcome of matching a path. */
export type RouteMatch = { route: CompiledRoute; params: Record<string, string> } | "method-not-allowed" | "not-found";

/** Compiles a route table. */
export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => {
    const names: string[] = [];
    const source = r.pattern.replace(/[.+?^$()[\]\\|]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { ...r, regex: new RegExp(`^${source}/?$`), names, key: `${r.method} ${r.pattern}` };
  });
}

/** Finds the route for a method and path (literal routes win over placeholders by table order). */
export function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
    return { route, params };
  }
  return pathMatched ? "method-not-allowed" : "not-found";
}

/** A JSON response. */
export function json(status: number, body?: unknown, headers?: Record<string, string>): SimResponse {
  return { status, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) };
}

/** Reads a non-negative integer query parameter; undefined if absent, "invalid" if malformed. */
export function intParam(query: URLSearchParams, name: string): number | undefined | "invalid" {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw.trim())) return "invalid";
  return Number(raw.trim());
}

/** An object's own plain-object value, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A Python-like repr of a JSON value, as Nova's validation messages print request values. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `'${k}': ${pyRepr(v)}`).join(", ")}}`;
  return String(value);
}
