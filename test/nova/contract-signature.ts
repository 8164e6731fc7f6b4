// The shape of a request, without its values: what the contract table must cover for every request the client sends.
import type { ContractCall, ContractService } from "./contract-calls.js";

/** Paging controls: a page size changes no contract, so it is left out (the marker is kept). */
const IGNORED_QUERY = new Set(["limit"]);
/** Path segments that are ids: UUIDs, 32-hex ids, numbers, and the table's {variables}. */
const ID_SEGMENT = /^(\{\w+\}|[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{32}|\d+)$/i;

/** The leaf key paths of a JSON body ("auth.identity.methods[]", "evacuate" for an empty object). */
function leaves(node: unknown, prefix: string): string[] {
  if (Array.isArray(node)) return node.length === 0 ? [`${prefix}[]`] : leaves(node[0], `${prefix}[]`);
  if (node && typeof node === "object") {
    const keys = Object.keys(node);
    if (keys.length === 0) return prefix ? [prefix] : [];
    return keys.flatMap((key) => leaves((node as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key));
  }
  return prefix ? [prefix] : [];
}

/** "compute PUT /os-services/{id} ? body forced_down": service, method, path with ids generalised, query keys, body keys. */
export function requestSignature(service: ContractService, method: string, path: string, queryKeys: Iterable<string>, body: unknown): string {
  const segments = path.split("/").map((segment) => (ID_SEGMENT.test(segment) ? "{id}" : segment));
  const query = [...new Set(queryKeys)].filter((key) => !IGNORED_QUERY.has(key)).sort();
  const bodyKeys = [...new Set(leaves(body, ""))].sort();
  return `${service} ${method} ${segments.join("/") || "/"} ?${query.join("&")} body:${bodyKeys.join(",")}`;
}

/** The signature of each call of the table. */
export function tableSignatures(calls: readonly ContractCall[]): Set<string> {
  return new Set(calls.map(({ request: r }) => requestSignature(r.service, r.method, r.path, Object.keys(r.query ?? {}), r.body)));
}

/** Where the simulator serves each service: path prefix → contract service (longest first). */
const SIM_PREFIXES: ReadonlyArray<[RegExp, ContractService]> = [
  [/^\/identity\/v3(?=\/|$)/, "identity"],
  [/^\/compute\/v2\.1(?=\/|$)/, "compute"],
  [/^\/compute(?=\/|$)/, "compute-root"],
  [/^\/image(?=\/|$)/, "image"],
];

/** The signature of a request the client sent to the simulator (its URL path + query, its JSON body). */
export function simRequestSignature(method: string, url: string, body: unknown): string {
  const parsed = new URL(url, "http://sim.invalid");
  const match = SIM_PREFIXES.find(([prefix]) => prefix.test(parsed.pathname));
  if (!match) throw new Error(`the client sent ${method} ${parsed.pathname}, which is no service of the simulator`);
  const [prefix, service] = match;
  const path = parsed.pathname.replace(prefix, "").replace(/\/+$/, "") || "/";
  return requestSignature(service, method, path, parsed.searchParams.keys(), body);
}
