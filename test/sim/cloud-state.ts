// The simulated cloud: indexed in-memory state with synchronous access for tests and the HTTP handlers.
import { SimClock } from "./clock.js";
import type { SimAppCredential, SimConfig, SimFlavor, SimHost, SimImage, SimMigration, SimServer, SimService, SimUser } from "./cloud-model.js";
import { type CloudSeed, buildCloud } from "./cloud-seed.js";
import { computeStartup } from "./compute-startup.js";
import { EvacuationEngine } from "./evacuation-engine.js";
import { EvacuateRecords } from "./evacuate-records.js";
import { FailureBook, type FailureSpec } from "./failures.js";
import { isUp, lastHeartbeat, processAlive } from "./host-liveness.js";
import { IdentityStore } from "./identity-store.js";
import { MigrationStore } from "./migration-store.js";
import { NetFaultBook } from "./net-faults.js";
import { Prng } from "./prng.js";
import { type RequestCounts, RequestLog, type RequestLogEntry } from "./request-log.js";
import { ServerStore } from "./server-store.js";
import { TimerSet } from "./timers.js";

/** A compute service as tests see it, with its computed state. */
export interface ServiceView {
  id: number;
  uuid: string;
  host: string;
  binary: string;
  status: "enabled" | "disabled";
  state: "up" | "down";
  forcedDown: boolean;
  disabledReason: string | null;
  /** Every disabled_reason written through the API, oldest first. */
  reasonHistory: string[];
  lastHeartbeat: number;
}

/** What a seed produced. */
export interface SeedSummary {
  hosts: number;
  servers: number;
  flavors: number;
  images: number;
  seed: number;
}

/** The whole simulated cloud. */
export class SimCloud {
  readonly clock = new SimClock();
  readonly log = new RequestLog();
  readonly timers = new TimerSet();
  readonly identity: IdentityStore;
  readonly failures: FailureBook;
  readonly evacuations: EvacuationEngine;
  readonly migrationStore: MigrationStore;
  readonly serverStore: ServerStore;
  /** Every evacuate request answered, accepted or refused (the campaign's invariants read it). */
  readonly evacuateRecords = new EvacuateRecords();
  /** Network faults, latency and outages injected into API answers (none by default). */
  readonly netFaults: NetFaultBook;
  /** Random stream for scheduling ties and jitter (restarted by every seed()). */
  behaviour: Prng;
  /** Instance files live on shared storage. */
  sharedStorage = false;
  private ids: Prng;
  private hostMap = new Map<string, SimHost>();
  private serviceList: SimService[] = [];
  private computeByHost = new Map<string, SimService>();
  private flavorMap = new Map<string, SimFlavor>();
  private imageList: SimImage[] = [];

  constructor(readonly seedValue: number, readonly config: SimConfig, users: SimUser[], appCredentials: SimAppCredential[]) {
    const root = new Prng(seedValue);
    this.ids = root.fork("ids");
    this.behaviour = root.fork("behaviour");
    this.failures = new FailureBook(root.fork("failures"));
    this.netFaults = new NetFaultBook(root.fork("net"));
    this.identity = new IdentityStore(users, appCredentials, this.clock, config);
    this.migrationStore = new MigrationStore(() => this.ids.uuid(), () => this.stamp(this.clock.now()));
    this.serverStore = new ServerStore(() => this.stamp(this.clock.now()));
    this.evacuations = new EvacuationEngine(this);
  }

  /** A time as Nova's database stores it: whole seconds unless config.wholeSecondTimestamps is off. */
  stamp(ms: number): number {
    return this.config.wholeSecondTimestamps ? Math.floor(ms / 1000) * 1000 : ms;
  }

  /** Replaces the whole cloud (and cancels evacuations in flight); the same seed value always builds the same cloud. */
  seed(seed: CloudSeed): SeedSummary {
    const root = new Prng(this.seedValue);
    this.ids = root.fork("ids");
    this.behaviour = root.fork("behaviour");
    this.failures.restart(root.fork("failures"));
    this.timers.clear();
    this.evacuations.reset();
    this.migrationStore.clear();
    this.evacuateRecords.clear();
    this.netFaults.restart(root.fork("net"));
    const built = buildCloud(seed, { prng: this.ids, now: this.stamp(this.clock.now()), projects: this.identity.serverProjects() });
    this.hostMap = new Map(built.hosts.map((h) => [h.name, h]));
    this.serviceList = built.services;
    this.computeByHost = new Map(built.services.filter((s) => s.binary === "nova-compute").map((s) => [s.host, s]));
    this.serverStore.load(built.servers);
    this.flavorMap = new Map(built.flavors.map((f) => [f.id, f]));
    this.imageList = built.images;
    this.sharedStorage = seed.sharedStorage ?? false;
    for (const failure of seed.failures ?? []) this.failures.add(failure);
    return { hosts: built.hosts.length, servers: built.servers.length, flavors: built.flavors.length, images: built.images.length, seed: this.seedValue };
  }

  /** Every host, in seed order. */
  hosts(): SimHost[] {
    return [...this.hostMap.values()];
  }

  /** One host, or undefined. */
  host(name: string): SimHost | undefined {
    return this.hostMap.get(name);
  }

  private requireHost(name: string): SimHost {
    const host = this.hostMap.get(name);
    if (!host) throw new Error(`unknown host ${name}`);
    return host;
  }

  /** Stops the nova-compute process of a host: its heartbeat freezes. */
  killHost(name: string): void {
    const host = this.requireHost(name);
    const service = this.computeByHost.get(name);
    if (service) service.lastSeenUp = this.lastHeartbeat(service);
    host.alive = false;
    this.evacuations.onHostKilled(name);
  }

  /** Restarts nova-compute on a host, with Nova's start-up clean-up of evacuations and stuck rebuilds. */
  reviveHost(name: string): void {
    const host = this.requireHost(name);
    const now = this.clock.now();
    host.alive = true;
    host.bootedAt = now;
    computeStartup(name, this.migrationStore, this.serverStore);
    this.evacuations.onHostRevived(name);
  }

  /** Records a heartbeat posted by an external nova-compute; false if the host is unknown or killed. */
  heartbeat(name: string): boolean {
    const host = this.hostMap.get(name);
    if (!host || !host.alive) return false;
    const now = this.clock.now();
    host.lastExternalBeat = now;
    const service = this.computeByHost.get(name);
    if (service) service.lastSeenUp = now;
    return true;
  }

  /** The last heartbeat of a service. */
  lastHeartbeat(service: SimService): number {
    return lastHeartbeat(service, this.hostMap.get(service.host), this.clock.now(), this.config);
  }

  /** Whether Nova considers a service up. */
  serviceIsUp(service: SimService): boolean {
    return isUp(service, this.lastHeartbeat(service), this.clock.now(), this.config);
  }

  /** Whether a host's nova-compute answers RPC. */
  processAlive(hostName: string): boolean {
    return processAlive(this.hostMap.get(hostName), this.clock.now(), this.config);
  }

  /** The services table, by id. */
  serviceRecords(): SimService[] {
    return this.serviceList;
  }

  /** The nova-compute service of a host. */
  computeService(host: string): SimService | undefined {
    return this.computeByHost.get(host);
  }

  /** Marks a service row as saved now. */
  touchService(service: SimService): void {
    service.modifiedAt = this.stamp(this.clock.now());
  }

  /** Every service with its computed state. */
  services(): ServiceView[] {
    return this.serviceList.map((s) => ({
      id: s.id,
      uuid: s.uuid,
      host: s.host,
      binary: s.binary,
      status: s.disabled ? "disabled" : "enabled",
      state: this.serviceIsUp(s) ? "up" : "down",
      forcedDown: s.forcedDown,
      disabledReason: s.disabledReason,
      reasonHistory: [...(s.reasonHistory ?? [])],
      lastHeartbeat: this.lastHeartbeat(s),
    }));
  }

  /** Copies of every live server, newest first. */
  servers(): SimServer[] {
    return this.serverStore.newestFirst().map((s) => ({ ...s }));
  }

  /** Copies of the servers on a host, newest first. */
  serversOnHost(host: string): SimServer[] {
    return this.serverStore.onHost(host).map((s) => ({ ...s }));
  }

  /** A copy of one server by uuid or name. */
  server(idOrName: string): SimServer | undefined {
    const s = this.serverStore.get(idOrName) ?? this.serverStore.byName(idOrName);
    return s ? { ...s } : undefined;
  }

  /** Forces a server's states (e.g. paused, or a stuck task) for a test. */
  setServerState(id: string, state: { vmState?: string; taskState?: string | null; powerState?: number }): void {
    const s = this.serverStore.get(id) ?? this.serverStore.byName(id);
    if (!s) throw new Error(`unknown server ${id}`);
    this.serverStore.update(s, state);
  }

  /** Sets a server's instance metadata (e.g. evacuable=true). */
  setServerMetadata(id: string, metadata: Record<string, string>): void {
    const s = this.serverStore.get(id) ?? this.serverStore.byName(id);
    if (!s) throw new Error(`unknown server ${id}`);
    this.serverStore.update(s, { metadata: { ...metadata } });
  }

  /** Deletes a server (GET then answers 404). */
  deleteServer(id: string): void {
    const s = this.serverStore.get(id) ?? this.serverStore.byName(id);
    if (!s) throw new Error(`unknown server ${id}`);
    this.serverStore.remove(s);
  }

  /** Copies of the migration records, oldest first, optionally filtered. */
  migrations(filter: { sourceCompute?: string; status?: string; migrationType?: string } = {}): SimMigration[] {
    const list = filter.sourceCompute !== undefined ? this.migrationStore.bySource(filter.sourceCompute) : this.migrationStore.all();
    return list.filter((m) => (filter.status === undefined || m.status === filter.status) && (filter.migrationType === undefined || m.migrationType === filter.migrationType)).map((m) => ({ ...m }));
  }

  /** Every flavor. */
  flavors(): SimFlavor[] {
    return [...this.flavorMap.values()];
  }

  /** One flavor by id. */
  flavor(id: string): SimFlavor | undefined {
    return this.flavorMap.get(id);
  }

  /** Every image, oldest first. */
  images(): SimImage[] {
    return this.imageList;
  }

  /** Registers a failure to inject; returns its id. */
  injectFailure(spec: FailureSpec): number {
    return this.failures.add(spec);
  }

  /** Removes one injected failure, or all. */
  clearFailures(id?: number): void {
    this.failures.clear(id);
  }

  /** Request counters by service, route and status. */
  counts(): RequestCounts {
    return this.log.counts();
  }

  /** Zeroes the counters and empties the request log. */
  resetCounts(): void {
    this.log.reset();
  }

  /** The latest requests served. */
  requests(limit?: number): RequestLogEntry[] {
    return this.log.entries(limit);
  }

  /** True when no evacuation is in progress (stalled ones count as in progress). */
  idle(): boolean {
    return this.evacuations.inFlight === 0;
  }

  /** Resolves when no evacuation is in progress; rejects after `timeoutMs`. */
  async waitIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.idle()) {
      if (Date.now() > deadline) throw new Error(`${this.evacuations.inFlight} evacuations still in flight after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Cancels every timer (evacuations stop where they are). */
  stop(): void {
    this.timers.clear();
    this.evacuations.reset();
  }
}
