// A dedicated user on the lab's Keystone and an application credential of it restricted by access rules, as docs/deploy.md
// tells an operator to make for recovery_driver=mistral's backend_cloud; and a clouds.yaml entry holding it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Answer, type LabSession, send } from "../nova/lab.js";

/** The user, its project and its role, as docs/deploy.md names them. */
export const RECOVERY_USER = "nova-ha-recovery";
/** The clouds.yaml entry NovaEvacuate's backend_cloud names. */
export const RESTRICTED_CLOUD = "nova-ha-mistral";

/** A restricted application credential and what the tests need around it. */
export interface RestrictedCredential {
  id: string;
  projectId: string;
  expiresAt: string;
  /** A clouds.yaml holding RESTRICTED_CLOUD (auth_type v3applicationcredential). */
  cloudsYaml: string;
  /** Public endpoints from the dedicated user's catalog, by service type. */
  endpoints: Record<string, string>;
  /** A token issued for the application credential itself. */
  token(): Promise<string>;
  /** A password token of the dedicated user (unrestricted: reads what Mistral keeps of its project). */
  userToken(): Promise<string>;
  /** Deletes the application credential and the clouds.yaml. */
  remove(): Promise<void>;
}

function must(answer: Answer, what: string, ...ok: number[]): Answer {
  if (!ok.includes(answer.status)) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** The id of the named entity of a Keystone collection (projects, users, roles), created by `create` when missing. */
async function ensure(lab: LabSession, collection: string, name: string, create?: Record<string, unknown>): Promise<string> {
  const found = must(await lab.keystone(`/${collection}?name=${encodeURIComponent(name)}`), `list ${collection}`, 200).body[collection][0];
  if (found) return String(found.id);
  if (!create) throw new Error(`Keystone has no ${collection} named ${name}`);
  const key = collection.replace(/s$/, "");
  return String(must(await lab.keystone(`/${collection}`, { method: "POST", body: { [key]: { name, ...create } } }), `create ${key} ${name}`, 201).body[key].id);
}

async function issue(authUrl: string, body: unknown): Promise<{ token: string; catalog: any[] }> {
  const answer = must(await send(`${authUrl}/auth/tokens`, { method: "POST", body }), "token request", 201);
  return { token: String(answer.headers.get("x-subject-token")), catalog: answer.body.token.catalog };
}

/**
 * Makes (or reuses) project, user and role `nova-ha-recovery`, the user holding only that role on that project (nova-up.sh's
 * Nova policy makes the role Nova's admin: all_tenants, os-services, evacuate; to Keystone, Neutron and Mistral it is a plain
 * role), gives the user a fresh password, and creates an application credential of it that expires after `lifetimeMs`,
 * carrying `rules` as its access rules.
 */
export async function restrictedCredential(lab: LabSession, rules: readonly unknown[], lifetimeMs: number): Promise<RestrictedCredential> {
  const authUrl = lab.endpoints.identity;
  const projectId = await ensure(lab, "projects", RECOVERY_USER, { domain_id: "default", description: "nova-ha-agents: Mistral recoveries" });
  const password = randomBytes(18).toString("base64url");
  const userId = await ensure(lab, "users", RECOVERY_USER, { domain_id: "default", default_project_id: projectId, password });
  must(await lab.keystone(`/users/${userId}`, { method: "PATCH", body: { user: { password } } }), "set the user's password", 200);
  const roleId = await ensure(lab, "roles", RECOVERY_USER, {});
  must(await lab.keystone(`/projects/${projectId}/users/${userId}/roles/${roleId}`, { method: "PUT" }), `grant ${RECOVERY_USER}`, 204);
  // A user made by an earlier version of this helper held admin there: take it away.
  const admin = await ensure(lab, "roles", "admin");
  must(await lab.keystone(`/projects/${projectId}/users/${userId}/roles/${admin}`, { method: "DELETE" }), "revoke admin", 204, 404);
  const userAuth = { auth: { identity: { methods: ["password"], password: { user: { id: userId, password } } }, scope: { project: { id: projectId } } } };
  const user = await issue(authUrl, userAuth);
  const name = `nova-ha-mistral-${Date.now()}`;
  const expiresAt = new Date(Date.now() + lifetimeMs).toISOString().replace(/Z$/, "");
  const created = must(await send(`${authUrl}/users/${userId}/application_credentials`, {
    method: "POST", token: user.token,
    body: { application_credential: { name, expires_at: expiresAt, access_rules: rules, description: "NovaEvacuate -> Mistral (lab test)" } },
  }), "create the application credential", 201).body.application_credential;
  const id = String(created.id);
  const secret = String(created.secret);
  const dir = mkdtempSync(join(tmpdir(), "nova-ha-restricted-"));
  const cloudsYaml = join(dir, "clouds.yaml");
  writeFileSync(cloudsYaml, [
    "clouds:", `  ${RESTRICTED_CLOUD}:`, "    auth_type: v3applicationcredential", "    auth:", `      auth_url: ${authUrl}`,
    `      application_credential_id: ${id}`, `      application_credential_secret: ${secret}`, "    interface: public", "    region_name: RegionOne", "",
  ].join("\n"), { mode: 0o600 });
  const endpoints = Object.fromEntries(user.catalog.map((entry: any) => [entry.type,
    String(entry.endpoints.find((ep: any) => ep.interface === "public")?.url ?? "").replace(/\/+$/, "")]));
  return {
    id, projectId, expiresAt, cloudsYaml, endpoints,
    token: async () => (await issue(authUrl, { auth: { identity: { methods: ["application_credential"], application_credential: { id, secret } } } })).token,
    userToken: async () => (await issue(authUrl, userAuth)).token,
    async remove() {
      rmSync(dir, { recursive: true, force: true });
      const token = (await issue(authUrl, userAuth)).token;
      must(await send(`${authUrl}/users/${userId}/application_credentials/${id}`, { method: "DELETE", token }), "delete the application credential", 204, 404);
    },
  };
}
