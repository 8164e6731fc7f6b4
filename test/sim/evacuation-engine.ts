// What Nova's conductor, scheduler and destination compute do after an accepted evacuate, step by step.
import type { SimMigration, SimServer } from "./cloud-model.js";
import { POWER_STATE } from "./cloud-model.js";
import type { EvacuationCloud } from "./evacuation-cloud.js";

/** An evacuation the API accepted. */
export interface EvacuateRequest {
  server: SimServer;
  /** Target host named by the caller. */
  requestedHost?: string;
  /** The target bypasses the scheduler (host given below 2.29, or force=true). */
  forced: boolean;
  /** onSharedStorage as sent (below 2.14); undefined lets the driver decide. */
  onSharedStorage?: boolean;
  /** Microversion 2.95+: the server ends up stopped. */
  stopAfter: boolean;
}

type JobState = "scheduling" | "placed" | "queued" | "rebuilding" | "lost" | "finished";

interface Job extends EvacuateRequest {
  migration: SimMigration;
  source: string;
  latencyMs: number;
  slowMs: number;
  failRebuild: boolean;
  noValidHost: boolean;
  dest?: string;
  state: JobState;
}

/** Fractions of the evacuation latency at which each step happens; at "schedule" the destination claims it (pre-migrating). */
export const STEP_AT = { schedule: 0.25, blockDevices: 0.45, spawning: 0.6, done: 1.0 } as const;

/** How often a rebuild held by config.evacuateHold looks whether it may land. */
const HOLD_RECHECK_MS = 100;

const NO_VALID_HOST = "No valid host was found. There are not enough hosts available.";
const INVALID_SHARED_STORAGE = "Invalid state of instance files on shared storage";

/** Runs accepted evacuations to done, failed or error, with Nova's state transitions. */
export class EvacuationEngine {
  private jobs = new Set<Job>();
  private claims = new Map<string, number>();
  private placingNow = new Map<string, number>();
  private placingPeak = { total: 0, bySource: new Map<string, number>() };

  constructor(private readonly cloud: EvacuationCloud) {}

  /** Evacuations accepted and not yet finished (queued for a dead destination included, lost ones not). */
  get inFlight(): number {
    let n = 0;
    for (const j of this.jobs) if (j.state !== "lost") n++;
    return n;
  }

  /** Evacuations whose destination died mid-rebuild: stuck in REBUILD like in Nova. */
  get lost(): number {
    let n = 0;
    for (const j of this.jobs) if (j.state === "lost") n++;
    return n;
  }

  /** Forgets every job (timers are cleared by the caller). */
  reset(): void {
    this.jobs.clear();
    this.claims.clear();
    this.placingNow.clear();
    this.placingPeak = { total: 0, bySource: new Map() };
  }

  /**
   * The most evacuations that were being placed at once (accepted, not yet claimed by a destination or failed),
   * in all and per source host, since the last reset: what a client's placing limits must keep within.
   */
  placingPeaks(): { total: number; bySource: Record<string, number> } {
    return { total: this.placingPeak.total, bySource: Object.fromEntries(this.placingPeak.bySource) };
  }

  /** Counts a job into or out of the placing phase. */
  private placing(job: Job, delta: 1 | -1): void {
    const now = (this.placingNow.get(job.source) ?? 0) + delta;
    this.placingNow.set(job.source, now);
    if (delta < 0) return;
    this.placingPeak.bySource.set(job.source, Math.max(this.placingPeak.bySource.get(job.source) ?? 0, now));
    let total = 0;
    for (const n of this.placingNow.values()) total += n;
    this.placingPeak.total = Math.max(this.placingPeak.total, total);
  }

  /** The API part: task_state rebuilding and an "accepted" migration; the rest runs on timers. */
  start(req: EvacuateRequest): SimMigration {
    const { cloud } = this;
    const server = req.server;
    const source = server.host ?? "";
    const config = cloud.config;
    cloud.serverStore.update(server, { taskState: "rebuilding" });
    const migration = cloud.migrationStore.create({
      instanceUuid: server.uuid,
      sourceCompute: source,
      sourceNode: server.node,
      destCompute: req.requestedHost ?? null,
      destNode: null,
      destHost: null,
      status: "accepted",
      migrationType: "evacuation",
      projectId: server.projectId,
      userId: server.userId,
    });
    const latencyMs = config.evacuateLatencyMs + cloud.behaviour.next() * config.evacuateJitterMs;
    const slow = cloud.failures.draw("slow-rebuild", server, source);
    const job: Job = {
      ...req,
      migration,
      source,
      latencyMs,
      slowMs: slow ? (slow.delayMs ?? latencyMs * 10) : 0,
      failRebuild: cloud.failures.draw("migration-fail", server, source) !== undefined,
      noValidHost: cloud.failures.draw("no-valid-host", server, source) !== undefined,
      state: "scheduling",
    };
    this.jobs.add(job);
    this.placing(job, 1);
    cloud.timers.after(latencyMs * STEP_AT.schedule, () => this.schedule(job));
    return migration;
  }

  /** A destination died: rebuilds running there are lost (the server stays in REBUILD). */
  onHostKilled(host: string): void {
    for (const job of this.jobs) {
      if (job.dest === host && job.state === "rebuilding") {
        job.state = "lost";
        this.release(job);
      }
    }
  }

  /** A destination came back: rebuild requests queued for it are delivered. */
  onHostRevived(host: string): void {
    for (const job of this.jobs) if (job.dest === host && job.state === "queued") this.claim(job);
  }

  private load(host: string): number {
    return this.cloud.serverStore.countOnHost(host) + (this.claims.get(host) ?? 0);
  }

  private hasRoom(host: string): boolean {
    const capacity = this.cloud.host(host)?.capacity;
    return capacity === undefined || this.load(host) < capacity;
  }

  private pickHost(job: Job): string | undefined {
    const { cloud } = this;
    if (job.noValidHost) return undefined;
    if (job.forced && job.requestedHost !== undefined) return this.hasRoom(job.requestedHost) ? job.requestedHost : undefined;
    const candidates: string[] = [];
    for (const svc of cloud.serviceRecords()) {
      if (svc.binary !== "nova-compute" || svc.disabled || svc.host === job.source || cloud.config.unschedulable[svc.host]) continue;
      if (job.requestedHost !== undefined && svc.host !== job.requestedHost) continue;
      if (!cloud.serviceIsUp(svc) || !this.hasRoom(svc.host)) continue;
      candidates.push(svc.host);
    }
    if (candidates.length === 0) return undefined;
    let best = Infinity;
    let ties: string[] = [];
    for (const host of candidates) {
      const load = this.load(host);
      if (load < best) [best, ties] = [load, [host]];
      else if (load === best) ties.push(host);
    }
    return ties[cloud.behaviour.int(ties.length)];
  }

  private schedule(job: Job): void {
    if (!this.jobs.has(job)) return;
    this.placing(job, -1);
    job.state = "placed";
    if (job.server.deleted) return this.finish(job);
    const dest = this.pickHost(job);
    if (dest === undefined) {
      this.cloud.migrationStore.save(job.migration, { status: "error" });
      this.setError(job, NO_VALID_HOST);
      return this.finish(job);
    }
    job.dest = dest;
    this.claims.set(dest, (this.claims.get(dest) ?? 0) + 1);
    if (this.cloud.processAlive(dest)) this.claim(job);
    else job.state = "queued";
  }

  private claim(job: Job): void {
    const dest = job.dest ?? "";
    job.state = "rebuilding";
    this.cloud.migrationStore.save(job.migration, { destCompute: dest, destNode: dest, destHost: this.cloud.host(dest)?.ip ?? null, status: "pre-migrating" });
    // Each step schedules the next one, so the order holds however late the timers fire.
    const { timers } = this.cloud;
    const gap = (from: number, to: number): number => job.latencyMs * (to - from);
    timers.after(gap(STEP_AT.schedule, STEP_AT.blockDevices), () => {
      if (!this.step(job, "rebuilding", "rebuild_block_device_mapping")) return;
      timers.after(gap(STEP_AT.blockDevices, STEP_AT.spawning), () => {
        if (!this.step(job, "rebuild_block_device_mapping", "rebuild_spawning")) return;
        timers.after(gap(STEP_AT.spawning, STEP_AT.done) + job.slowMs, () => this.landWhenReleased(job));
      });
    });
  }

  /** One task_state transition on the destination; false if the rebuild cannot go on. */
  private step(job: Job, expected: string, next: string | null): boolean {
    if (job.state !== "rebuilding") return false;
    if (job.server.deleted || job.server.taskState !== expected) {
      this.fail(job, `Conflict updating instance ${job.server.uuid}. Expected: {'task_state': ['${expected}']}. Actual: {'task_state': ${job.server.taskState === null ? "None" : `'${job.server.taskState}'`}}`);
      return false;
    }
    if (expected === "rebuilding") {
      const sharedMismatch = job.onSharedStorage !== undefined && job.onSharedStorage !== this.cloud.sharedStorage;
      if (job.failRebuild || sharedMismatch) {
        this.fail(job, sharedMismatch ? INVALID_SHARED_STORAGE : "Injected failure: rebuild failed on the destination");
        return false;
      }
    }
    if (next !== null) this.cloud.serverStore.update(job.server, { taskState: next });
    return true;
  }

  /** Lands the rebuild, unless evacuations are held (config.evacuateHold): then it looks again shortly. */
  private landWhenReleased(job: Job): void {
    if (this.cloud.config.evacuateHold) return this.cloud.timers.after(HOLD_RECHECK_MS, () => this.landWhenReleased(job));
    this.land(job);
  }

  private land(job: Job): void {
    if (!this.step(job, "rebuild_spawning", null)) return;
    const dest = job.dest ?? "";
    const stopped = job.server.vmState === "stopped" || job.stopAfter;
    this.cloud.serverStore.update(job.server, {
      vmState: stopped ? "stopped" : "active",
      powerState: stopped ? POWER_STATE.SHUTDOWN : POWER_STATE.RUNNING,
      taskState: null,
      host: dest,
      node: dest,
      launchedAt: this.cloud.stamp(this.cloud.clock.now()),
    });
    delete job.server.fault;
    this.cloud.migrationStore.save(job.migration, { status: "done" });
    this.finish(job);
  }

  private fail(job: Job, message: string): void {
    this.cloud.migrationStore.save(job.migration, { status: "failed" });
    if (!job.server.deleted) this.setError(job, message);
    this.finish(job);
  }

  private setError(job: Job, message: string): void {
    this.cloud.serverStore.update(job.server, { vmState: "error", taskState: null });
    job.server.fault = { code: 500, message, details: `Evacuation of ${job.server.uuid} from ${job.source} failed`, createdAt: this.cloud.stamp(this.cloud.clock.now()) };
  }

  private release(job: Job): void {
    if (job.dest !== undefined) this.claims.set(job.dest, Math.max(0, (this.claims.get(job.dest) ?? 1) - 1));
  }

  private finish(job: Job): void {
    if (job.state === "scheduling") this.placing(job, -1);
    if (job.state === "rebuilding" || job.state === "queued") this.release(job);
    job.state = "finished";
    this.jobs.delete(job);
  }
}
