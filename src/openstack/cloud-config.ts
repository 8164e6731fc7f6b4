// Resolves a CloudConfig from explicit values, one clouds.yaml entry and OS_* variables, like the openstack CLI.
import { isRecord, loadCloudEntry, type CloudEntry } from "./clouds-yaml.js";
import { echo } from "../kit/echo.js";
import { configError } from "./errors.js";
import type { CloudConfig } from "./types.js";

/** Default connect timeout: a reachable API accepts a connection in well under 10 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default read timeout: the slowest call (servers of a busy host) answers in well under 60 s. */
export const DEFAULT_READ_TIMEOUT_MS = 60_000;
/** The peers' default endpoint_type is internalURL. */
export const DEFAULT_INTERFACE: CloudConfig["interface"] = "internal";
/** Domain used for names when no domain is given (Keystone's default domain). */
export const DEFAULT_DOMAIN = "Default";

/** Explicit values: what the agent parameters say; "" counts as unset. */
export type ExplicitCloudConfig = Partial<Omit<CloudConfig, "interface">> & {
  cloud?: string;
  /** public, internal, admin or the publicURL/internalURL/adminURL spellings. */
  interface?: string;
  /** password (default) or v3applicationcredential. */
  authType?: string;
};

/** Inputs of resolveCloudConfig. */
export interface CloudConfigInput {
  explicit: ExplicitCloudConfig;
  env: NodeJS.ProcessEnv;
  /** clouds.yaml candidates; defaults to the CLI's search order. */
  cloudsYamlPaths?: string[];
}

type StringField =
  | "authUrl" | "username" | "userId" | "password" | "projectName" | "projectId"
  | "userDomainName" | "userDomainId" | "projectDomainName" | "projectDomainId"
  | "applicationCredentialId" | "applicationCredentialName" | "applicationCredentialSecret"
  | "regionName" | "interface" | "caBundle" | "authType";

/** Where each field is read from: OS_* variables (first wins) and clouds.yaml keys (auth.* or top level). */
const FIELD_SOURCES: ReadonlyArray<{ field: StringField; env: string[]; yaml: string[] }> = [
  { field: "authUrl", env: ["OS_AUTH_URL"], yaml: ["auth.auth_url"] },
  { field: "username", env: ["OS_USERNAME"], yaml: ["auth.username"] },
  { field: "userId", env: ["OS_USER_ID"], yaml: ["auth.user_id"] },
  { field: "password", env: ["OS_PASSWORD"], yaml: ["auth.password"] },
  { field: "projectName", env: ["OS_PROJECT_NAME", "OS_TENANT_NAME"], yaml: ["auth.project_name", "auth.tenant_name"] },
  { field: "projectId", env: ["OS_PROJECT_ID", "OS_TENANT_ID"], yaml: ["auth.project_id", "auth.tenant_id"] },
  { field: "userDomainName", env: ["OS_USER_DOMAIN_NAME"], yaml: ["auth.user_domain_name"] },
  { field: "userDomainId", env: ["OS_USER_DOMAIN_ID"], yaml: ["auth.user_domain_id"] },
  { field: "projectDomainName", env: ["OS_PROJECT_DOMAIN_NAME"], yaml: ["auth.project_domain_name"] },
  { field: "projectDomainId", env: ["OS_PROJECT_DOMAIN_ID"], yaml: ["auth.project_domain_id"] },
  { field: "applicationCredentialId", env: ["OS_APPLICATION_CREDENTIAL_ID"], yaml: ["auth.application_credential_id"] },
  { field: "applicationCredentialName", env: ["OS_APPLICATION_CREDENTIAL_NAME"], yaml: ["auth.application_credential_name"] },
  { field: "applicationCredentialSecret", env: ["OS_APPLICATION_CREDENTIAL_SECRET"], yaml: ["auth.application_credential_secret"] },
  { field: "regionName", env: ["OS_REGION_NAME"], yaml: ["region_name"] },
  { field: "interface", env: ["OS_INTERFACE", "OS_ENDPOINT_TYPE"], yaml: ["interface", "endpoint_type"] },
  { field: "caBundle", env: ["OS_CACERT"], yaml: ["cacert"] },
  { field: "authType", env: ["OS_AUTH_TYPE"], yaml: ["auth_type"] },
];

/** Endpoint interface spellings (OS_ENDPOINT_TYPE style included). */
const INTERFACES: Readonly<Record<string, CloudConfig["interface"]>> = {
  public: "public", publicurl: "public",
  internal: "internal", internalurl: "internal",
  admin: "admin", adminurl: "admin",
};

/** auth_type spellings and the method they mean. */
const AUTH_TYPES: Readonly<Record<string, "password" | "application_credential">> = {
  password: "password", v3password: "password",
  v3applicationcredential: "application_credential", applicationcredential: "application_credential",
  application_credential: "application_credential", v3_application_credential: "application_credential",
};

const APP_CRED_FIELDS = ["applicationCredentialId", "applicationCredentialName", "applicationCredentialSecret"] as const;
const PASSWORD_ONLY_FIELDS = ["password", "projectName", "projectId", "projectDomainName", "projectDomainId"] as const;

type Layer = Partial<Record<StringField, string>> & { insecure?: boolean; readTimeoutMs?: number; connectTimeoutMs?: number };

/** Builds the CloudConfig; precedence: explicit values, then the selected clouds.yaml cloud, then OS_* variables. */
export function resolveCloudConfig(input: CloudConfigInput): CloudConfig {
  const { explicit, env } = input;
  const cloud = nonEmpty(explicit.cloud) ?? nonEmpty(env.OS_CLOUD);
  const layers: Layer[] = [explicitLayer(explicit)];
  if (cloud) layers.push(yamlLayer(loadCloudEntry(cloud, env, input.cloudsYamlPaths)));
  layers.push(envLayer(env));
  const pick = <K extends keyof Layer>(key: K): Layer[K] => layers.map((l) => l[key]).find((v) => v !== undefined);

  const config: CloudConfig = {
    authUrl: pick("authUrl") ?? "",
    interface: normaliseInterface(pick("interface")),
    insecure: pick("insecure") ?? false,
    connectTimeoutMs: pick("connectTimeoutMs") ?? DEFAULT_CONNECT_TIMEOUT_MS,
    readTimeoutMs: pick("readTimeoutMs") ?? DEFAULT_READ_TIMEOUT_MS,
  };
  for (const { field } of FIELD_SOURCES) {
    if (field === "authUrl" || field === "interface" || field === "authType") continue;
    const value = pick(field);
    if (value !== undefined) config[field] = value;
  }
  const method = authMethod(pick("authType"), layers);
  for (const field of method === "password" ? APP_CRED_FIELDS : PASSWORD_ONLY_FIELDS) delete config[field];
  applyDefaultDomains(config, method);
  validate(config, method);
  return config;
}

/** Which auth method applies: auth_type if given, else the most specific source that holds a secret decides. */
function authMethod(authType: string | undefined, layers: Layer[]): "password" | "application_credential" {
  if (authType !== undefined) {
    const method = AUTH_TYPES[authType.toLowerCase()];
    if (!method) throw configError(`auth_type ${echo(authType)} is not supported`, "use password or v3applicationcredential");
    return method;
  }
  for (const layer of layers) {
    if (layer.applicationCredentialSecret !== undefined) return "application_credential";
    if (layer.password !== undefined) return "password";
  }
  return "password";
}

function applyDefaultDomains(config: CloudConfig, method: "password" | "application_credential"): void {
  if (config.username && !config.userId && !config.userDomainName && !config.userDomainId) {
    config.userDomainName = DEFAULT_DOMAIN;
  }
  if (method === "password" && config.projectName && !config.projectId && !config.projectDomainName && !config.projectDomainId) {
    config.projectDomainName = DEFAULT_DOMAIN;
  }
}

function missing(what: string, sources: string): never {
  throw configError(`${what} is not set (give ${sources} or a clouds.yaml cloud)`);
}

function validate(config: CloudConfig, method: "password" | "application_credential"): void {
  if (!config.authUrl) missing("auth_url", "auth_url, OS_AUTH_URL");
  if (!/^https?:\/\/[^/]/i.test(config.authUrl)) {
    throw configError(`auth_url ${echo(config.authUrl)} is not an http(s) URL`, "give e.g. http://keystone:5000/v3");
  }
  if (method === "password") {
    if (!config.username && !config.userId) missing("username", "username or user_id, OS_USERNAME");
    if (!config.password) missing("password", "password, OS_PASSWORD");
    if (!config.projectName && !config.projectId) missing("project_name", "project_name or project_id, OS_PROJECT_NAME");
  } else {
    if (!config.applicationCredentialSecret) {
      missing("application_credential_secret", "application_credential_secret, OS_APPLICATION_CREDENTIAL_SECRET");
    }
    if (!config.applicationCredentialId && !config.applicationCredentialName) {
      missing("application_credential_id", "application_credential_id, OS_APPLICATION_CREDENTIAL_ID");
    }
    if (!config.applicationCredentialId && !config.username && !config.userId) {
      missing("username for application_credential_name", "username or user_id, OS_USERNAME");
    }
  }
  for (const key of ["connectTimeoutMs", "readTimeoutMs"] as const) {
    if (!Number.isFinite(config[key]) || config[key] <= 0) throw configError(`${key} must be a positive number of ms`);
  }
}

/** Normalises public/internal/admin and their publicURL/internalURL/adminURL spellings. */
export function normaliseInterface(value: string | undefined): CloudConfig["interface"] {
  if (value === undefined) return DEFAULT_INTERFACE;
  const known = INTERFACES[value.toLowerCase()];
  if (!known) throw configError(`interface ${echo(value)} is unknown`, "use public, internal or admin (or publicURL, internalURL, adminURL)");
  return known;
}

/** Parses OS_INSECURE-style booleans. */
export function parseBoolean(value: string, name: string): boolean {
  const lower = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(lower)) return true;
  if (["0", "false", "no", "off", ""].includes(lower)) return false;
  throw configError(`${name}=${echo(value)} is not a boolean`, "use true or false");
}

function nonEmpty(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function explicitLayer(explicit: ExplicitCloudConfig): Layer {
  const layer: Layer = {};
  for (const { field } of FIELD_SOURCES) {
    const value = nonEmpty(explicit[field]);
    if (value !== undefined) layer[field] = value;
  }
  if (explicit.insecure !== undefined) layer.insecure = explicit.insecure;
  if (explicit.connectTimeoutMs !== undefined) layer.connectTimeoutMs = explicit.connectTimeoutMs;
  if (explicit.readTimeoutMs !== undefined) layer.readTimeoutMs = explicit.readTimeoutMs;
  return layer;
}

function envLayer(env: NodeJS.ProcessEnv): Layer {
  const layer: Layer = {};
  for (const { field, env: names } of FIELD_SOURCES) {
    const value = names.map((name) => nonEmpty(env[name])).find((v) => v !== undefined);
    if (value !== undefined) layer[field] = value;
  }
  if (env.OS_INSECURE !== undefined) layer.insecure = parseBoolean(env.OS_INSECURE, "OS_INSECURE");
  return layer;
}

function yamlLayer(entry: CloudEntry): Layer {
  const layer: Layer = {};
  for (const { field, yaml } of FIELD_SOURCES) {
    const value = yaml.map((key) => nonEmpty(lookup(entry, key))).find((v) => v !== undefined);
    if (value !== undefined) layer[field] = value;
  }
  if (layer.regionName === undefined && Array.isArray(entry.regions) && entry.regions.length === 1) {
    const only: unknown = entry.regions[0];
    const name = nonEmpty(isRecord(only) ? only.name : only);
    if (name !== undefined) layer.regionName = name;
  }
  const verify = entry.verify;
  if (typeof verify === "boolean") layer.insecure = !verify;
  else if (typeof verify === "string" && verify !== "") layer.caBundle ??= verify;
  if (typeof entry.insecure === "boolean") layer.insecure = entry.insecure;
  const apiTimeout = Number(entry.api_timeout);
  if (entry.api_timeout !== undefined && Number.isFinite(apiTimeout) && apiTimeout > 0) layer.readTimeoutMs = apiTimeout * 1000;
  return layer;
}

function lookup(entry: CloudEntry, dotted: string): unknown {
  let node: unknown = entry;
  for (const part of dotted.split(".")) node = isRecord(node) ? node[part] : undefined;
  return node;
}
