// The recovery engine's test bench: the simulator, the real OpenStack client, and what the tests read back from them.
import { pino, type Logger } from "pino";
import { afterAll, beforeAll } from "vitest";
import { connectOpenStack, type OpenStackConnection } from "../../../src/openstack/connect.js";
import { resolveCloudConfig } from "../../../src/openstack/cloud-config.js";
import type { CloudConfig } from "../../../src/openstack/types.js";
import type { EngineRun } from "../../../src/recovery/engine/evacuate-hosts.js";
import { formatNovaMarker } from "../../../src/recovery/host/nova-marker.js";
import { DEFAULT_RECOVERY_OPTIONS } from "../../../src/recovery/engine/recovery-options.js";
import { startSimulator, type SimMigration } from "../../sim/index.js";

/** A running simulator. */
export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

/** A silent logger (set NOVA_HA_TEST_LOG=1 to see the engine's lines). */
export const quiet: Logger = pino({ level: process.env.NOVA_HA_TEST_LOG ? "debug" : "silent" }, pino.destination(2));

/** The simulator's admin credentials, resolved as the agents resolve theirs. */
export function simCloudConfig(sim: Simulator): CloudConfig {
  return resolveCloudConfig({
    explicit: { authUrl: sim.authUrl, username: "admin", password: "secret", projectName: "admin", interface: "public" },
    env: {},
    cloudsYamlPaths: [],
  });
}

/**
 * Evacuation latency of the tests' simulator. Not much lower: the simulator schedules a rebuild's steps as
 * separate timers, which Node may run out of order when its event loop lags, failing the rebuild spuriously.
 */
export const SIM_LATENCY_MS = 100;

/** Starts a simulator whose evacuations take about `latencyMs`. */
export async function startFastSimulator(latencyMs = SIM_LATENCY_MS): Promise<Simulator> {
  return startSimulator({ seed: 4, evacuateLatencyMs: latencyMs, evacuateJitterMs: latencyMs / 2 });
}

/** Runs `work` with the simulator's evacuations taking `latencyMs`, then puts back the suite's SIM_LATENCY_MS. */
export async function withEvacuationLatency<T>(sim: Simulator, latencyMs: number, work: () => Promise<T>): Promise<T> {
  sim.cloud.config.evacuateLatencyMs = latencyMs;
  try {
    return await work();
  } finally {
    sim.cloud.config.evacuateLatencyMs = SIM_LATENCY_MS;
  }
}

/** Connects the real client to the simulator. */
export function connect(sim: Simulator, tokenCachePath?: string): Promise<OpenStackConnection> {
  return connectOpenStack(simCloudConfig(sim), { logger: quiet, ...(tokenCachePath ? { tokenCachePath } : {}) });
}

/** A simulator and a client connected to it. */
export interface Bench {
  readonly sim: Simulator;
  readonly openstack: OpenStackConnection;
}

/** Starts a simulator and a client for the enclosing describe block, hands them to `use`, and stops both afterwards. */
export function useSimulator(use: (bench: Bench) => void, start: () => Promise<Simulator> = () => startFastSimulator()): void {
  let bench: Bench | undefined;
  beforeAll(async () => {
    const sim = await start();
    bench = { sim, openstack: await connect(sim) };
    use(bench);
  });
  afterAll(async () => {
    bench?.openstack.close();
    await bench?.sim.stop();
  });
}

/** Engine run settings scaled for the simulator: quick polls, short backoff, a generous deadline. */
export function simRun(overrides: Partial<EngineRun> = {}): EngineRun {
  return {
    ...DEFAULT_RECOVERY_OPTIONS,
    pollIntervalMs: 15,
    retryBackoffMs: 30,
    instanceTimeoutMs: 10_000,
    deadline: Date.now() + 15_000,
    signal: new AbortController().signal,
    waitForCompletion: true,
    ...overrides,
  };
}

/** What fence_compute leaves behind: nova-compute dead, forced down, disabled with our "fenced" marker. */
export async function fenceInSim(sim: Simulator, openstack: OpenStackConnection, host: string, options: { marker?: boolean } = {}): Promise<void> {
  sim.cloud.killHost(host);
  const [service] = await openstack.compute.listServices({ host });
  if (!service) throw new Error(`no service on ${host}`);
  const forced = await openstack.compute.forceDown(service, true);
  if (options.marker !== false) await openstack.compute.disable(forced, formatNovaMarker("fenced", new Date(Date.now() - 1000), { by: "test" }));
}

/** Evacuate requests the simulator received, per server id (whatever their answer). */
export function evacuatePosts(sim: Simulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of sim.cloud.requests()) {
    const match = /^\/compute\/v2\.1\/servers\/([^/?]+)\/action/.exec(entry.path);
    if (entry.method === "POST" && match) counts.set(match[1] as string, (counts.get(match[1] as string) ?? 0) + 1);
  }
  return counts;
}

/** The most evacuations that ran at once, from the migration records' start and finish times (finished ones only). */
export function peakInFlight(migrations: readonly { createdAt: number; updatedAt: number | null }[]): number {
  const events: [number, number][] = [];
  for (const m of migrations) events.push([m.createdAt, 1], [m.updatedAt ?? Number.POSITIVE_INFINITY, -1]);
  // At equal times count the finish first: a slot freed and reused in the same millisecond is not an overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, (now += delta));
  return peak;
}

/** Migration statuses after which Nova may be asked again. */
const FAILED = new Set(["failed", "error"]);

/** The evacuation records of each instance, oldest first. */
export function evacuationsByInstance(sim: Simulator): Map<string, SimMigration[]> {
  const byInstance = new Map<string, SimMigration[]>();
  for (const m of sim.cloud.migrations({ migrationType: "evacuation" })) byInstance.set(m.instanceUuid, [...(byInstance.get(m.instanceUuid) ?? []), m]);
  return byInstance;
}

/** Failed evacuations of one instance. */
export function failedEvacuations(sim: Simulator, id: string): number {
  return (evacuationsByInstance(sim).get(id) ?? []).filter((m) => FAILED.has(m.status)).length;
}

/** Instances evacuated twice: a second evacuation while one ran, or after one that did not fail. */
export function doubleEvacuations(sim: Simulator): string[] {
  const doubled: string[] = [];
  for (const [id, list] of evacuationsByInstance(sim)) {
    if (peakInFlight(list) > 1 || list.slice(0, -1).some((m) => !FAILED.has(m.status))) doubled.push(id);
  }
  return doubled;
}
