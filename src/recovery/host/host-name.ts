// Maps a cluster node name (the fence plug) to the host name its nova-compute service registered with.
import { AgentError } from "../../kit/agent-error.js";

/** How many known hosts an error message names before it abbreviates. */
const SHOWN_HOSTS = 8;

/** The first DNS label of a host name ("compute-0.example.com" → "compute-0"). */
export function shortName(host: string): string {
  return host.split(".")[0] ?? host;
}

/** The DNS domain of a host name, "" when it has none. */
export function domainOf(host: string): string {
  const dot = host.indexOf(".");
  return dot < 0 ? "" : host.slice(dot + 1);
}

/** Lists hosts for an error message: "a, b, c" or "a, b, … (12 in all)". */
function shown(hosts: readonly string[]): string {
  if (hosts.length === 0) return "none";
  const head = hosts.slice(0, SHOWN_HOSTS).join(", ");
  return hosts.length > SHOWN_HOSTS ? `${head}, … (${hosts.length} in all)` : head;
}

/**
 * The rules, tried in order; the first that yields exactly one host wins, one that yields several is ambiguous.
 * Each compares one plug with each Nova host on its own, so a cloud that mixes short and FQDN registrations works.
 */
const RULES: ReadonlyArray<{ readonly name: string; readonly matches: (plug: string, host: string, domain: string | undefined) => boolean }> = [
  { name: "exact name", matches: (plug, host) => plug === host },
  { name: "name ignoring case", matches: (plug, host) => plug.toLowerCase() === host.toLowerCase() },
  {
    name: "short name in the configured domain",
    matches: (plug, host, domain) => domain !== undefined && `${shortName(plug)}.${domain}`.toLowerCase() === host.toLowerCase(),
  },
  { name: "short name", matches: (plug, host) => shortName(plug).toLowerCase() === shortName(host).toLowerCase() },
];

/** The outcome of matching a plug: one host, several (ambiguous), or none. */
export type HostMatch =
  | { readonly kind: "found"; readonly host: string; readonly rule: string }
  | { readonly kind: "ambiguous"; readonly candidates: readonly string[]; readonly rule: string }
  | { readonly kind: "unknown"; readonly known: readonly string[] };

/**
 * Matches `plug` against the nova-compute hosts Nova knows. `domain` (the agents' domain/compute_domain)
 * picks `<short>.<domain>` among several hosts sharing a short name.
 */
export function matchNovaHost(plug: string, novaHosts: readonly string[], domain?: string): HostMatch {
  const hosts = [...new Set(novaHosts)];
  const wanted = domain?.replace(/^\.+|\.+$/g, "") || undefined;
  for (const rule of RULES) {
    const found = hosts.filter((host) => rule.matches(plug, host, wanted));
    if (found.length === 1) return { kind: "found", host: found[0] as string, rule: rule.name };
    if (found.length > 1) return { kind: "ambiguous", candidates: found, rule: rule.name };
  }
  return { kind: "unknown", known: [...hosts].sort() };
}

/** The AgentError that explains a failed match. */
export function hostMatchError(plug: string, match: Exclude<HostMatch, { kind: "found" }>): AgentError {
  if (match.kind === "ambiguous") {
    return new AgentError(
      "configured",
      `cluster node ${plug} matches several nova-compute hosts by ${match.rule}: ${shown(match.candidates)}; set domain to pick one, or map the node with pcmk_host_map`,
    );
  }
  return new AgentError("generic", `Nova has no nova-compute service for host ${plug} (known: ${shown(match.known)})`);
}

/** Like matchNovaHost, but a missing or ambiguous match throws the AgentError that explains it. */
export function resolveNovaHost(plug: string, novaHosts: readonly string[], domain?: string): string {
  const match = matchNovaHost(plug, novaHosts, domain);
  if (match.kind === "found") return match.host;
  throw hostMatchError(plug, match);
}
