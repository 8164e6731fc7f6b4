// One run of the fault campaign, drawn from its seed alone: the cloud, the hosts that fail and the faults to inject.
import { Prng } from "../sim/prng.js";
import type { NetFaultKind } from "../sim/net-faults.js";

/** The fault kinds the campaign injects, declared once (summary and docs list them in this order). */
export const FAULT_KINDS = [
  "clock-skew",
  "whole-second-timestamps",
  "latency",
  "http-5xx",
  "http-timeout",
  "connection-reset",
  "keystone-outage",
  "glance-outage",
  "token-expiry",
  "sigkill",
  "two-monitors",
  "attrd-drop",
  "stray-task-state",
] as const;

/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How the instances are tagged evacuable. */
export type SelectionMix = "none" | "flavor" | "image" | "metadata" | "mixed";

/** A window relative to the first monitor's start. */
export interface Window {
  readonly startMs: number;
  readonly durationMs: number;
}

/** Everything one run does, decided before it starts. */
export interface Scenario {
  readonly seed: number;
  readonly hosts: number;
  readonly serversPerHost: number;
  /** Every n-th server is SHUTOFF (0: none). */
  readonly shutoffEvery: number;
  readonly selection: SelectionMix;
  /** 1-based server indexes (seed order) whose instance metadata says evacuable=true. */
  readonly metadataTagged: readonly number[];
  /** Hosts whose nova-compute dies and which fence_compute fences. */
  readonly fenced: readonly string[];
  readonly evacuateLatencyMs: number;
  readonly faults: readonly FaultKind[];
  /** Per agent process, the skew of its clock is drawn in [-skewMaxMs, skewMaxMs] (0: no skew). */
  readonly skewMaxMs: number;
  readonly wholeSeconds: boolean;
  readonly latency?: { readonly medianMs: number; readonly sigma: number; readonly maxMs: number };
  /** Random network faults: rate per request and the kinds drawn. */
  readonly network?: { readonly rate: number; readonly kinds: readonly NetFaultKind[]; readonly afterRate: number };
  readonly keystoneOutage?: Window & { readonly mode: NetFaultKind };
  readonly glanceOutage?: Window & { readonly mode: NetFaultKind };
  /** Every token is revoked at this time after the first monitor started (it expired in the middle of a pass). */
  readonly tokenExpiryAtMs?: number;
  /** The monitor of this index is killed with SIGKILL this long after it started. */
  readonly sigkill?: { readonly monitor: number; readonly afterMs: number };
  /** Monitors of these indexes run twice at once (the cluster's and an operator's --force-check). */
  readonly doubleMonitors: readonly number[];
  /** The fake attrd forgets this host's values at this time after the first monitor started. */
  readonly attrdDrop?: { readonly host: string; readonly atMs: number };
  /** 1-based server indexes on fenced hosts left with a stray task state when their host died. */
  readonly strayTaskStates: readonly { readonly index: number; readonly taskState: string }[];
}

/** Task states an instance may be left in when its host dies (none of them is an evacuation of ours). */
const STRAY_TASK_STATES = ["rebooting", "reboot_pending", "powering-off", "image_snapshot", "migrating"] as const;

/** How often each fault kind is drawn in a run. */
const FAULT_CHANCE: Record<FaultKind, number> = {
  "clock-skew": 0.5,
  "whole-second-timestamps": 0.85,
  latency: 0.5,
  "http-5xx": 0.3,
  "http-timeout": 0.15,
  "connection-reset": 0.25,
  "keystone-outage": 0.2,
  "glance-outage": 0.2,
  "token-expiry": 0.3,
  sigkill: 0.25,
  "two-monitors": 0.3,
  "attrd-drop": 0.25,
  "stray-task-state": 0.3,
};

function pick<T>(prng: Prng, items: readonly T[]): T {
  return items[prng.int(items.length)] as T;
}

/** An integer in [low, high]. */
function between(prng: Prng, low: number, high: number): number {
  return low + prng.int(high - low + 1);
}

/** Draws the run of `seed`; the same seed always gives the same scenario. */
export function drawScenario(seed: number): Scenario {
  const prng = new Prng(seed);
  const hosts = between(prng, 3, 4);
  const serversPerHost = between(prng, 3, 5);
  const fencedCount = hosts === 4 ? between(prng, 1, 2) : 1;
  const order = Array.from({ length: hosts }, (_, i) => `compute-${i + 1}`).sort(() => prng.next() - 0.5);
  const fenced = order.slice(0, fencedCount).sort();
  const faults = FAULT_KINDS.filter((kind) => prng.next() < FAULT_CHANCE[kind]);
  const has = (kind: FaultKind): boolean => faults.includes(kind);
  const selection = pick(prng, ["none", "flavor", "image", "metadata", "mixed"] as const);
  const total = hosts * serversPerHost;
  const metadataTagged = selection === "metadata" || selection === "mixed" ? Array.from({ length: total }, (_, i) => i + 1).filter(() => prng.next() < 0.35) : [];
  const fencedIndexes = fenced.flatMap((host) => {
    const k = Number(host.slice("compute-".length)) - 1;
    return Array.from({ length: serversPerHost }, (_, i) => k * serversPerHost + i + 1);
  });
  const networkKinds: NetFaultKind[] = [
    ...(has("http-5xx") ? (["500", "503"] as const) : []),
    ...(has("http-timeout") ? (["hang"] as const) : []),
    ...(has("connection-reset") ? (["reset"] as const) : []),
  ];
  const window = (maxStart: number, low: number, high: number): Window => ({ startMs: prng.int(maxStart), durationMs: between(prng, low, high) });
  return {
    seed,
    hosts,
    serversPerHost,
    shutoffEvery: pick(prng, [0, 3, 4]),
    selection,
    metadataTagged,
    fenced,
    evacuateLatencyMs: between(prng, 100, 400),
    faults,
    skewMaxMs: has("clock-skew") ? 10_000 : 0,
    wholeSeconds: has("whole-second-timestamps"),
    ...(has("latency") ? { latency: { medianMs: between(prng, 5, 60), sigma: 0.4 + prng.next(), maxMs: 1500 } } : {}),
    ...(networkKinds.length > 0 ? { network: { rate: 0.02 + prng.next() * 0.06, kinds: networkKinds, afterRate: 0.5 } } : {}),
    ...(has("keystone-outage") ? { keystoneOutage: { ...window(4000, 1000, 6000), mode: pick(prng, ["503", "reset"] as const) } } : {}),
    ...(has("glance-outage") ? { glanceOutage: { ...window(3000, 1000, 8000), mode: pick(prng, ["503", "reset", "hang"] as const) } } : {}),
    ...(has("token-expiry") ? { tokenExpiryAtMs: prng.int(5000) } : {}),
    ...(has("sigkill") ? { sigkill: { monitor: prng.int(2), afterMs: between(prng, 150, 3000) } } : {}),
    doubleMonitors: has("two-monitors") ? [prng.int(3)] : [],
    ...(has("attrd-drop") ? { attrdDrop: { host: pick(prng, fenced), atMs: prng.int(6000) } } : {}),
    strayTaskStates: has("stray-task-state")
      ? fencedIndexes.filter(() => prng.next() < 0.3).map((index) => ({ index, taskState: pick(prng, STRAY_TASK_STATES) }))
      : [],
  };
}
