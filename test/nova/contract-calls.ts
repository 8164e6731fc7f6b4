// THE CONTRACT: every Keystone, Nova and Glance call the client makes, as data, in the order the contract test sends them.
// Each call goes to the simulator and to the real Nova lab; status, the fields the client reads (JSON types and
// presence) and the headers it reads must agree. {name} is a per-cloud variable (see contract-targets.ts).
import type { Expectation } from "./contract-shape.js";

/** Where a request goes: below the Keystone v3 URL, the compute endpoint, the compute root, the image endpoint. */
export type ContractService = "identity" | "compute" | "compute-root" | "image";

/** Things done to both clouds between calls. */
export type ContractStep =
  | "stop-fence-host" // nova-compute of {fenceHost} stops (guests keep running)
  | "wait-evacuated" // {server} is rebuilt elsewhere and settled
  | "delete-paused" // {pausedServer} is deleted
  | "start-fence-host"; // nova-compute of {fenceHost} runs again and has completed its evacuations

/** One request. */
export interface ContractRequest {
  service: ContractService;
  method: "GET" | "POST" | "PUT";
  /** Below the service's URL, starting with "/". */
  path: string;
  query?: Readonly<Record<string, string>>;
  body?: unknown;
  /** Nova microversion sent as OpenStack-API-Version. */
  version?: string;
  /** false: no X-Auth-Token (token requests, version documents); "invalid": a token Keystone never issued. */
  auth?: boolean | "invalid";
}

/** One call of the contract: the request, what both answers must agree on (Expectation), and what it feeds later calls. */
export interface ContractCall extends Expectation {
  /** The client code that makes this call. */
  client: string;
  before?: ContractStep;
  request: ContractRequest;
  /** Variables taken from the answer: name → field path (first value). */
  capture?: Readonly<Record<string, string>>;
  /** Takes {marker} from this answer's next link: a Nova *_links array or Glance's next href. */
  nextLink?: string;
}

const COMPUTE_HEADERS = ["x-openstack-request-id", "openstack-api-version"] as const;
const REQUEST_ID = ["x-openstack-request-id"] as const;
const TOKEN_FIELDS = [
  "token.expires_at", "token.project.id", "token.catalog[].type", "token.catalog[].name",
  "token.catalog[].endpoints[].interface", "token.catalog[].endpoints[].url", "token.catalog[].endpoints[].region", "token.catalog[].endpoints[].region_id",
];
const SERVICE_KEYS = ["id", "binary", "host", "zone", "status", "state", "forced_down", "disabled_reason", "updated_at"];
const SERVICE_LIST = SERVICE_KEYS.map((k) => `services[].${k}`);
const SERVICE_ONE = SERVICE_KEYS.map((k) => `service.${k}`);
const LEGACY_SERVICE = ["service", "service.host", "service.binary", "service.status", "service.disabled_reason", "service.forced_down"];
const SERVER_KEYS = [
  "id", "name", "status", "OS-EXT-STS:vm_state", "OS-EXT-STS:task_state", "OS-EXT-STS:power_state", "OS-EXT-SRV-ATTR:host",
  "tenant_id", "flavor", "flavor.id", "flavor.original_name", "flavor.extra_specs", "image", "image.id", "metadata", "created", "updated",
];
const SERVER_LIST = [...SERVER_KEYS.map((k) => `servers[].${k}`), "servers_links"];
const SERVER_PAGE = [...SERVER_LIST, "servers_links[].rel", "servers_links[].href"];
const MIGRATION_KEYS = ["id", "uuid", "instance_uuid", "status", "source_compute", "dest_compute", "migration_type", "created_at", "updated_at"];
const MIGRATION_LIST = [...MIGRATION_KEYS.map((k) => `migrations[].${k}`), "migrations_links"];
const FLAVOR_PAGE = ["flavors[].id", "flavors[].name", "flavors[].extra_specs", "flavors_links"];
const FLAVOR_LIST = [...FLAVOR_PAGE, "flavors[].extra_specs.*"];
const IMAGE_LIST = ["images", "images[].id", "images[].tags", "images[].tags[]", "next"];

const COMPUTE_BINARY = { host: "{fenceHost}", binary: "nova-compute" };
const PASSWORD_USER = { name: "{user}", domain: { name: "{userDomain}" }, password: "{password}" };
const nova = (method: ContractRequest["method"], path: string, version: string, extra: Partial<ContractRequest> = {}): ContractRequest =>
  ({ service: "compute", method, path, version, ...extra });
const token = (identity: unknown, scope?: unknown): ContractRequest =>
  ({ service: "identity", method: "POST", path: "/auth/tokens", auth: false, body: { auth: { identity, ...(scope ? { scope } : {}) } } });
const evacuate = (args: Record<string, unknown>, server = "{upServer}"): Pick<ContractRequest, "path" | "body"> =>
  ({ path: `/servers/${server}/action`, body: { evacuate: args } });

const SERVICES = "compute/services.ts";
const SERVERS = "compute/servers.ts";
const MIGRATIONS = "compute/migrations.ts";

/** The calls, in order. */
export const CONTRACT_CALLS: readonly ContractCall[] = [
  // Keystone (keystone.ts)
  { name: "token with a password, project-scoped", client: "keystone.ts requestToken",
    request: token({ methods: ["password"], password: { user: PASSWORD_USER } }, { project: { name: "{project}", domain: { name: "{projectDomain}" } } }),
    status: 201, fields: TOKEN_FIELDS, headers: ["x-subject-token", ...REQUEST_ID],
    contains: { "token.catalog[].type": "compute", "token.catalog[].endpoints[].interface": "internal" } },
  { name: "token with an application credential id", client: "keystone.ts requestToken",
    request: token({ methods: ["application_credential"], application_credential: { id: "{appCredId}", secret: "{appCredSecret}" } }),
    status: 201, fields: TOKEN_FIELDS, headers: ["x-subject-token", ...REQUEST_ID] },
  { name: "token with an application credential name and its user", client: "keystone.ts requestToken",
    request: token({ methods: ["application_credential"], application_credential: { name: "{appCredName}", secret: "{appCredSecret}", user: { name: "{user}", domain: { name: "{userDomain}" } } } }),
    status: 201, fields: TOKEN_FIELDS, headers: ["x-subject-token", ...REQUEST_ID] },
  { name: "token with a wrong password", client: "keystone.ts requestToken (errors.ts reads the message)",
    request: token({ methods: ["password"], password: { user: { ...PASSWORD_USER, password: "not-the-password" } } }, { project: { name: "{project}", domain: { name: "{projectDomain}" } } }),
    status: 401, fields: ["error.message"], headers: REQUEST_ID, message: /requires authentication/ },

  // Nova version documents (microversion.ts)
  { name: "version document of the compute endpoint", client: "microversion.ts negotiateMicroversion",
    request: { service: "compute", method: "GET", path: "/", auth: false }, status: 200, fields: ["version.id", "version.version", "version.min_version"], headers: REQUEST_ID,
    contains: { "version.version": "2.93", "version.min_version": "2.1" } },
  { name: "version list at the compute root", client: "microversion.ts negotiateMicroversion (endpoint without version)",
    request: { service: "compute-root", method: "GET", path: "/", auth: false }, status: 200, fields: ["versions[].id", "versions[].version", "versions[].min_version"] },

  // os-services
  { name: "services: every nova-compute (2.93)", client: `${SERVICES} listServices`,
    request: nova("GET", "/os-services", "2.93", { query: { binary: "nova-compute" } }), status: 200, fields: SERVICE_LIST, headers: COMPUTE_HEADERS },
  { name: "services: one host (2.93)", client: `${SERVICES} listServices`,
    request: nova("GET", "/os-services", "2.93", { query: { binary: "nova-compute", host: "{fenceHost}" } }), status: 200, fields: SERVICE_LIST, headers: COMPUTE_HEADERS,
    capture: { fenceServiceId: "services[].id" } },
  { name: "services: a host Nova does not know (2.93)", client: `${SERVICES} listServices (nova-fence-handlers.ts: unknown host)`,
    request: nova("GET", "/os-services", "2.93", { query: { binary: "nova-compute", host: "compute-99" } }), status: 200, fields: ["services"] },
  { name: "services with a token Keystone never issued", client: "session.ts request (a 401 renews the token once)",
    request: nova("GET", "/os-services", "2.93", { query: { binary: "nova-compute" }, auth: "invalid" }), status: 401, fields: ["error.message"], message: /requires authentication/ },
  { name: "services: one host (2.52, integer ids)", client: `${SERVICES} listServices`,
    request: nova("GET", "/os-services", "2.52", { query: { binary: "nova-compute", host: "{fenceHost}" } }), status: 200, fields: SERVICE_LIST, headers: COMPUTE_HEADERS },

  // servers on a host, one server
  { name: "servers on a host, all projects (2.93)", client: `${SERVERS} listServersOnHost`,
    request: nova("GET", "/servers/detail", "2.93", { query: { all_tenants: "1", host: "{upHost}" } }), status: 200, fields: SERVER_LIST, headers: COMPUTE_HEADERS,
    capture: { upServer: "servers[].id" } },
  { name: "servers on a host (2.46, flavor by id)", client: `${SERVERS} listServersOnHost`,
    request: nova("GET", "/servers/detail", "2.46", { query: { all_tenants: "1", host: "{upHost}" } }), status: 200, fields: SERVER_LIST, headers: COMPUTE_HEADERS },
  { name: "servers on a host, page 1 (limit=1)", client: `${SERVERS} listServersOnHost (pages.ts collectPages)`,
    request: nova("GET", "/servers/detail", "2.93", { query: { all_tenants: "1", host: "{upHost}", limit: "1" } }), status: 200, fields: SERVER_PAGE, nextLink: "servers_links" },
  { name: "servers on a host, page 2 (marker)", client: `${SERVERS} listServersOnHost (pages.ts collectPages)`,
    request: nova("GET", "/servers/detail", "2.93", { query: { all_tenants: "1", host: "{upHost}", limit: "1", marker: "{marker}" } }), status: 200, fields: SERVER_PAGE },
  { name: "one server (2.93)", client: `${SERVERS} getServer`,
    request: nova("GET", "/servers/{upServer}", "2.93"), status: 200, fields: SERVER_KEYS.map((k) => `server.${k}`), headers: COMPUTE_HEADERS },
  { name: "a server Nova does not have (2.93)", client: `${SERVERS} getServer`,
    request: nova("GET", "/servers/{missingServer}", "2.93"), status: 404, fields: ["itemNotFound.message"], headers: REQUEST_ID },

  // evacuate refusals
  { name: "evacuate a server Nova does not have (2.93)", client: `${SERVERS} evacuate`,
    request: nova("POST", "", "2.93", evacuate({}, "{missingServer}")), status: 404, fields: ["itemNotFound.message"] },
  { name: "evacuate from a host that is up (2.93)", client: `${SERVERS} evacuate`,
    request: nova("POST", "", "2.93", evacuate({})), status: 400, fields: ["badRequest.message"], message: /still in use/ },
  { name: "evacuate with onSharedStorage from a host that is up (2.13)", client: `${SERVERS} evacuate`,
    request: nova("POST", "", "2.13", evacuate({ onSharedStorage: false })), status: 400, fields: ["badRequest.message"], message: /still in use/ },
  { name: "evacuate with onSharedStorage at 2.93", client: `${SERVERS} evacuate`,
    request: nova("POST", "", "2.93", evacuate({ onSharedStorage: false })), status: 400, fields: ["badRequest.message"], message: /'onSharedStorage' was unexpected/ },
  { name: "evacuate a paused server (2.93)", client: `${SERVERS} evacuate (engine counts a 409 as an attempt; Zed checks vm_state before the host)`,
    request: nova("POST", "", "2.93", evacuate({}, "{pausedServer}")), status: 409, fields: ["conflictingRequest.message"], message: /in vm_state paused/ },
  // The engine stops an instance that was SHUTOFF before its host failed and came back ACTIVE (evacuate-hosts.ts).
  { name: "stop a paused server (2.93)", client: `${SERVERS} stopServer`,
    request: nova("POST", "/servers/{pausedServer}/action", "2.93", { body: { "os-stop": null } }), status: 409, fields: ["conflictingRequest.message"], message: /while it is in vm_state paused/ },
  // plan-host.ts reads a DELETED server in this list as "deleted while being recovered".
  { name: "servers changed since a time, deleted ones included (2.93)", client: `${SERVERS} listServersChangedSince`, before: "delete-paused",
    request: nova("GET", "/servers/detail", "2.93", { query: { all_tenants: "1", "changes-since": "{since}" } }), status: 200, fields: SERVER_LIST,
    contains: { "servers[].id": "{pausedServer}", "servers[].status": "DELETED", "servers[].OS-EXT-STS:vm_state": "deleted" } },

  // flavors (compute/flavors.ts) and tagged images (image.ts)
  { name: "flavors, public and private (2.93)", client: "compute/flavors.ts listFlavors",
    request: nova("GET", "/flavors/detail", "2.93", { query: { is_public: "None" } }), status: 200, fields: FLAVOR_LIST, headers: COMPUTE_HEADERS },
  { name: "flavors, page 1 (limit=1)", client: "compute/flavors.ts listFlavors (pages.ts collectPages)",
    request: nova("GET", "/flavors/detail", "2.93", { query: { is_public: "None", limit: "1" } }), status: 200, fields: [...FLAVOR_PAGE, "flavors_links[].href"], nextLink: "flavors_links" },
  { name: "flavors, page 2 (marker)", client: "compute/flavors.ts listFlavors (pages.ts collectPages)",
    request: nova("GET", "/flavors/detail", "2.93", { query: { is_public: "None", limit: "1", marker: "{marker}" } }), status: 200, fields: FLAVOR_PAGE },
  { name: "flavors without extra specs (2.60)", client: "compute/flavors.ts listFlavors",
    request: nova("GET", "/flavors/detail", "2.60", { query: { is_public: "None" } }), status: 200, fields: ["flavors[].id", "flavors[].name", "flavors[].extra_specs"] },
  { name: "extra specs of one flavor (2.60)", client: "compute/flavors.ts listFlavors",
    request: nova("GET", "/flavors/{flavor}/os-extra_specs", "2.60"), status: 200, fields: ["extra_specs", "extra_specs.*"], headers: COMPUTE_HEADERS },
  { name: "images with a tag", client: "image.ts listImagesWithTag",
    request: { service: "image", method: "GET", path: "/v2/images", query: { tag: "{tag}", limit: "1000" } }, status: 200, fields: IMAGE_LIST, headers: REQUEST_ID },
  { name: "images with a token Keystone never issued", client: "session.ts request (a 401 renews the token once)",
    request: { service: "image", method: "GET", path: "/v2/images", query: { tag: "{tag}", limit: "1000" }, auth: "invalid" }, status: 401, fields: [] },
  { name: "images with a tag, page 1 (limit=1)", client: "image.ts listImagesWithTag (pages.ts collectPages)",
    request: { service: "image", method: "GET", path: "/v2/images", query: { tag: "{tag}", limit: "1" } }, status: 200, fields: IMAGE_LIST, nextLink: "next" },
  { name: "images with a tag, page 2 (marker)", client: "image.ts listImagesWithTag (pages.ts collectPages)",
    request: { service: "image", method: "GET", path: "/v2/images", query: { tag: "{tag}", limit: "1", marker: "{marker}" } }, status: 200, fields: ["images", "next"] },

  // fencing a host, both API styles (compute/services.ts)
  { name: "force down by id (2.93)", client: `${SERVICES} forceDown`, before: "stop-fence-host",
    request: nova("PUT", "/os-services/{fenceServiceId}", "2.93", { body: { forced_down: true } }), status: 200, fields: SERVICE_ONE, headers: COMPUTE_HEADERS },
  { name: "force down by host and binary (2.52)", client: `${SERVICES} forceDown`,
    request: nova("PUT", "/os-services/force-down", "2.52", { body: { ...COMPUTE_BINARY, forced_down: true } }), status: 200, fields: LEGACY_SERVICE, headers: COMPUTE_HEADERS },
  { name: "disable with a reason by id (2.93)", client: `${SERVICES} disable`,
    request: nova("PUT", "/os-services/{fenceServiceId}", "2.93", { body: { status: "disabled", disabled_reason: "nova-ha:fenced contract" } }), status: 200, fields: SERVICE_ONE },
  { name: "disable with a reason by host and binary (2.52)", client: `${SERVICES} disable`,
    request: nova("PUT", "/os-services/disable-log-reason", "2.52", { body: { ...COMPUTE_BINARY, disabled_reason: "nova-ha:fenced contract" } }), status: 200, fields: LEGACY_SERVICE },
  { name: "services: one fenced host (2.93)", client: `${SERVICES} listServices`,
    request: nova("GET", "/os-services", "2.93", { query: { binary: "nova-compute", host: "{fenceHost}" } }), status: 200, fields: SERVICE_LIST,
    contains: { "services[].status": "disabled", "services[].state": "down", "services[].disabled_reason": "nova-ha:fenced contract" } },

  // evacuation (compute/servers.ts), then what the engine reads back
  { name: "evacuate from a forced-down host (2.93)", client: `${SERVERS} evacuate`,
    request: nova("POST", "", "2.93", evacuate({}, "{server}")), status: 200, fields: ["$"], headers: COMPUTE_HEADERS },
  { name: "servers changed since a time (2.93)", client: `${SERVERS} listServersChangedSince`, before: "wait-evacuated",
    request: nova("GET", "/servers/detail", "2.93", { query: { all_tenants: "1", "changes-since": "{since}" } }), status: 200, fields: SERVER_LIST, headers: COMPUTE_HEADERS,
    contains: { "servers[].id": "{server}", "servers[].status": "ACTIVE" } },
  { name: "servers changed since a time, page 1 (limit=1)", client: `${SERVERS} listServersChangedSince (pages.ts collectPages)`,
    request: nova("GET", "/servers/detail", "2.93", { query: { all_tenants: "1", "changes-since": "{since}", limit: "1" } }), status: 200, fields: SERVER_PAGE, nextLink: "servers_links" },
  { name: "servers changed since a time, page 2 (marker)", client: `${SERVERS} listServersChangedSince (pages.ts collectPages)`,
    request: nova("GET", "/servers/detail", "2.93", { query: { all_tenants: "1", "changes-since": "{since}", limit: "1", marker: "{marker}" } }), status: 200, fields: ["servers", "servers_links"] },
  { name: "evacuations from a host since a time (2.93)", client: `${MIGRATIONS} listEvacuations`,
    request: nova("GET", "/os-migrations", "2.93", { query: { migration_type: "evacuation", source_compute: "{fenceHost}", "changes-since": "{since}" } }), status: 200, fields: MIGRATION_LIST, headers: COMPUTE_HEADERS,
    contains: { "migrations[].status": "done", "migrations[].migration_type": "evacuation", "migrations[].instance_uuid": "{server}" } },
  { name: "evacuations, page 1 (limit=1)", client: `${MIGRATIONS} listEvacuations (pages.ts collectPages)`,
    request: nova("GET", "/os-migrations", "2.93", { query: { migration_type: "evacuation", source_compute: "{fenceHost}", "changes-since": "{since}", limit: "1" } }), status: 200,
    fields: [...MIGRATION_LIST, "migrations_links[].href"], nextLink: "migrations_links" },
  { name: "evacuations, page 2 (marker)", client: `${MIGRATIONS} listEvacuations (pages.ts collectPages)`,
    request: nova("GET", "/os-migrations", "2.93", { query: { migration_type: "evacuation", source_compute: "{fenceHost}", "changes-since": "{since}", limit: "1", marker: "{marker}" } }), status: 200,
    fields: ["migrations", "migrations_links"] },
  { name: "evacuations from a host without a time, page 1 (limit=1)", client: `${MIGRATIONS} listEvacuations (pages.ts collectPages)`,
    request: nova("GET", "/os-migrations", "2.93", { query: { migration_type: "evacuation", source_compute: "{fenceHost}", limit: "1" } }), status: 200,
    fields: [...MIGRATION_KEYS.map((k) => `migrations[].${k}~`), "migrations_links[].href"], nextLink: "migrations_links" },
  // The lab keeps the evacuations of earlier runs, the simulator has one: only the page's shape compares.
  { name: "evacuations from a host without a time, page 2 (marker)", client: `${MIGRATIONS} listEvacuations (pages.ts collectPages)`,
    request: nova("GET", "/os-migrations", "2.93", { query: { migration_type: "evacuation", source_compute: "{fenceHost}", limit: "1", marker: "{marker}" } }), status: 200,
    fields: ["migrations"] },
  { name: "evacuations from a host, unpaged (2.58)", client: `${MIGRATIONS} listEvacuations`,
    request: nova("GET", "/os-migrations", "2.58", { query: { migration_type: "evacuation", source_compute: "{fenceHost}" } }), status: 200,
    fields: [...MIGRATION_KEYS.map((k) => `migrations[].${k}~`), "migrations_links"] },

  // unfencing, both API styles
  { name: "force up by host and binary while done evacuations remain (2.52)", client: `${SERVICES} forceDown (unfence-host.ts logs the refusal)`,
    request: nova("PUT", "/os-services/force-down", "2.52", { body: { ...COMPUTE_BINARY, forced_down: false } }), status: 400, fields: ["badRequest.message"], message: /^Unable to force up host/ },
  { name: "force up by host and binary (2.52)", client: `${SERVICES} forceDown`, before: "start-fence-host",
    request: nova("PUT", "/os-services/force-down", "2.52", { body: { ...COMPUTE_BINARY, forced_down: false } }), status: 200, fields: LEGACY_SERVICE },
  { name: "enable by host and binary (2.52)", client: `${SERVICES} enable`,
    request: nova("PUT", "/os-services/enable", "2.52", { body: COMPUTE_BINARY }), status: 200, fields: LEGACY_SERVICE },
  { name: "enable by id (2.93)", client: `${SERVICES} enable`,
    request: nova("PUT", "/os-services/{fenceServiceId}", "2.93", { body: { status: "enabled" } }), status: 200, fields: SERVICE_ONE },
  { name: "force up by id (2.93)", client: `${SERVICES} forceDown`,
    request: nova("PUT", "/os-services/{fenceServiceId}", "2.93", { body: { forced_down: false } }), status: 200, fields: SERVICE_ONE },
  { name: "services: one unfenced host (2.93)", client: `${SERVICES} listServices`,
    request: nova("GET", "/os-services", "2.93", { query: { binary: "nova-compute", host: "{fenceHost}" } }), status: 200, fields: SERVICE_LIST,
    contains: { "services[].status": "enabled", "services[].state": "up" } },
  { name: "stop an ACTIVE server (2.93)", client: `${SERVERS} stopServer`,
    request: nova("POST", "/servers/{server}/action", "2.93", { body: { "os-stop": null } }), status: 202, fields: [], headers: REQUEST_ID },
];
