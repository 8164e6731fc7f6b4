// The running real Nova lab (test/lab/nova/nova-up.sh): its credentials, an admin HTTP session, and a clear failure when it is not up.
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";

/** The lab's state directory (nova-up.sh's LAB). */
export const LAB_DIR = process.env.LAB ?? "/var/lib/nova-ha-nova-lab";
/** The lab's clouds.yaml. */
export const LAB_CLOUDS_YAML = `${LAB_DIR}/clouds.yaml`;
/** The admin cloud in it. */
export const LAB_CLOUD = "nova-lab";
/** Newest microversion of Nova Zed, the lab's release. */
export const ZED_MAX = "2.93";

/** The admin credentials of the lab. */
export interface LabCredentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
}

/** One HTTP answer: status, headers and parsed JSON body (undefined when empty or not JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** What a request to a lab service carries besides method and URL. */
export interface RequestOptions {
  method?: string;
  /** Nova microversion (OpenStack-API-Version: compute X). */
  version?: string;
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
}

/** How to bring the lab up, for every "not reachable" message. */
export const BRING_UP = "bring it up with `bash test/lab/nova/nova-up.sh` (CI does this before the nova project)";

/** Reads the lab's admin credentials from its clouds.yaml. */
export function labCredentials(): LabCredentials {
  if (!existsSync(LAB_CLOUDS_YAML)) throw new Error(`the real Nova lab is not set up: ${LAB_CLOUDS_YAML} is missing; ${BRING_UP}`);
  const auth = parse(readFileSync(LAB_CLOUDS_YAML, "utf8"))?.clouds?.[LAB_CLOUD]?.auth;
  if (!auth?.auth_url || !auth.password) throw new Error(`${LAB_CLOUDS_YAML} has no cloud ${LAB_CLOUD} with auth_url and password`);
  return {
    authUrl: String(auth.auth_url),
    username: String(auth.username),
    password: String(auth.password),
    projectName: String(auth.project_name),
    userDomainName: String(auth.user_domain_name ?? "Default"),
    projectDomainName: String(auth.project_domain_name ?? "Default"),
  };
}

/** The password-auth body of a Keystone v3 token request, project-scoped. */
export function passwordAuthBody(c: Pick<LabCredentials, "username" | "password" | "projectName" | "userDomainName" | "projectDomainName">): unknown {
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { name: c.username, domain: { name: c.userDomainName }, password: c.password } } },
      scope: { project: { name: c.projectName, domain: { name: c.projectDomainName } } },
    },
  };
}

/** Sends one request; JSON in, JSON (or nothing) out. */
export async function send(url: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.token) headers["X-Auth-Token"] = options.token;
  if (options.version) headers["OpenStack-API-Version"] = `compute ${options.version}`;
  const res = await fetch(url, {
    method: options.method ?? "GET",
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(90_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body };
}

/** The endpoint URL of a service type in a Keystone catalog (interface public). */
function endpointOf(catalog: any[], type: string): string {
  const url = catalog.find((entry) => entry.type === type)?.endpoints?.find((ep: any) => ep.interface === "public")?.url;
  if (typeof url !== "string") throw new Error(`the lab's catalog has no public ${type} endpoint`);
  return url.replace(/\/+$/, "");
}

/** An admin session on the lab: token, endpoints, and raw requests to each service. */
export class LabSession {
  constructor(
    readonly credentials: LabCredentials,
    readonly token: string,
    readonly userId: string,
    readonly projectId: string,
    readonly endpoints: { identity: string; compute: string; image: string },
  ) {}

  /** Logs in as the lab's admin. */
  static async login(credentials = labCredentials()): Promise<LabSession> {
    const answer = await send(`${credentials.authUrl.replace(/\/+$/, "")}/auth/tokens`, { method: "POST", body: passwordAuthBody(credentials) });
    const token = answer.headers.get("x-subject-token");
    if (answer.status !== 201 || !token) throw new Error(`the lab's Keystone refused the admin login (HTTP ${answer.status})`);
    const { catalog, user, project } = answer.body.token;
    const endpoints = { identity: endpointOf(catalog, "identity"), compute: endpointOf(catalog, "compute"), image: endpointOf(catalog, "image") };
    return new LabSession(credentials, token, user.id, project.id, endpoints);
  }

  /** A Nova request, path below the compute endpoint. */
  nova(path: string, options: RequestOptions = {}): Promise<Answer> {
    return send(`${this.endpoints.compute}${path}`, { token: this.token, ...options });
  }

  /** A Glance request, path below the image endpoint (e.g. /v2/images). */
  glance(path: string, options: RequestOptions = {}): Promise<Answer> {
    return send(`${this.endpoints.image}${path}`, { token: this.token, ...options });
  }

  /** A Keystone request, path below the identity endpoint (…/v3). */
  keystone(path: string, options: RequestOptions = {}): Promise<Answer> {
    return send(`${this.endpoints.identity}${path}`, { token: this.token, ...options });
  }
}

/**
 * Checks that the lab answers (Keystone, Nova, three computes) and returns an admin session. Fails with a
 * message that says how to bring the lab up when it does not.
 */
export async function requireLab(): Promise<LabSession> {
  let lab: LabSession;
  try {
    lab = await LabSession.login();
  } catch (error) {
    const detail = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);
    throw new Error(`the real Nova lab is not reachable: ${detail}; ${BRING_UP}`);
  }
  const services = await lab.nova("/os-services?binary=nova-compute", { version: ZED_MAX });
  if (services.status !== 200) throw new Error(`the lab's Nova API answers HTTP ${services.status} to GET /os-services; ${BRING_UP}`);
  const hosts = (services.body.services as { host: string }[]).map((s) => s.host).sort();
  for (const host of ["compute-1", "compute-2", "compute-3"]) {
    if (!hosts.includes(host)) throw new Error(`the lab has no nova-compute service on ${host} (it has ${hosts.join(", ") || "none"}); ${BRING_UP}`);
  }
  return lab;
}

/** Polls `check` every `intervalMs` until it returns something other than undefined; fails naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
