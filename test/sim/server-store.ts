// The instances table, indexed by uuid and by host, kept in Nova's default order (newest first).
import type { SimServer } from "./cloud-model.js";

const newestFirst = (a: SimServer, b: SimServer): number => b.seq - a.seq;

/** Servers by uuid and by host. */
export class ServerStore {
  private byUuid = new Map<string, SimServer>();
  private byHost = new Map<string, Map<string, SimServer>>();
  private sorted: SimServer[] | undefined;
  /** Deleted servers, oldest deletion first: Nova still lists them to changes-since queries (status DELETED). */
  private deleted: SimServer[] = [];

  constructor(private readonly now: () => number) {}

  /** Replaces every server. */
  load(servers: SimServer[]): void {
    this.byUuid = new Map();
    this.byHost = new Map();
    this.sorted = undefined;
    this.deleted = [];
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

  /** Deleted servers (newest first), optionally of one host, for changes-since listings. */
  deletedServers(host?: string | null): SimServer[] {
    return this.deleted.filter((s) => host === undefined || host === null || s.host === host).sort(newestFirst);
  }

  /** One server by uuid, deleted ones included (Nova reads markers with read_deleted=yes). */
  getIncludingDeleted(uuid: string): SimServer | undefined {
    return this.byUuid.get(uuid) ?? this.deleted.find((s) => s.uuid === uuid);
  }

  /** Deletes a server: vm_state deleted, no task, power state NOSTATE, as Nova leaves the row. */
  remove(s: SimServer): void {
    Object.assign(s, { deleted: true, vmState: "deleted", taskState: null, powerState: 0, updatedAt: this.now() });
    this.deleted.push(s);
    this.byUuid.delete(s.uuid);
    if (s.host !== null) this.byHost.get(s.host)?.delete(s.uuid);
    this.sorted = undefined;
  }
}
