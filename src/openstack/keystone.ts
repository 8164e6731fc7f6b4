// Keystone v3 token requests: password (user and project by name+domain or id) and application credentials.
import { z } from "zod";
import type { CatalogService } from "./catalog.js";
import { OpenStackError } from "./errors.js";
import type { Transport } from "./http.js";
import type { CloudConfig } from "./types.js";
import { invalid, parseAnswer } from "./validate.js";

/** A token and what came with it. */
export interface TokenGrant {
  token: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  projectId?: string;
  catalog: CatalogService[];
}

const tokenAnswer = z.object({
  token: z.object({
    expires_at: z.string(),
    project: z.object({ id: z.string() }).optional(),
    catalog: z
      .array(
        z.object({
          type: z.string(),
          name: z.string().optional(),
          endpoints: z.array(
            z.object({
              interface: z.string(),
              url: z.string(),
              region: z.string().nullish(),
              region_id: z.string().nullish(),
            }),
          ),
        }),
      )
      .optional(),
  }),
});

/** The Keystone v3 base URL of an auth_url given with or without a version ("…:5000", "…/v3", "…/v2.0"). */
export function identityV3Url(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, "");
  if (/\/v3$/.test(trimmed)) return trimmed;
  if (/\/v2\.0$/.test(trimmed)) return trimmed.replace(/\/v2\.0$/, "/v3");
  return `${trimmed}/v3`;
}

function domainRef(id: string | undefined, name: string | undefined): { id: string } | { name: string } | undefined {
  if (id) return { id };
  if (name) return { name };
  return undefined;
}

function userRef(config: CloudConfig): Record<string, unknown> {
  if (config.userId) return { id: config.userId };
  return { name: config.username, domain: domainRef(config.userDomainId, config.userDomainName) };
}

/** The POST /v3/auth/tokens body for the configured method; application credentials win when a secret is set. */
export function authRequestBody(config: CloudConfig): Record<string, unknown> {
  if (config.applicationCredentialSecret) {
    const credential = config.applicationCredentialId
      ? { id: config.applicationCredentialId, secret: config.applicationCredentialSecret }
      : { name: config.applicationCredentialName, secret: config.applicationCredentialSecret, user: userRef(config) };
    // An application credential carries its own project scope: no "scope" may be sent.
    return { auth: { identity: { methods: ["application_credential"], application_credential: credential } } };
  }
  const project = config.projectId
    ? { id: config.projectId }
    : { name: config.projectName, domain: domainRef(config.projectDomainId, config.projectDomainName) };
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { ...userRef(config), password: config.password } } },
      scope: { project },
    },
  };
}

/** Asks Keystone for a project-scoped token with its catalog (one request, retried like a GET: it creates nothing). */
export async function requestToken(transport: Transport, config: CloudConfig): Promise<TokenGrant> {
  transport.addSecret(config.password);
  transport.addSecret(config.applicationCredentialSecret);
  const url = `${identityV3Url(config.authUrl)}/auth/tokens`;
  const ctxBase = { service: "identity" as const, method: "POST", path: new URL(url).pathname };
  const res = await transport.request({ service: "identity", method: "POST", url, body: authRequestBody(config), idempotent: true });
  const ctx = { ...ctxBase, requestId: res.requestId };
  const token = res.headers["x-subject-token"];
  if (typeof token !== "string" || token === "") invalid(ctx, "no X-Subject-Token header");
  transport.addSecret(token);
  const body = parseAnswer(tokenAnswer, res.data, ctx).token;
  const expiresAt = Date.parse(body.expires_at);
  if (Number.isNaN(expiresAt)) invalid(ctx, `expires_at "${body.expires_at}" is not a time`);
  if (!body.catalog || body.catalog.length === 0) {
    throw new OpenStackError({ kind: "config", ...ctx, what: "Keystone issued a token without a service catalog",
      hint: "give a project (project_name or project_id) the user has a role on" });
  }
  return { token, expiresAt, projectId: body.project?.id, catalog: body.catalog };
}
