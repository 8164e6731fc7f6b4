// The Keystone access rules of the credential NovaEvacuate starts Mistral executions with: exactly the calls made with its token.
import { AgentError } from "../../kit/agent-error.js";

/** The service types the token is used at, as access rules name them (they must equal each service's [keystone_authtoken] service_type). */
export type TokenService = "workflowv2" | "compute";

/** One call made with the token: relative to the service's endpoint, `*` standing for one path segment (keystonemiddleware's syntax). */
export interface TokenCall {
  readonly service: TokenService;
  readonly method: "GET" | "POST";
  readonly path: string;
  /** Who makes it. */
  readonly by: string;
}

/**
 * Every call made with the token NovaEvacuate hands to Mistral: the driver's own (src/openstack/mistral/mistral-api.ts), and
 * the workflow's std.http calls to Nova with `$.openstack.auth_token` (share/workflows/nova-ha-host-evacuate.yaml).
 * `nova-ha mistral install-workflow` is not here: the operator installs the workflow with their own credentials.
 */
export const MISTRAL_TOKEN_CALLS: readonly TokenCall[] = [
  { service: "workflowv2", method: "GET", path: "/executions/*", by: "driver: the host's execution, by its id" },
  { service: "workflowv2", method: "GET", path: "/executions", by: "driver: an execution of this failure started under another id" },
  { service: "workflowv2", method: "POST", path: "/executions", by: "driver: starts the host's execution" },
  { service: "workflowv2", method: "GET", path: "/tasks", by: "driver: the failed tasks of an execution that ended in ERROR" },
  { service: "compute", method: "GET", path: "/os-services", by: "workflow check_down: Nova sees the host down" },
  { service: "compute", method: "GET", path: "/servers/detail", by: "workflow list_page: the host's servers, every page" },
  { service: "compute", method: "POST", path: "/servers/*/action", by: "workflow evacuate: one evacuation per server" },
  { service: "compute", method: "GET", path: "/servers/*", by: "workflow verify: each server until it settles" },
];

/** A Keystone application credential access rule. */
export interface AccessRule {
  service: TokenService;
  method: string;
  path: string;
}

/** The path part of an endpoint URL, without a trailing slash ("http://h:8774/v2.1/" → "/v2.1", "http://h:8989" → ""). */
export function endpointPath(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== "http:" && parsed?.protocol !== "https:") {
    throw new AgentError("args", `${url} is not an http(s) URL: give the endpoint as the catalog lists it, e.g. http://controller:8774/v2.1`);
  }
  return parsed.pathname.replace(/\/+$/, "");
}

/** The access rules for the services' endpoint paths (keystonemiddleware matches the whole request path, endpoint prefix included). */
export function mistralAccessRules(prefixes: Readonly<Record<TokenService, string>>): AccessRule[] {
  return MISTRAL_TOKEN_CALLS.map((call) => ({ service: call.service, method: call.method, path: `${prefixes[call.service]}${call.path}` }));
}
