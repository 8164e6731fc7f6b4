// Keystone v3: version discovery and the token API (password, application_credential and token methods).
import { keystoneTime } from "./clock.js";
import type { SimCloud } from "./cloud-state.js";
import { AUTH_REQUIRED, throwKeystone, tokenRejected } from "./fault-bodies.js";
import { HttpError, type Route, type SimRequest, type SimResponse, asObject, json } from "./http-kit.js";
import { type ByIdOrName, type IdentityUser, ROLES, type TokenRecord } from "./identity-store.js";
import { stableHexId } from "./prng.js";

/** The catalog: service type, name and path under the simulator's origin. */
export const CATALOG_SERVICES = [
  { type: "identity", name: "keystone", path: "/identity" },
  { type: "compute", name: "nova", path: "/compute/v2.1" },
  { type: "image", name: "glance", path: "/image" },
] as const;

const INTERFACES = ["public", "internal", "admin"] as const;
const REGION = "RegionOne";

function versionV3(origin: string): Record<string, unknown> {
  return {
    id: "v3.14",
    status: "stable",
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${origin}/identity/v3/` }],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
  };
}

function catalog(origin: string): unknown[] {
  return CATALOG_SERVICES.map((svc) => ({
    id: stableHexId(`service:${svc.type}`),
    type: svc.type,
    name: svc.name,
    endpoints: INTERFACES.map((iface) => ({
      id: stableHexId(`endpoint:${svc.type}:${iface}`),
      interface: iface,
      region_id: REGION,
      region: REGION,
      url: `${origin}${svc.path}`,
    })),
  }));
}

function tokenBody(t: TokenRecord, origin: string, withCatalog: boolean): Record<string, unknown> {
  const domainOf = (r: { domainId: string; domainName: string }) => ({ id: r.domainId, name: r.domainName });
  return {
    token: {
      methods: t.methods,
      user: { domain: domainOf(t.user), id: t.user.id, name: t.user.name, password_expires_at: null },
      audit_ids: [t.auditId],
      expires_at: keystoneTime(t.expiresAt),
      issued_at: keystoneTime(t.issuedAt),
      project: { domain: domainOf(t.project), id: t.project.id, name: t.project.name },
      is_domain: false,
      roles: ROLES.map((name) => ({ id: stableHexId(`role:${name}`), name })),
      ...(t.appCredential ? { application_credential: { id: t.appCredential.id, name: t.appCredential.name, restricted: true } } : {}),
      ...(withCatalog ? { catalog: catalog(origin) } : {}),
    },
  };
}

function missing(attribute: string, target: string): never {
  throwKeystone(
    400,
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );
}

function resolveUser(cloud: SimCloud, ref: ByIdOrName | undefined): IdentityUser {
  const user = cloud.identity.findUser(ref);
  if (user === "missing-domain") missing("domain", "user");
  if (!user) throwKeystone(401, AUTH_REQUIRED);
  return user;
}

function authenticate(cloud: SimCloud, identity: Record<string, unknown>, hasScope: boolean): { user: IdentityUser; record?: TokenRecord["appCredential"]; method: string } {
  const methods = Array.isArray(identity.methods) ? identity.methods : missing("methods", "identity");
  const method = String(methods[0] ?? missing("methods", "identity"));
  const data = asObject(identity[method]) ?? missing(method, "identity");
  if (method === "password") {
    const userRef = asObject(data.user) ?? missing("user", "password");
    const user = resolveUser(cloud, userRef as ByIdOrName);
    if (userRef.password !== user.password) throwKeystone(401, AUTH_REQUIRED);
    return { user, method };
  }
  if (method === "application_credential") {
    if (hasScope) throwKeystone(401, AUTH_REQUIRED);
    let cred = cloud.identity.appCredentials.find((c) => c.id === data.id);
    if (data.id === undefined) {
      const owner = resolveUser(cloud, asObject(data.user) as ByIdOrName | undefined);
      cred = cloud.identity.appCredentials.find((c) => c.name === data.name && c.user === owner.name);
    }
    if (!cred || data.secret !== cred.secret) throwKeystone(401, AUTH_REQUIRED);
    const user = cloud.identity.users.find((u) => u.name === cred.user);
    if (!user) throwKeystone(401, AUTH_REQUIRED);
    return { user, record: cred, method };
  }
  if (method === "token") {
    const existing = cloud.identity.validate(typeof data.id === "string" ? data.id : undefined);
    if (!existing) throwKeystone(401, AUTH_REQUIRED);
    return { user: existing.user, method };
  }
  return throwKeystone(401, AUTH_REQUIRED);
}

function checkScope(cloud: SimCloud, scope: Record<string, unknown> | undefined, user: IdentityUser): void {
  if (!scope) return;
  const projectRef = asObject(scope.project);
  if (!projectRef) throwKeystone(401, AUTH_REQUIRED);
  const project = cloud.identity.findProject(projectRef as ByIdOrName);
  if (project === "missing-domain") missing("domain", "project");
  if (!project || project.id !== user.project.id) throwKeystone(401, AUTH_REQUIRED);
}

function issueToken(cloud: SimCloud, req: SimRequest): SimResponse {
  const auth = asObject(asObject(req.body)?.auth) ?? missing("auth", "request body");
  const identity = asObject(auth.identity) ?? missing("identity", "auth");
  const scope = asObject(auth.scope);
  const { user, record, method } = authenticate(cloud, identity, scope !== undefined);
  checkScope(cloud, scope, user);
  const token = cloud.identity.issue(user, [method], record);
  return json(201, tokenBody(token, req.origin, !req.query.has("nocatalog")), { "X-Subject-Token": token.id, Vary: "X-Auth-Token" });
}

function subjectToken(cloud: SimCloud, req: SimRequest): TokenRecord {
  const caller = cloud.identity.validate(req.headers["x-auth-token"] as string | undefined);
  if (!caller) throw new HttpError(tokenRejected(req.origin));
  const subjectId = req.headers["x-subject-token"] as string | undefined;
  const subject = cloud.identity.validate(subjectId);
  if (!subject) throwKeystone(404, `Could not find token: ${subjectId ?? ""}.`);
  return subject;
}

/** Keystone routes, under /identity. */
export function keystoneRoutes(cloud: SimCloud): Route[] {
  return [
    {
      method: "GET",
      pattern: "/identity",
      handler: (req) => json(300, { versions: { values: [versionV3(req.origin)] } }, { Location: `${req.origin}/identity/v3/` }),
    },
    { method: "GET", pattern: "/identity/v3", handler: (req) => json(200, { version: versionV3(req.origin) }) },
    { method: "POST", pattern: "/identity/v3/auth/tokens", handler: (req) => issueToken(cloud, req) },
    {
      method: "GET",
      pattern: "/identity/v3/auth/tokens",
      handler: (req) => {
        const subject = subjectToken(cloud, req);
        return json(200, tokenBody(subject, req.origin, !req.query.has("nocatalog")), { "X-Subject-Token": subject.id });
      },
    },
    {
      method: "DELETE",
      pattern: "/identity/v3/auth/tokens",
      handler: (req) => {
        cloud.identity.revoke(subjectToken(cloud, req).id);
        return json(204);
      },
    },
  ];
}
