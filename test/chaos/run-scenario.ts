// Plays one scenario: a simulated cloud, fence_compute off, NovaEvacuate monitors under faults, fence_compute on.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { FAKE_BIN, fakeAttrdAt } from "../fakes/fake-attrd.js";
import type { CloudSeed } from "../sim/cloud-seed.js";
import { startSimulator, type EvacuateRecord, type Outage, type SimServer } from "../sim/index.js";
import { Prng } from "../sim/prng.js";
import { BUNDLES, runAgent, type ActionResult } from "./agent-process.js";
import type { FaultKind, Scenario, Window } from "./scenario.js";

/** Pacemaker's operation timeouts and the monitor cadence of a run, short so that runs stay short. */
export const RUN_TIMING = {
  monitorTimeoutMs: 20_000,
  monitorIntervalMs: 1_000,
  fenceTimeoutMs: 30_000,
  /** A run stops starting monitors after this long or this many. */
  boundMs: 75_000,
  maxMonitors: 25,
} as const;

/** An instance of a failed host, as it was when its host failed. */
export interface InstanceAtFailure {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly vmState: string;
  readonly taskState: string | null;
  readonly flavorId: string;
  readonly imageId: string | null;
  readonly metadata: Readonly<Record<string, string>>;
}

/** An instance as it ended. */
export interface InstanceAtEnd {
  readonly id: string;
  readonly host: string | null;
  readonly vmState: string;
  readonly taskState: string | null;
}

/** A failed host as it ended. */
export interface HostAtEnd {
  readonly host: string;
  /** The service's disabled_reason once the monitors stopped (before fence_compute on). */
  readonly reason: string | null;
  readonly reasonHistory: readonly string[];
  /** attrd's evacuate value once the monitors stopped. */
  readonly attrd: string | undefined;
  /** fence_compute on, when it ran. */
  readonly on?: ActionResult;
}

/** What a run left behind: the simulator's records, the agents' outcomes and what failed instances were reported as. */
export interface RunRecord {
  readonly scenario: Scenario;
  /** Faults that actually happened in this run (a drawn fault may find nothing to hit). */
  readonly faults: readonly FaultKind[];
  readonly netFaults: Record<string, number>;
  readonly actions: readonly ActionResult[];
  readonly atFailure: readonly InstanceAtFailure[];
  readonly atEnd: readonly InstanceAtEnd[];
  readonly hosts: readonly HostAtEnd[];
  readonly evacuateRecords: readonly EvacuateRecord[];
  readonly taggedFlavorIds: readonly string[];
  readonly taggedImageIds: readonly string[];
  /** instance id → reason, from the agents' "instance not recovered" log lines. */
  readonly reportedFailed: Readonly<Record<string, string>>;
  readonly monitors: number;
  readonly doneAfterMs: number | undefined;
  readonly durationMs: number;
  readonly dir: string;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function cloudSeed(s: Scenario): CloudSeed {
  const tags: Partial<CloudSeed> =
    s.selection === "flavor" ? { taggedFlavor: true, taggedFlavorEvery: 3 }
    : s.selection === "image" ? { taggedImage: true, taggedImageEvery: 2 }
    : s.selection === "mixed" ? { taggedFlavor: true, taggedFlavorEvery: 4, taggedImage: true, taggedImageEvery: 5 }
    : {};
  return { hosts: s.hosts, serversPerHost: s.serversPerHost, ...(s.shutoffEvery > 0 ? { shutoffEvery: s.shutoffEvery } : {}), ...tags };
}

function outage(service: Outage["service"], window: (Window & { mode: Outage["mode"] }) | undefined, t0: number): Outage[] {
  return window ? [{ service, fromMs: t0 + window.startMs, toMs: t0 + window.startMs + window.durationMs, mode: window.mode }] : [];
}

/** instance id → reason of every "instance not recovered" line (any JSON log line with instance and reason, warn or worse). */
function reportedFailures(dir: string): Record<string, string> {
  const failed: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".log"))) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        const entry = JSON.parse(line) as { level?: number; instance?: unknown; reason?: unknown };
        if ((entry.level ?? 0) >= 40 && typeof entry.instance === "string" && typeof entry.reason === "string" && entry.reason !== "") failed[entry.instance] = entry.reason;
      } catch {
        // not a log line of ours
      }
    }
  }
  return failed;
}

/** Plays `scenario` in `dir` (created) and returns what happened. */
export async function runScenario(scenario: Scenario, dir: string): Promise<RunRecord> {
  const began = Date.now();
  mkdirSync(dir, { recursive: true });
  const prng = new Prng(scenario.seed).fork("run");
  const skew = (): number => (scenario.skewMaxMs > 0 ? Math.round((prng.next() * 2 - 1) * scenario.skewMaxMs) : 0);
  const sim = await startSimulator({
    seed: scenario.seed,
    evacuateLatencyMs: scenario.evacuateLatencyMs,
    evacuateJitterMs: scenario.evacuateLatencyMs / 2,
    subSecondTimestamps: !scenario.wholeSeconds,
    cloud: cloudSeed(scenario),
  });
  const attrd = fakeAttrdAt(join(dir, "attrd"));
  const stateDir = join(dir, "state");
  mkdirSync(stateDir, { recursive: true });
  const applied = new Set<FaultKind>(scenario.faults.filter((f) => ["clock-skew", "whole-second-timestamps", "latency", "http-5xx", "http-timeout", "connection-reset", "two-monitors"].includes(f)));
  const actions: ActionResult[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    const servers = sim.cloud.servers().sort((a, b) => a.seq - b.seq);
    for (const index of scenario.metadataTagged) {
      const server = servers[index - 1];
      if (server) sim.cloud.setServerMetadata(server.uuid, { evacuable: "true" });
    }
    const baseEnv: NodeJS.ProcessEnv = {
      PATH: `${FAKE_BIN}${delimiter}${process.env.PATH ?? ""}`,
      FAKE_ATTRD_DIR: attrd.dir,
      NOVA_HA_RUN_DIR: stateDir,
      HOME: stateDir,
      LANG: "C",
      NOVA_HA_LOG_FORMAT: "json",
    };
    const credentials = { auth_url: sim.authUrl, username: "admin", password: "secret", tenant_name: "admin", connect_timeout: "1", read_timeout: "2" };
    let seq = 0;
    const act = async (label: string, run: Omit<Parameters<typeof runAgent>[0], "label" | "logFile" | "skewMs">): Promise<ActionResult> => {
      const result = await runAgent({ ...run, label, logFile: join(dir, `${String(++seq).padStart(3, "0")}-${label}.log`), skewMs: skew() });
      actions.push(result);
      return result;
    };
    const fence = (host: string, action: "off" | "on"): Promise<ActionResult> =>
      act(`fence_compute-${action}-${host}`, {
        bundle: BUNDLES.fence_compute, argv: [], env: baseEnv, timeoutMs: RUN_TIMING.fenceTimeoutMs,
        stdin: `${Object.entries({ ...credentials, action, port: host }).map(([k, v]) => `${k}=${v}`).join("\n")}\n`,
      });
    const ocfEnv: NodeJS.ProcessEnv = {
      ...baseEnv, HA_RSCTMP: stateDir, OCF_RESOURCE_INSTANCE: "nova-evacuate", OCF_ROOT: "/usr/lib/ocf",
      ...Object.fromEntries(Object.entries({ ...credentials, poll_interval: "1", retry_backoff: "1", instance_timeout: "20" }).map(([k, v]) => [`OCF_RESKEY_${k}`, v])),
    };
    const ocf = (label: string, action: string, timeoutMs: number, interval: number, killAfterMs?: number): Promise<ActionResult> =>
      act(label, {
        bundle: BUNDLES.NovaEvacuate, argv: [action], timeoutMs, ...(killAfterMs !== undefined ? { killAfterMs } : {}),
        env: { ...ocfEnv, OCF_RESKEY_CRM_meta_timeout: String(timeoutMs), OCF_RESKEY_CRM_meta_interval: String(interval) },
      });

    // Network faults and latency hold from the start; outages are placed relative to the first monitor below.
    const plan = {
      ...(scenario.latency ? { latency: scenario.latency } : {}),
      ...(scenario.network ? { faultRate: scenario.network.rate, kinds: scenario.network.kinds, afterRate: scenario.network.afterRate, hangMs: 10_000 } : {}),
    };
    sim.cloud.netFaults.set(plan);
    // NovaEvacuate is started: its state file, as its start action writes it (a process less per run).
    writeFileSync(join(stateDir, "nova-evacuate.active"), `${new Date().toISOString()}\n`);

    // The hosts fail: nova-compute dies (some instances in the middle of a task), then Pacemaker fences them.
    const atFailure: InstanceAtFailure[] = [];
    for (const host of scenario.fenced) {
      sim.cloud.killHost(host);
      for (const stray of scenario.strayTaskStates) {
        const server = servers[stray.index - 1];
        if (server && server.host === host) {
          sim.cloud.setServerState(server.uuid, { taskState: stray.taskState });
          applied.add("stray-task-state");
        }
      }
      for (const s of sim.cloud.serversOnHost(host)) {
        atFailure.push({ id: s.uuid, name: s.name, host, vmState: s.vmState, taskState: s.taskState, flavorId: s.flavorId, imageId: s.imageId, metadata: { ...s.metadata } });
      }
      // pacemaker-fenced retries a fencing device that failed.
      for (let attempt = 0; attempt < 5 && (await fence(host, "off")).exitCode !== 0; attempt++) await sleep(500);
    }

    // Pacemaker's recurring monitor, every monitorIntervalMs after the previous one ended, plus the injected events.
    const t0 = Date.now();
    sim.cloud.netFaults.set({ ...plan, outages: [...outage("identity", scenario.keystoneOutage, t0), ...outage("image", scenario.glanceOutage, t0)] });
    if (scenario.tokenExpiryAtMs !== undefined) {
      timers.push(setTimeout(() => sim.cloud.identity.revokeAll() > 0 && applied.add("token-expiry"), scenario.tokenExpiryAtMs));
    }
    if (scenario.attrdDrop) {
      const drop = scenario.attrdDrop;
      timers.push(setTimeout(() => attrd.forget(drop.host).length > 0 && applied.add("attrd-drop"), drop.atMs));
    }
    const hostsDone = (): boolean =>
      scenario.fenced.every((host) => {
        const reason = sim.cloud.computeService(host)?.disabledReason ?? "";
        const value = attrd.value(host);
        return reason.startsWith("nova-ha:evacuated") && (value === undefined || value === "" || value === "no");
      });
    let monitors = 0;
    let doneAfterMs: number | undefined;
    while (monitors < RUN_TIMING.maxMonitors && Date.now() - t0 < RUN_TIMING.boundMs) {
      const index = monitors++;
      const copies = scenario.doubleMonitors.includes(index) ? 2 : 1;
      const killAfterMs = scenario.sigkill?.monitor === index ? scenario.sigkill.afterMs : undefined;
      const results = await Promise.all(
        Array.from({ length: copies }, (_, copy) => ocf(`monitor-${index}${copies > 1 ? `-${copy}` : ""}`, "monitor", RUN_TIMING.monitorTimeoutMs, 2000, copy === 0 ? killAfterMs : undefined)),
      );
      if (results.some((r) => r.killed)) applied.add("sigkill");
      if (hostsDone()) {
        doneAfterMs = Date.now() - t0;
        break;
      }
      await sleep(RUN_TIMING.monitorIntervalMs);
    }
    for (const timer of timers) clearTimeout(timer);
    const injected = sim.cloud.netFaults.injected();
    if (Object.keys(injected).some((k) => k.startsWith("outage:identity"))) applied.add("keystone-outage");
    if (Object.keys(injected).some((k) => k.startsWith("outage:image"))) applied.add("glance-outage");
    const atEnd: InstanceAtEnd[] = atFailure.map((i) => {
      const s: SimServer | undefined = sim.cloud.server(i.id);
      return { id: i.id, host: s?.host ?? null, vmState: s?.vmState ?? "deleted", taskState: s?.taskState ?? null };
    });
    const ends: Omit<HostAtEnd, "on">[] = scenario.fenced.map((host) => {
      const service = sim.cloud.services().find((s) => s.host === host && s.binary === "nova-compute");
      return { host, reason: service?.disabledReason ?? null, reasonHistory: service?.reasonHistory ?? [], attrd: attrd.value(host) };
    });
    // Unfencing, when the recovery is over (otherwise it would only wait out its timeout).
    sim.cloud.netFaults.set(plan);
    const hosts: HostAtEnd[] = [];
    for (const end of ends) hosts.push(doneAfterMs === undefined ? end : { ...end, on: await fence(end.host, "on") });
    return {
      scenario,
      faults: [...applied],
      netFaults: injected,
      actions,
      atFailure,
      atEnd,
      hosts,
      evacuateRecords: sim.cloud.evacuateRecords.all(),
      taggedFlavorIds: sim.cloud.flavors().filter((f) => /^(true|1|yes|on)$/i.test(f.extraSpecs.evacuable ?? "")).map((f) => f.id),
      taggedImageIds: sim.cloud.images().filter((i) => i.tags.includes("evacuable")).map((i) => i.id),
      reportedFailed: reportedFailures(dir),
      monitors,
      doneAfterMs,
      durationMs: Date.now() - began,
      dir,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await sim.stop();
  }
}
