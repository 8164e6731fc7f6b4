// The instances table, indexed by uuid and by host, kept in Nova's default order (newest first).
import type { SimServer } from "./cloud-model.js";

const newestFirst = (a: SimServer, b: SimServer): number => b.seq - a.seq;

/** Servers by uuid and by host. */
export class ServerStore {
  private byUuid = new Map<string, SimServer>();
  private byHost = new Map<string, Map<string, SimServer>>();
  private sorted: SimServer[] | undefined;

  constructor(private readonly now: () => number) {}

  /** Replaces every server. */
  load(servers: SimServer[]): void {
    this.byUuid = new Map();
    this.byHost = new Map();
    this.sorted = undefined;
    for (const s of servers) this.insert(s);
  }

  private insert(s: SimServer): void {
    this.byUuid.set(s.uuid, s);
    if (s.host !== null) this.hostBucket(s.host).set(s.uuid, s);
    this.sorted = undefined;
  }

  private hostBucket(host: string): Map<string, SimServer> {
    let bucket = this.byHost.get(host);
    if (!bucket) {
      bucket = new Map();
      this.byHost.set(host, bucket);
    }
    return bucket;
  }

  /** One server by uuid. */
  get(uuid: string): SimServer | undefined {
    return this.byUuid.get(uuid);
  }

  /** One server by display name (first match). */
  byName(name: string): SimServer | undefined {
    for (const s of this.byUuid.values()) if (s.name === name) return s;
    return undefined;
  }

  /** Servers on a host, newest first. */
  onHost(host: string): SimServer[] {
    const bucket = this.byHost.get(host);
    return bucket ? [...bucket.values()].sort(newestFirst) : [];
  }

  /** Number of servers on a host. */
  countOnHost(host: string): number {
    return this.byHost.get(host)?.size ?? 0;
  }

  /** Every server, newest first (cached until a server is added or removed). */
  newestFirst(): SimServer[] {
    this.sorted ??= [...this.byUuid.values()].sort(newestFirst);
    return this.sorted;
  }

  /** Applies changes to a server, re-indexing it when its host changes; bumps updated_at. */
  update(s: SimServer, patch: Partial<SimServer>): void {
    const oldHost = s.host;
    Object.assign(s, patch, { updatedAt: this.now() });
    if (s.host !== oldHost) {
      if (oldHost !== null) this.byHost.get(oldHost)?.delete(s.uuid);
      if (s.host !== null) this.hostBucket(s.host).set(s.uuid, s);
    }
  }

  /** Deletes a server. */
  remove(s: SimServer): void {
    s.deleted = true;
    this.byUuid.delete(s.uuid);
    if (s.host !== null) this.byHost.get(s.host)?.delete(s.uuid);
    this.sorted = undefined;
  }
}
