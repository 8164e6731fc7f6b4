// A tiny Keystone + Nova + Glance on one local server, with per-test routes, for precise client tests.
import type { CloudConfig } from "../../../src/openstack/types.js";
import { startFakeServer, type FakeHandler, type FakeReply, type FakeRequest, type FakeServer } from "./fake-server.js";

/** Credentials the fake Keystone accepts. */
export const FAKE_USER = { username: "admin", password: "s3cret-pass", projectName: "admin" };
/** Application credential the fake Keystone accepts. */
export const FAKE_APP_CRED = { id: "ac-1", secret: "ac-s3cret" };

/** Fake cloud settings. */
export interface FakeCloudOptions {
  minVersion?: string;
  maxVersion?: string;
  /** Token lifetime. */
  tokenTtlMs?: number;
  tls?: { key: string; cert: string };
}

/** A running fake cloud. */
export interface FakeCloud extends FakeServer {
  authUrl: string;
  computeUrl: string;
  imageUrl: string;
  /** Tokens issued so far. */
  issued: string[];
  /** Makes Nova and Glance refuse a token from now on. */
  revoke(token: string): void;
  /** Answers `METHOD /path` (path below the server root, no query) with a handler. */
  route(key: string, handler: FakeHandler): void;
  /** Replaces the Keystone token handler (return undefined for the default). */
  keystone(handler: (req: FakeRequest) => FakeReply | undefined): void;
  /** A CloudConfig pointing at the fake cloud. */
  config(overrides?: Partial<CloudConfig>): CloudConfig;
  /** Requests other than Keystone's and the version document's. */
  apiRequests(): FakeRequest[];
}

type AuthBody = {
  auth?: {
    identity?: {
      password?: { user?: { name?: string; password?: string } };
      application_credential?: { id?: string; secret?: string };
    };
  };
};

function credentialsOk(body: unknown): boolean {
  const identity = (body as AuthBody | undefined)?.auth?.identity;
  const user = identity?.password?.user;
  const cred = identity?.application_credential;
  if (user) return user.name === FAKE_USER.username && user.password === FAKE_USER.password;
  return cred?.id === FAKE_APP_CRED.id && cred.secret === FAKE_APP_CRED.secret;
}

/** Starts the fake cloud. */
export async function startFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  const routes = new Map<string, FakeHandler>();
  const valid = new Set<string>();
  const issued: string[] = [];
  let keystoneOverride: ((req: FakeRequest) => FakeReply | undefined) | undefined;
  let base = "";

  const catalog = (): unknown[] => [
    { type: "compute", name: "nova", endpoints: ["public", "internal"].map((i) => ({ interface: i, region: "RegionOne", region_id: "RegionOne", url: `${base}/compute/v2.1` })) },
    { type: "image", name: "glance", endpoints: ["public", "internal"].map((i) => ({ interface: i, region: "RegionOne", region_id: "RegionOne", url: `${base}/image` })) },
  ];

  const handler: FakeHandler = (req) => {
    if (req.method === "POST" && req.path === "/identity/v3/auth/tokens") {
      const override = keystoneOverride?.(req);
      if (override) return override;
      if (!credentialsOk(req.body)) return { status: 401, body: { error: { code: 401, message: "The request you have made requires authentication." } } };
      const token = `tok-${issued.length + 1}-${"x".repeat(8)}`;
      issued.push(token);
      valid.add(token);
      const expires = new Date(Date.now() + (options.tokenTtlMs ?? 3_600_000)).toISOString();
      return {
        status: 201,
        headers: { "X-Subject-Token": token, "X-Openstack-Request-Id": `req-ks-${issued.length}` },
        body: { token: { expires_at: expires, project: { id: "p-admin" }, catalog: catalog() } },
      };
    }
    if (req.method === "GET" && req.path === "/compute/v2.1/") {
      return { body: { version: { id: "v2.1", status: "CURRENT", min_version: options.minVersion ?? "2.1", version: options.maxVersion ?? "2.96" } } };
    }
    const token = req.headers["x-auth-token"];
    if (typeof token !== "string" || !valid.has(token)) {
      return { status: 401, headers: { "X-Openstack-Request-Id": "req-401" }, body: { error: { code: 401, message: "Authentication required" } } };
    }
    const route = routes.get(`${req.method} ${req.path}`);
    if (!route) return { status: 404, body: { itemNotFound: { code: 404, message: `no route ${req.method} ${req.path}` } } };
    return route(req);
  };

  const server = await startFakeServer(handler, options.tls);
  base = server.url;
  return {
    ...server,
    authUrl: `${base}/identity/v3`,
    computeUrl: `${base}/compute/v2.1`,
    imageUrl: `${base}/image`,
    issued,
    revoke: (token) => valid.delete(token),
    route: (key, h) => routes.set(key, h),
    keystone: (h) => {
      keystoneOverride = h;
    },
    config: (overrides = {}) => ({
      authUrl: `${base}/identity/v3`,
      ...FAKE_USER,
      userDomainName: "Default",
      projectDomainName: "Default",
      regionName: "RegionOne",
      interface: "internal",
      insecure: false,
      connectTimeoutMs: 2_000,
      readTimeoutMs: 2_000,
      ...overrides,
    }),
    apiRequests: () => server.requests.filter((r) => !r.path.startsWith("/identity/") && r.path !== "/compute/v2.1/"),
  };
}
