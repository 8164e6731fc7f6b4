// Persistent token cache: lets a new process (each OCF monitor is one) call Nova without re-authenticating.
//
// One JSON file, mode 0600, replaced atomically (write a temporary file, then rename). Entries are keyed
// by a hash of the identity (auth URL, user, project, domains, application credential id/name, region,
// interface) and never contain the password. An entry holds the token, its expiry, the endpoints
// resolved from the catalog and the negotiated Nova microversion. A corrupt file, a file of another
// format, or one that another user could have written is ignored and overwritten on the next save.
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { CloudConfig } from "./types.js";

/** What a new process needs to make its first Nova request at once. */
export interface CachedSession {
  token: string;
  /** Token expiry, ms since the epoch. */
  expiresAt: number;
  projectId?: string;
  endpoints: { compute: string; image: string | null };
  /** Negotiated compute microversion, once known. */
  microversion?: string;
}

/** The file format marker; any other content is foreign. */
const FORMAT = "nova-ha-agents/token-cache/1";
/** Entries kept at most (different identities sharing one file). */
const MAX_ENTRIES = 32;

const entrySchema = z.object({
  token: z.string().min(1),
  expiresAt: z.number(),
  projectId: z.string().optional(),
  endpoints: z.object({ compute: z.string().min(1), image: z.string().nullable() }),
  microversion: z.string().optional(),
});
const fileSchema = z.object({ format: z.literal(FORMAT), entries: z.record(z.string(), z.unknown()) });

/**
 * The cache key of an identity: a SHA-256 over everything that selects the token. The password or secret enters
 * only as its own SHA-256, so a changed credential (a fix, a rotation, a typo) is tried at once instead of being
 * masked by a token cached with the old one; the file never holds the credential.
 */
export function identityKey(config: CloudConfig): string {
  const secret = config.applicationCredentialSecret ?? config.password ?? "";
  const parts = [
    createHash("sha256").update(secret).digest("hex"),
    config.authUrl.replace(/\/+$/, ""),
    config.userId ?? "", config.username ?? "", config.userDomainId ?? "", config.userDomainName ?? "",
    config.projectId ?? "", config.projectName ?? "", config.projectDomainId ?? "", config.projectDomainName ?? "",
    config.applicationCredentialId ?? "", config.applicationCredentialName ?? "",
    config.regionName ?? "", config.interface,
  ];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** A token cache file. */
export class TokenCache {
  constructor(readonly path: string) {}

  /** The entry of `key`, or undefined when absent, unreadable, foreign or malformed (expiry is the caller's business). */
  read(key: string): CachedSession | undefined {
    const entry = this.readEntries()[key];
    const parsed = entrySchema.safeParse(entry);
    return parsed.success ? parsed.data : undefined;
  }

  /** Stores the entry of `key` atomically, dropping expired and excess entries. */
  write(key: string, session: CachedSession, now: number = Date.now()): void {
    const kept = this.liveEntries(now).filter(([k]) => k !== key).slice(-(MAX_ENTRIES - 1));
    this.save(Object.fromEntries([...kept, [key, session]]));
  }

  /** Forgets the entry of `key` (a token Keystone no longer accepts). */
  remove(key: string, now: number = Date.now()): void {
    const entries = this.readEntries();
    if (!(key in entries)) return;
    this.save(Object.fromEntries(this.liveEntries(now).filter(([k]) => k !== key)));
  }

  private liveEntries(now: number): Array<[string, CachedSession]> {
    return Object.entries(this.readEntries()).flatMap(([k, v]): Array<[string, CachedSession]> => {
      const parsed = entrySchema.safeParse(v);
      return parsed.success && parsed.data.expiresAt > now ? [[k, parsed.data]] : [];
    });
  }

  private save(entries: Record<string, CachedSession>): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify({ format: FORMAT, entries })}\n`, { mode: 0o600, flag: "wx" });
      renameSync(temporary, this.path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  private readEntries(): Record<string, unknown> {
    try {
      const stat = lstatSync(this.path);
      const owner = typeof process.getuid === "function" ? process.getuid() : stat.uid;
      // A symlink, another user's file or one others may write could have been planted: do not trust it.
      if (!stat.isFile() || stat.uid !== owner || (stat.mode & 0o077) !== 0) return {};
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.path, "utf8")));
      return parsed.success ? { ...parsed.data.entries } : {};
    } catch {
      return {};
    }
  }
}
