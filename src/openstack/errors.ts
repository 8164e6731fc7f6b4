// OpenStackError: every failure of the OpenStack client, with a stable kind and a one-line message.
import { AxiosError } from "axios";
import { oneLine } from "../kit/agent-error.js";

/** The stable failure kinds; agents map them to exit codes. */
export type OpenStackErrorKind =
  | "config"
  | "auth"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "bad-request"
  | "unsupported"
  | "server"
  | "unreachable"
  | "timeout"
  | "invalid-response"
  /** Not the parameters but what this node or the cloud holds now (clouds.yaml, a CA bundle, the catalog): may pass. */
  | "environment";

/** The services the client talks to, as counted and named in errors. */
export type ServiceName = "identity" | "compute" | "image" | "masakari" | "mistral";

/** Human names of the services, for messages. */
export const SERVICE_LABELS: Readonly<Record<ServiceName, string>> = {
  identity: "Keystone",
  compute: "Nova",
  image: "Glance",
  masakari: "Masakari",
  mistral: "Mistral",
};

/** What to check, per kind: the second half of every message. */
const HINTS: Readonly<Record<OpenStackErrorKind, string>> = {
  config: "check the agent parameters, OS_* variables and clouds.yaml",
  auth: "check username, password and project (or the application credential)",
  forbidden: "the user needs the admin role (or a policy allowing this call)",
  "not-found": "check the endpoint URL, region and interface",
  conflict: "the resource is in a conflicting state (a task may be running); retry later",
  "bad-request": "the request was refused as invalid; see the message",
  unsupported: "the service does not support this call or microversion",
  server: "the service failed; look for the request id in its logs",
  unreachable: "check the endpoint URL, DNS, routing, firewall and that the service runs",
  timeout: "check that the service is up and not overloaded, or raise the timeout",
  "invalid-response": "the answer does not look like OpenStack; check the endpoint URL",
  environment: "check the files on this node (clouds.yaml, CA bundle) and the Keystone catalog",
};

/** Kind of an HTTP error status, as a table. */
const STATUS_KINDS: ReadonlyArray<[number, OpenStackErrorKind]> = [
  [400, "bad-request"],
  [401, "auth"],
  [403, "forbidden"],
  [404, "not-found"],
  [405, "unsupported"],
  [406, "unsupported"],
  [409, "conflict"],
  [429, "server"],
  [501, "unsupported"],
];

/** Network error codes that mean "nothing answered in time". */
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT", "OS_CONNECT_TIMEOUT"]);

/** Construction fields of an OpenStackError. */
export interface OpenStackErrorInit {
  kind: OpenStackErrorKind;
  /** The first half of the message: what failed. */
  what: string;
  service?: ServiceName;
  method?: string;
  path?: string;
  status?: number;
  requestId?: string;
  /** Low-level network error code (ECONNREFUSED, OS_CONNECT_TIMEOUT, a TLS code, ...). */
  code?: string;
  /** The service's own explanation, quoted in the message. */
  detail?: string;
  /** Overrides the per-kind hint. */
  hint?: string;
  /** Values that must never appear in the message (passwords, tokens). */
  secrets?: Iterable<string>;
  cause?: unknown;
}

/** A failed OpenStack call or configuration, with a message of one line that says what to check. */
export class OpenStackError extends Error {
  override readonly name = "OpenStackError";
  readonly kind: OpenStackErrorKind;
  readonly service?: ServiceName;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly requestId?: string;
  /** Low-level network error code, when no HTTP answer came. */
  readonly code?: string;

  constructor(init: OpenStackErrorInit) {
    super(composeMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.requestId = init.requestId;
    this.code = init.code;
  }
}

/** A configuration error (kind "config") with a one-line message. */
export function configError(what: string, hint?: string): OpenStackError {
  return new OpenStackError({ kind: "config", what, hint });
}

/** The error kind of an HTTP status. */
export function kindOfStatus(status: number): OpenStackErrorKind {
  const known = STATUS_KINDS.find(([s]) => s === status);
  if (known) return known[1];
  if (status < 400) return "invalid-response";
  return status >= 500 ? "server" : "bad-request";
}

/** Where a request went, for error messages. */
export interface RequestContext {
  service: ServiceName;
  method: string;
  /** Absolute URL of the request. */
  url: string;
  /** Read timeout in ms, quoted in timeout messages. */
  readTimeoutMs?: number;
  connectTimeoutMs?: number;
  secrets?: Iterable<string>;
}

/** Maps an axios failure (HTTP status or network error) to an OpenStackError. */
export function fromAxiosError(error: unknown, ctx: RequestContext): OpenStackError {
  const url = new URL(ctx.url);
  const label = SERVICE_LABELS[ctx.service];
  const base: Partial<OpenStackErrorInit> = { service: ctx.service, method: ctx.method, path: url.pathname, secrets: ctx.secrets, cause: error };
  const call = `${ctx.method} ${url.pathname}`;
  if (!(error instanceof AxiosError)) {
    return new OpenStackError({ ...base, kind: "unreachable", what: `${label} call ${call} failed`, detail: oneLine(error) });
  }
  const response = error.response;
  if (response) {
    const status = response.status;
    const kind = kindOfStatus(status);
    const requestId = requestIdOf(response.headers as Record<string, unknown>);
    const what = describeStatus(kind, ctx.service, call);
    const hint = kind === "auth" && ctx.service !== "identity"
      ? `Keystone issued the token but ${label} refused it: check ${label}'s keystone_authtoken settings and the clocks`
      : undefined;
    return new OpenStackError({ ...base, kind, status, requestId, what, hint, detail: serviceMessage(response.data) });
  }
  const code = error.code ?? (error.cause as { code?: string } | undefined)?.code ?? "";
  Object.assign(base, { code: code || undefined });
  if (code === "OS_CONNECT_TIMEOUT") {
    const seconds = ctx.connectTimeoutMs === undefined ? "" : ` within ${ctx.connectTimeoutMs / 1000} s`;
    return new OpenStackError({ ...base, kind: "timeout", what: `could not connect to ${label} at ${url.origin}${seconds}`,
      hint: "check the endpoint URL, routing and firewall" });
  }
  if (TIMEOUT_CODES.has(code)) {
    const seconds = ctx.readTimeoutMs === undefined ? "" : ` within ${ctx.readTimeoutMs / 1000} s`;
    return new OpenStackError({ ...base, kind: "timeout", what: `${label} did not answer ${call}${seconds}` });
  }
  if (isTlsCode(code)) {
    return new OpenStackError({ ...base, kind: "unreachable", what: `TLS verification of ${url.origin} failed (${code})`,
      hint: "give the CA bundle (cacert / OS_CACERT) or, for tests only, insecure" });
  }
  return new OpenStackError({ ...base, kind: "unreachable", what: `cannot reach ${label} at ${url.origin} for ${call}`,
    detail: code || oneLine(error) });
}

/** The request id an OpenStack service put on its answer, if any. */
export function requestIdOf(headers: Record<string, unknown> | undefined): string | undefined {
  if (!headers) return undefined;
  for (const name of ["x-openstack-request-id", "x-compute-request-id"]) {
    const value = headers[name];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

function describeStatus(kind: OpenStackErrorKind, service: ServiceName, call: string): string {
  const label = SERVICE_LABELS[service];
  if (kind === "auth") return service === "identity" ? "Keystone rejected the credentials" : `${label} rejected the token on ${call}`;
  const verbs: Partial<Record<OpenStackErrorKind, string>> = {
    forbidden: "forbade",
    "not-found": "found nothing at",
    conflict: "refused as conflicting",
    "bad-request": "refused as invalid",
    unsupported: "does not support",
  };
  return `${label} ${verbs[kind] ?? "failed on"} ${call}`;
}

/** The explanation OpenStack services put in error bodies: {"badRequest": {"message": ...}}, {"error": {"message": ...}}. */
function serviceMessage(data: unknown): string | undefined {
  if (typeof data === "string") return data.trim() === "" ? undefined : data;
  if (!data || typeof data !== "object") return undefined;
  for (const value of Object.values(data as Record<string, unknown>)) {
    if (value && typeof value === "object") {
      const message = (value as { message?: unknown }).message;
      if (typeof message === "string") return message;
    }
  }
  const message = (data as { message?: unknown }).message;
  return typeof message === "string" ? message : undefined;
}

/** True for the error codes of a failed TLS verification or handshake. */
export function isTlsCode(code: string | undefined): boolean {
  if (!code) return false;
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/.test(code);
}

function composeMessage(init: OpenStackErrorInit): string {
  const facts = [init.status === undefined ? undefined : `HTTP ${init.status}`, init.requestId].filter(Boolean);
  const head = facts.length > 0 ? `${init.what} (${facts.join(", ")})` : init.what;
  const detail = init.detail ? `: ${truncate(init.detail, 200)};` : ":";
  return scrub(`${head}${detail} ${init.hint ?? HINTS[init.kind]}`, init.secrets);
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Removes secret values from a text and keeps it on one line. */
export function scrub(text: string, secrets?: Iterable<string>): string {
  let out = text.replace(/[\r\n]+/g, " ");
  for (const secret of secrets ?? []) {
    if (secret.length >= 4) out = out.split(secret).join("***");
  }
  return out;
}
