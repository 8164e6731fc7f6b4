// Keystone's data: domains, users, projects, application credentials and issued tokens.
import { randomBytes } from "node:crypto";
import type { SimClock } from "./clock.js";
import type { SimAppCredential, SimConfig, SimUser } from "./cloud-model.js";
import { stableHexId } from "./prng.js";

/** A named Keystone object with its domain. */
export interface IdentityRef {
  id: string;
  name: string;
  domainId: string;
  domainName: string;
}

/** A user with its one project (on which it holds the admin, member and reader roles). */
export interface IdentityUser extends IdentityRef {
  password: string;
  project: IdentityRef;
}

/** An issued token. */
export interface TokenRecord {
  id: string;
  user: IdentityUser;
  project: IdentityRef;
  methods: string[];
  issuedAt: number;
  expiresAt: number;
  auditId: string;
  appCredential?: SimAppCredential;
}

/** How a request names a user, project or domain (Keystone's JSON shape). */
export interface ByIdOrName {
  id?: unknown;
  name?: unknown;
  domain?: { id?: unknown; name?: unknown };
}

/** The roles every simulated user holds. */
export const ROLES = ["admin", "member", "reader"] as const;

/** The default user set: admin / secret on project admin, domain Default. */
export const DEFAULT_USERS: SimUser[] = [{ name: "admin", password: "secret", project: "admin", domain: "Default" }];

/** The default application credential, owned by the first user. */
export const DEFAULT_APP_CREDENTIAL = { id: stableHexId("appcred:ha-agents"), name: "ha-agents", secret: "appcred-secret" };

function domainOf(name: string | undefined): { domainId: string; domainName: string } {
  const domainName = name ?? "Default";
  return { domainName, domainId: domainName === "Default" ? "default" : stableHexId(`domain:${domainName}`) };
}

function matchesDomain(ref: IdentityRef, domain: ByIdOrName["domain"]): boolean {
  if (!domain) return false;
  if (domain.id !== undefined) return domain.id === ref.domainId;
  return domain.name === ref.domainName;
}

/** Users, projects, application credentials and tokens. */
export class IdentityStore {
  readonly users: IdentityUser[];
  readonly appCredentials: SimAppCredential[];
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(users: SimUser[], appCredentials: SimAppCredential[], private readonly clock: SimClock, private readonly config: SimConfig) {
    this.users = users.map((u) => {
      const dom = domainOf(u.domain);
      const project = { id: stableHexId(`project:${dom.domainId}:${u.project}`), name: u.project, ...dom };
      return { id: stableHexId(`user:${dom.domainId}:${u.name}`), name: u.name, password: u.password, ...dom, project };
    });
    this.appCredentials = appCredentials;
  }

  /** Projects for seeded servers: every user's project, then "demo". */
  serverProjects(): { id: string; userId: string }[] {
    const out = this.users.map((u) => ({ id: u.project.id, userId: u.id }));
    out.push({ id: stableHexId("project:default:demo"), userId: stableHexId("user:default:demo") });
    return out;
  }

  /** Finds a user by id, or by name within a domain; "missing-domain" when a name comes without one. */
  findUser(ref: ByIdOrName | undefined): IdentityUser | "missing-domain" | undefined {
    if (!ref) return undefined;
    if (ref.id !== undefined) return this.users.find((u) => u.id === ref.id);
    if (!ref.domain) return "missing-domain";
    return this.users.find((u) => u.name === ref.name && matchesDomain(u, ref.domain));
  }

  /** Finds a project by id, or by name within a domain. */
  findProject(ref: ByIdOrName): IdentityRef | "missing-domain" | undefined {
    const projects = this.users.map((u) => u.project);
    if (ref.id !== undefined) return projects.find((p) => p.id === ref.id);
    if (!ref.domain) return "missing-domain";
    return projects.find((p) => p.name === ref.name && matchesDomain(p, ref.domain));
  }

  /** Issues a token for a user on its project. */
  issue(user: IdentityUser, methods: string[], appCredential?: SimAppCredential): TokenRecord {
    const now = this.clock.now();
    const record: TokenRecord = {
      id: `gAAAAAB${randomBytes(120).toString("base64url")}`,
      user,
      project: user.project,
      methods,
      issuedAt: now,
      expiresAt: now + this.config.tokenTtlSeconds * 1000,
      auditId: randomBytes(16).toString("base64url").slice(0, 22),
      ...(appCredential ? { appCredential } : {}),
    };
    this.tokens.set(record.id, record);
    return record;
  }

  /** The token if it exists and has not expired. */
  validate(tokenId: string | undefined): TokenRecord | undefined {
    if (!tokenId) return undefined;
    const record = this.tokens.get(tokenId);
    if (!record) return undefined;
    if (record.expiresAt <= this.clock.now()) {
      this.tokens.delete(tokenId);
      return undefined;
    }
    return record;
  }

  /** Revokes a token; false if it was unknown. */
  revoke(tokenId: string): boolean {
    return this.tokens.delete(tokenId);
  }

  /** Revokes every token (as if all expired at once); returns how many there were. */
  revokeAll(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }

  /** Number of live tokens. */
  get tokenCount(): number {
    return this.tokens.size;
  }
}
