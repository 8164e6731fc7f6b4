// The side-effect half of a look at Nova: gathers what planHost needs, with as few requests as possible.
import type { OpenStack } from "../../openstack/api.js";
import type { Migration, Server } from "../../openstack/types.js";
import type { EvacuableTags, SelectionMode } from "./evacuable.js";
import { novaTimeMs } from "../../openstack/nova-time.js";
import type { HostSnapshot } from "./plan-host.js";

/** A host to recover, with when it failed and when its first evacuation may go out. */
export interface RecoveryTarget {
  readonly host: string;
  readonly since: Date;
  readonly notBefore: number;
  /** The selection decided when the host was picked up, if it was. */
  readonly selection?: SelectionMode;
}

/*
 * READ_ORDER. A look reads the servers, then the evacuation records, never both at once. Nova lists a record by
 * changes-since only once something updated it, and the destination's claim updates it before it moves the server
 * to its new host. So a record read after the servers exists for every server those no longer show on its host.
 * Read at once, a slow or retried server listing could be answered after a claim and the records before it: the
 * instance was then in neither, dropped out of its host's plan, and the host was recorded done with it unverified
 * (chaos seed 20195: `found=1 submitted=4`).
 */

/**
 * Takes one full snapshot of every target: servers still there, evacuations since the failure, and where moved
 * servers are now. The last listing is needed only once something has moved; with `expectMoves` it goes out with the
 * others instead of after them, saving a round trip.
 */
export async function takeSnapshots(
  openstack: OpenStack,
  targets: readonly RecoveryTarget[],
  tags: EvacuableTags | undefined,
  expectMoves = false,
): Promise<HostSnapshot[]> {
  const earliest = new Date(Math.min(...targets.map((target) => target.since.getTime()))).toISOString();
  const changedSince = (): Promise<Server[]> => openstack.compute.listServersChangedSince(earliest);
  const early = expectMoves ? changedSince() : undefined;
  // Settled even if a per-host listing fails first, so its failure is never unhandled.
  early?.catch(() => undefined);
  const perHost = await Promise.all(
    targets.map(async (target) => {
      // Servers first, then the records (READ_ORDER): a server gone from its host has the record that moved it.
      const onHost = await openstack.compute.listServersOnHost(target.host);
      const evacuations = await openstack.compute.listEvacuations({ sourceCompute: target.host, changesSince: target.since.toISOString() });
      return { target, onHost, evacuations };
    }),
  );
  const moved = perHost.some(({ onHost, evacuations }) => {
    const here = new Set(onHost.map((server) => server.id));
    return evacuations.some((migration) => !here.has(migration.instanceUuid));
  });
  const changed = new Map<string, Server>();
  if (moved) for (const server of await (early ?? changedSince())) changed.set(server.id, server);
  return perHost.map(({ target, onHost, evacuations }) => ({
    host: target.host, since: target.since, notBefore: target.notBefore, onHost, evacuations, changed, tags, selection: target.selection,
  }));
}

/** Where a look gets the cloud's evacuable tags: undefined while they cannot be read. */
export interface TagReader {
  current(): Promise<EvacuableTags | undefined>;
}

/** A full look at least this often; the looks in between read only what changed. */
const FULL_LOOK_MS = 30_000;
/**
 * Incremental looks ask for what changed since this long before the newest change Nova showed: Nova keeps whole
 * seconds, its services stamp records with their own clocks, and a transaction may commit after the time it stamped.
 * Only Nova's timestamps are compared with each other: never our clock with Nova's.
 */
const CHANGES_SLACK_MS = 3_000;

/** The newest of Nova's timestamps among these records (epoch ms; 0 for none). */
function newestChange(servers: Iterable<Server>, migrations: Iterable<Migration>): number {
  let newest = 0;
  for (const server of servers) newest = Math.max(newest, novaTimeMs(server.updated));
  for (const migration of migrations) newest = Math.max(newest, novaTimeMs(migration.updatedAt ?? migration.createdAt));
  return newest;
}

/**
 * What the engine knows of the failed hosts, kept current between full looks with changes-since: one listing of the
 * servers changed lately (for every host at once) and each host's evacuation records changed lately, instead of every
 * server of every failed host and every server moved so far. Same snapshots as takeSnapshots, at a cost that
 * follows what changes, not how much has been recovered.
 */
export class NovaView {
  private servers = new Map<string, Server>();
  private migrations = new Map<string, Map<string, Migration>>();
  private lastFullAt = Number.NEGATIVE_INFINITY;
  /** The newest change Nova has shown, in Nova's time: where the next incremental look and every probe start from. */
  private cursorMs = 0;

  /** `tags` is read alongside the first look, and again at each look while it cannot be read. */
  constructor(private readonly openstack: OpenStack, private readonly tags: TagReader) {}

  /** Looks at Nova at `now` (our clock, for the full-look period only); `expectMoves` as in takeSnapshots. */
  async look(targets: readonly RecoveryTarget[], now: number, expectMoves: boolean): Promise<HostSnapshot[]> {
    const known = targets.every((target) => this.migrations.has(target.host));
    const [tags, snapshots] = await Promise.all([
      this.tags.current(),
      known && now - this.lastFullAt < FULL_LOOK_MS ? this.changesSince(targets) : this.full(targets, now, expectMoves),
    ]);
    return snapshots.map((snapshot) => ({ ...snapshot, tags }));
  }

  /** Nova's time to ask for changes from (epoch ms, whole seconds): shortly before the newest change seen. */
  changesSinceMs(): number {
    return Math.floor(this.cursorMs / 1_000) * 1_000 - CHANGES_SLACK_MS;
  }

  private advanceCursor(targets: readonly RecoveryTarget[], servers: Iterable<Server>, migrations: Iterable<Migration>): void {
    this.cursorMs = Math.max(this.cursorMs, ...targets.map((target) => target.since.getTime()), newestChange(servers, migrations));
  }

  private async full(targets: readonly RecoveryTarget[], now: number, expectMoves: boolean): Promise<HostSnapshot[]> {
    const snapshots = await takeSnapshots(this.openstack, targets, undefined, expectMoves);
    this.servers = new Map(snapshots[0]?.changed);
    this.migrations = new Map();
    for (const snapshot of snapshots) {
      for (const server of snapshot.onHost) this.servers.set(server.id, server);
      this.migrations.set(snapshot.host, new Map(snapshot.evacuations.map((migration) => [migration.id, migration])));
    }
    this.advanceCursor(targets, this.servers.values(), snapshots.flatMap((snapshot) => snapshot.evacuations));
    this.lastFullAt = now;
    return snapshots;
  }

  private async changesSince(targets: readonly RecoveryTarget[]): Promise<HostSnapshot[]> {
    const since = new Date(this.changesSinceMs()).toISOString();
    // Servers first, then the records, as in a full look (READ_ORDER).
    const servers = await this.openstack.compute.listServersChangedSince(since);
    const perHost = await Promise.all(targets.map((target) => this.openstack.compute.listEvacuations({ sourceCompute: target.host, changesSince: since })));
    for (const server of servers) this.servers.set(server.id, server);
    targets.forEach((target, index) => {
      const known = this.migrations.get(target.host) ?? new Map<string, Migration>();
      for (const migration of perHost[index] ?? []) known.set(migration.id, migration);
      this.migrations.set(target.host, known);
    });
    this.advanceCursor(targets, servers, perHost.flat());
    const all = [...this.servers.values()];
    return targets.map((target) => ({
      host: target.host,
      since: target.since,
      notBefore: target.notBefore,
      // Deleted servers are listed by changes-since (status DELETED) but not by a host listing.
      onHost: all.filter((server) => server.host === target.host && server.status !== "DELETED"),
      evacuations: [...(this.migrations.get(target.host)?.values() ?? [])],
      changed: this.servers,
      tags: undefined,
      selection: target.selection,
    }));
  }
}

/** A probe: the evacuation records of one host changed since `sinceMs` (a few, where a look reads every server). */
export function probeEvacuations(openstack: OpenStack, host: string, sinceMs: number): Promise<Migration[]> {
  return openstack.compute.listEvacuations({ sourceCompute: host, changesSince: new Date(sinceMs).toISOString() });
}
