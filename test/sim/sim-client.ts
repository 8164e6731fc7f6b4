// A minimal HTTP client for the simulator's own tests (fetch-based; no project code involved).
import type { Simulator } from "./index.js";

/** An HTTP answer with its parsed JSON body (undefined when empty). */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON; typed loosely because tests read arbitrary Nova shapes. */
  body: any;
}

/** The password-auth body for admin/secret on project admin. */
export function passwordAuth(user = "admin", password = "secret", project: unknown = { name: "admin", domain: { name: "Default" } }): unknown {
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { name: user, domain: { name: "Default" }, password } } },
      ...(project ? { scope: { project } } : {}),
    },
  };
}

/** Sends one request. */
export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers: { "Content-Type": "application/json", ...init.headers },
    ...(init.body !== undefined ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Talks to a running simulator as an admin. */
export class SimClient {
  private token?: string;

  constructor(readonly sim: Simulator) {}

  /** A fresh token for admin/secret. */
  async login(): Promise<string> {
    const answer = await call(`${this.sim.authUrl}/auth/tokens`, { method: "POST", body: passwordAuth() });
    if (answer.status !== 201) throw new Error(`login failed: ${answer.status}`);
    this.token = answer.headers.get("x-subject-token") ?? "";
    return this.token;
  }

  /** A Nova request at a microversion (none: no header). */
  async nova(path: string, opts: { version?: string; method?: string; body?: unknown; token?: string } = {}): Promise<Answer> {
    const token = opts.token ?? this.token ?? (await this.login());
    const headers: Record<string, string> = { "X-Auth-Token": token };
    if (opts.version) headers["OpenStack-API-Version"] = `compute ${opts.version}`;
    return call(`${this.sim.baseUrl}/compute/v2.1${path}`, { headers, ...(opts.method ? { method: opts.method } : {}), ...(opts.body !== undefined ? { body: opts.body } : {}) });
  }

  /** Evacuates a server at a microversion. */
  evacuate(id: string, args: Record<string, unknown> = {}, version = "2.53"): Promise<Answer> {
    return this.nova(`/servers/${id}/action`, { method: "POST", version, body: { evacuate: args } });
  }

  /** A Glance request (path under /image). */
  async glance(path: string): Promise<Answer> {
    const token = this.token ?? (await this.login());
    return call(`${this.sim.baseUrl}/image${path}`, { headers: { "X-Auth-Token": token } });
  }

  /** A control API request (path under /_sim). */
  control(path: string, method = "GET", body?: unknown): Promise<Answer> {
    return call(`${this.sim.baseUrl}/_sim${path}`, { method, ...(body !== undefined ? { body } : {}) });
  }
}

/** Polls `check` every 5 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
