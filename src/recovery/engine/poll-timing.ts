// When to check on Nova again: light probes of the hosts whose evacuations holding a slot are expected to release it,
// then while they run late or before anything is learned; a look soon after a probe sees a release, and at least
// every poll interval.
//
// Load on Nova, worst case (H failed hosts): a probe (one GET /os-migrations per host probed, only records changed in
// the last seconds) at most every PROBE_MS = 100 ms, one host at a time except the probe of a batch just due, which
// reads each of the batch's hosts (H at most; batches start at least BATCH_MS = 150 ms apart); and a look (H + 1
// requests; every 30 s a full one, 2H + 1) at most every LOOK_GAP_MS = 150 ms: 10 + 6.7 (2H + 1) small requests/s,
// each reading only recent changes. Probes run only while an evacuation is due: before any duration is learned
// (spaced by 1/25 of the time waited so far, 100 ms to half the poll interval), and up to DUE_WINDOW_MS after an
// expected release. Typical: one due probe and one look per batch of releases.
import type { Migration } from "../../openstack/types.js";
import { MIGRATION_FAILED } from "./instance-state.js";
import { latestByInstance } from "./latest-migration.js";
import type { HostSnapshot } from "./plan-host.js";
import { novaTimeMs } from "../../openstack/nova-time.js";

/** Shortest time between the starts of two checks (probe or look). */
const PROBE_MS = 100;
/** Shortest time between the starts of two looks. */
const LOOK_GAP_MS = 150;
/** Before anything is learned, a probe waits this fraction of the time the oldest evacuation has run so far. */
const UNLEARNED_FRACTION = 1 / 25;
/** Evacuations expected to release their slot within this long of the earliest one are checked together. */
const BATCH_MS = 150;
/** How long after its expected release an evacuation is probed for; later, it is left to the poll interval. */
const DUE_WINDOW_MS = 1_500;
/** Durations kept: the most recent ones, so the estimate follows a Nova that slows down or speeds up. */
const KEPT_SAMPLES = 64;
/** Probes ask for records changed since this long before the oldest evacuation watched (clock skew, whole seconds). */
const PROBE_SLACK_MS = 5_000;
/** Migration statuses of an evacuation that is over: its slot is free whatever the engine counts. */
const OVER: ReadonlySet<string> = new Set(["done", "completed", ...MIGRATION_FAILED]);
/** The status of an evacuation whose record no listing has shown yet (Nova lists only records updated since). */
const UNSEEN = "";

/** A closed interval of epoch milliseconds. */
type Span = readonly [number, number];

/** When a look or probe ran, on our clock. */
export interface CheckWindow {
  readonly startedAt: number;
  readonly endedAt: number;
}

/** One host a probe reads: its evacuation records changed since `sinceMs`. */
export interface ProbeTarget {
  readonly host: string;
  readonly sinceMs: number;
}

/** What to do next, and when (epoch ms). A probe reads the recently changed evacuations of a few hosts. */
export type NextCheck =
  | { readonly kind: "look"; readonly at: number }
  | { readonly kind: "probe"; readonly at: number; readonly targets: readonly ProbeTarget[] };

/** An evacuation holding a slot: when Nova created it, as far as we know, when it last held it, its last status. */
interface Watched {
  readonly host: string;
  readonly start: Span;
  lastHeld: number;
  status: string;
}

/** The span a Nova time stands for: Nova stores whole seconds on most databases ("...:02.000000"), else milliseconds. */
export function novaSpan(time: string | null | undefined): Span | undefined {
  const ms = novaTimeMs(time);
  if (!(ms > 0)) return undefined;
  const wholeSecond = !/\.\d*[1-9]/.test(time ?? "");
  return [ms, ms + (wholeSecond ? 1_000 : 1)];
}

/** The overlap of two spans; the first alone when they do not overlap (clocks apart, a later update) or the second is unknown. */
function intersect(own: Span, nova: Span | undefined): Span {
  if (!nova) return own;
  const lo = Math.max(own[0], nova[0]);
  const hi = Math.min(own[1], nova[1]);
  return lo <= hi ? [lo, hi] : own;
}

const mid = (span: Span): number => (span[0] + span[1]) / 2;

/**
 * Learns how long an evacuation holds its slot (what frees it is the engine's call: the looks say which still hold
 * one) and says when to check again. A duration is the release minus the start, each the middle of what every source
 * allows: our own clock (the request sent and answered; the last check that saw the slot held and the first look that
 * saw it free) and Nova's timestamps, which are whole seconds on a real Nova. Probes cannot tell a release; they
 * watch for the status changes that came with releases so far (any change, before the first release).
 */
export class EvacuationClock {
  private readonly watched = new Map<string, Watched>();
  private readonly samples: number[] = [];
  /** Statuses the evacuations had when a look first saw their slot free. */
  private readonly releasing = new Set<string>();
  private lastLookAt = Number.NEGATIVE_INFINITY;
  private lastCheckAt = Number.NEGATIVE_INFINITY;
  /** A probe saw a status change that may have freed a slot since the last look. */
  private changeSeen = false;

  /** Records that Nova accepted an evacuation of `instanceId` from `host`: request sent at `sentAt`, answered at `acceptedAt`. */
  submitted(instanceId: string, host: string, sentAt: number, acceptedAt: number): void {
    this.watched.set(instanceId, { host, start: [sentAt, acceptedAt], lastHeld: sentAt, status: UNSEEN });
  }

  /** Reads a look: `holding` are the instances whose evacuation counts against the limits. */
  observeLook(snapshots: readonly HostSnapshot[], holding: ReadonlySet<string>, window: CheckWindow): void {
    this.lastLookAt = window.startedAt;
    this.lastCheckAt = Math.max(this.lastCheckAt, window.startedAt);
    this.changeSeen = false;
    const latest = new Map<string, { host: string; migration: Migration }>();
    for (const snapshot of snapshots) {
      for (const [id, migration] of latestByInstance(snapshot.evacuations)) latest.set(id, { host: snapshot.host, migration });
    }
    for (const id of holding) {
      const seen = latest.get(id);
      // Started before this process (a resumed pass): it counts from Nova's creation time.
      const start = novaSpan(seen?.migration.createdAt);
      if (!this.watched.has(id) && seen && start) this.watched.set(id, { host: seen.host, start, lastHeld: start[0], status: seen.migration.status });
    }
    for (const [id, watched] of this.watched) {
      const migration = latest.get(id)?.migration;
      if (holding.has(id)) {
        watched.lastHeld = Math.max(watched.lastHeld, window.startedAt);
        watched.status = migration?.status ?? watched.status;
      } else {
        this.released(id, watched, migration, window);
      }
    }
  }

  /** Reads a probe of one host's recently changed evacuations; true when one of them may have freed a slot. */
  observeProbe(host: string, migrations: readonly Migration[], window: CheckWindow): boolean {
    this.lastCheckAt = Math.max(this.lastCheckAt, window.startedAt);
    const latest = latestByInstance(migrations);
    let changed = false;
    for (const [id, watched] of this.watched) {
      if (watched.host !== host) continue;
      // Absent: not updated lately, so unchanged.
      const status = latest.get(id)?.status ?? watched.status;
      const releases = this.releasing.size === 0 || this.releasing.has(status) || OVER.has(status);
      if (status !== watched.status && releases) {
        changed = true;
      } else {
        watched.status = status;
        watched.lastHeld = Math.max(watched.lastHeld, window.startedAt);
      }
    }
    if (changed) this.changeSeen = true;
    return changed;
  }

  /** The typical time an evacuation holds its slot: the median of the recent ones measured here. */
  typicalMs(): number | undefined {
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted.length === 0 ? undefined : sorted[Math.floor(sorted.length / 2)];
  }

  /**
   * The next check: a look when a probe saw a status change that may free a slot; a probe of every host of a batch
   * expected to have released its slots when nothing has been checked since, then of its first host every PROBE_MS
   * while the batch is overdue (for DUE_WINDOW_MS) or, before anything is learned, spaced by UNLEARNED_FRACTION of
   * the time waited; a look at the latest `pollIntervalMs` after the previous one.
   */
  nextCheck(now: number, pollIntervalMs: number): NextCheck {
    const safety: NextCheck = { kind: "look", at: Math.max(now, this.lastLookAt + pollIntervalMs) };
    const soon: NextCheck = { kind: "look", at: Math.max(now, this.lastLookAt + LOOK_GAP_MS) };
    if (this.changeSeen) return soon.at < safety.at ? soon : safety;
    if (this.watched.size === 0) return safety;
    const typical = this.typicalMs();
    const earliestProbe = Math.max(now, this.lastCheckAt + PROBE_MS);
    let next: NextCheck;
    if (typical === undefined) {
      const [host, oldest] = this.oldest();
      const pause = Math.min(pollIntervalMs / 2, Math.max(PROBE_MS, (now - oldest) * UNLEARNED_FRACTION));
      next = this.probe([host], Math.max(earliestProbe, this.lastCheckAt + pause));
    } else {
      const expected = [...this.watched.values()]
        .map((watched) => ({ host: watched.host, at: mid(watched.start) + typical }))
        .filter((item) => item.at + DUE_WINDOW_MS > now)
        .sort((a, b) => a.at - b.at);
      const first = expected[0];
      if (!first) return safety;
      const batch = expected.filter((item) => item.at <= first.at + BATCH_MS);
      const batchEnd = Math.max(...batch.map((item) => item.at));
      // Not checked since the batch was due: probe each of its hosts then. Checked and still held: its first host.
      next = this.lastCheckAt < batchEnd
        ? this.probe([...new Set(batch.map((item) => item.host))], Math.max(batchEnd, earliestProbe))
        : this.probe([first.host], earliestProbe);
    }
    return next.at < safety.at ? next : safety;
  }

  /** A probe of `hosts` at `at`, each read from shortly before its oldest evacuation watched. */
  private probe(hosts: readonly string[], at: number): NextCheck {
    const targets = hosts.map((host) => {
      const starts = [...this.watched.values()].filter((watched) => watched.host === host).map((watched) => watched.start[0]);
      return { host, sinceMs: Math.floor((Math.min(...starts) - PROBE_SLACK_MS) / 1_000) * 1_000 };
    });
    return { kind: "probe", at, targets };
  }

  /** The host of the evacuation watched the longest, and when it started. */
  private oldest(): [string, number] {
    let found: [string, number] = ["", Number.POSITIVE_INFINITY];
    for (const watched of this.watched.values()) if (watched.start[0] < found[1]) found = [watched.host, watched.start[0]];
    return found;
  }

  /** Forgets an evacuation whose slot is free; keeps how long it held it unless the attempt failed. */
  private released(id: string, watched: Watched, migration: Migration | undefined, window: CheckWindow): void {
    this.watched.delete(id);
    const status = migration?.status ?? watched.status;
    this.releasing.add(status);
    // A failed attempt frees its slot, but its duration says nothing about the next ones.
    if (MIGRATION_FAILED.has(status)) return;
    const release = intersect([watched.lastHeld, window.endedAt], novaSpan(migration?.updatedAt));
    const start = intersect(watched.start, novaSpan(migration?.createdAt));
    const duration = mid(release) - mid(start);
    if (!(duration > 0)) return;
    this.samples.push(duration);
    if (this.samples.length > KEPT_SAMPLES) this.samples.shift();
  }
}
