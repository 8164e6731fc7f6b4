// The simulator as the benchmark drives it: in-process, re-seeded per scenario, read directly for counters and recovery.
import { type CloudSeed, type Simulator, startSimulator } from "../../test/sim/index.js";
import { calibratedApiLatency } from "../../test/sim/api-latency.js";
import type { RequestCounts } from "../../test/sim/request-log.js";

/** Simulator settings the benchmark varies. */
export interface BenchSimOptions {
  latencyMs: number;
  jitterMs: number;
  seed: number;
  /** Response times per route: the real Nova lab's ("calibrated") or none. */
  apiLatency: "calibrated" | "none";
}

/** Which instances a failure displaced, and whether they run again elsewhere. */
export interface RecoveryTracker {
  readonly total: number;
  /** Instances back to their old state on another host, with no task running. */
  recovered(): number;
  /** Still on one of the failed hosts. */
  leftOnFailedHosts(): number;
}

/** Nova + Keystone (+ Glance) requests, by route; totals exclude nothing. */
export interface RequestTally {
  total: number;
  /** identity + compute. */
  novaKeystone: number;
  byService: Record<string, number>;
  byRoute: Record<string, number>;
}

/** Credentials of the simulator's default admin. */
export const SIM_CREDENTIALS = { username: "admin", password: "secret", project: "admin" } as const;

/** A started simulator with the operations the figures need. */
export class BenchSim {
  private constructor(private readonly sim: Simulator) {}

  /** Starts one on a free loopback port. */
  static async start(options: BenchSimOptions): Promise<BenchSim> {
    const sim = await startSimulator({
      seed: options.seed,
      evacuateLatencyMs: options.latencyMs,
      evacuateJitterMs: options.jitterMs,
      cloud: { hosts: 1, serversPerHost: 0 },
    });
    if (options.apiLatency === "calibrated") sim.cloud.config.routeDelayMs = calibratedApiLatency().routeDelayMs;
    return new BenchSim(sim);
  }

  get authUrl(): string {
    return this.sim.authUrl;
  }

  get baseUrl(): string {
    return this.sim.baseUrl;
  }

  /** Replaces the cloud; counters start from zero. */
  seed(cloud: CloudSeed): void {
    this.sim.cloud.seed(cloud);
    this.sim.cloud.resetCounts();
  }

  /** Changes evacuation latency / Nova max_limit for the next scenario. */
  configure(patch: { latencyMs?: number; jitterMs?: number; maxLimit?: number }): void {
    const config = this.sim.cloud.config;
    if (patch.latencyMs !== undefined) config.evacuateLatencyMs = patch.latencyMs;
    if (patch.jitterMs !== undefined) config.evacuateJitterMs = patch.jitterMs;
    if (patch.maxLimit !== undefined) config.maxLimit = patch.maxLimit;
  }

  get config(): { latencyMs: number; jitterMs: number; maxLimit: number } {
    const c = this.sim.cloud.config;
    return { latencyMs: c.evacuateLatencyMs, jitterMs: c.evacuateJitterMs, maxLimit: c.maxLimit };
  }

  /** The host's nova-compute process dies (its heartbeat stops), as in a real failure. */
  kill(host: string): void {
    this.sim.cloud.killHost(host);
  }

  /** Kills a host and fences it in Nova directly (forced down + disabled), without any agent. */
  fenceDirectly(host: string): void {
    this.kill(host);
    const service = this.sim.cloud.computeService(host);
    if (!service) throw new Error(`no nova-compute on ${host}`);
    service.forcedDown = true;
    service.disabled = true;
    this.sim.cloud.touchService(service);
  }

  resetCounts(): void {
    this.sim.cloud.resetCounts();
  }

  /** The counters since the last reset. */
  counts(): RequestTally {
    return tally(this.sim.cloud.counts());
  }

  /** No evacuation is in flight. */
  idle(): boolean {
    return this.sim.cloud.idle();
  }

  /** Starts following the instances now on `hosts`. */
  track(hosts: readonly string[]): RecoveryTracker {
    const cloud = this.sim.cloud;
    const failed = new Set(hosts);
    const watched = hosts.flatMap((host) => cloud.serverStore.onHost(host).map((s) => ({ uuid: s.uuid, vmState: s.vmState })));
    const isRecovered = (w: { uuid: string; vmState: string }): boolean => {
      const s = cloud.serverStore.get(w.uuid);
      return s !== undefined && s.host !== null && !failed.has(s.host) && s.taskState === null && s.vmState === w.vmState;
    };
    return {
      total: watched.length,
      recovered: () => watched.filter(isRecovered).length,
      leftOnFailedHosts: () => watched.filter((w) => failed.has(cloud.serverStore.get(w.uuid)?.host ?? "")).length,
    };
  }

  /** Size in bytes of one answer, fetched as the peers would (for the economy notes). */
  async responseBytes(path: string, microversion: string): Promise<number> {
    const auth = await fetch(`${this.authUrl}/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: { methods: ["password"], password: { user: { name: SIM_CREDENTIALS.username, domain: { name: "Default" }, password: SIM_CREDENTIALS.password } } },
          scope: { project: { name: SIM_CREDENTIALS.project, domain: { name: "Default" } } },
        },
      }),
    });
    const token = auth.headers.get("x-subject-token") ?? "";
    const answer = await fetch(`${this.baseUrl}${path}`, { headers: { "X-Auth-Token": token, "OpenStack-API-Version": `compute ${microversion}` } });
    return (await answer.arrayBuffer()).byteLength;
  }

  async stop(): Promise<void> {
    await this.sim.stop();
  }
}

/** Folds the simulator's counters into a tally. */
export function tally(counts: RequestCounts): RequestTally {
  const by = counts.byService;
  return { total: counts.total, novaKeystone: (by.identity ?? 0) + (by.compute ?? 0), byService: { ...by }, byRoute: { ...counts.byRoute } };
}
