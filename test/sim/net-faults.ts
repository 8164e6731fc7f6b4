// Network faults injected into API answers: a latency distribution, random 5xx / resets / hangs, service outages.
import type { Prng } from "./prng.js";

/** What can go wrong with one request. */
export const NET_FAULT_KINDS = ["500", "503", "reset", "hang"] as const;

/** One kind of network fault. */
export type NetFaultKind = (typeof NET_FAULT_KINDS)[number];

/** A service answering nothing useful between two real times (ms since the epoch). */
export interface Outage {
  readonly service: "identity" | "compute" | "image";
  readonly fromMs: number;
  readonly toMs: number;
  readonly mode: NetFaultKind;
}

/** Which faults to inject; every field is optional and off by default. */
export interface NetFaultPlan {
  /** Per-request extra latency, log-normal around medianMs (sigma in log space), capped at maxMs. */
  readonly latency?: { readonly medianMs: number; readonly sigma: number; readonly maxMs: number };
  /** Chance that a request of a faulty service gets a fault drawn from `kinds`. */
  readonly faultRate?: number;
  readonly kinds?: readonly NetFaultKind[];
  /** Services random faults apply to (default: identity, compute, image). */
  readonly services?: readonly string[];
  /** Chance that a fault on a POST/PUT hits after the service did the work (the answer is lost, the work is not). */
  readonly afterRate?: number;
  /** How long a hung request waits before its connection is closed (default 30 s). */
  readonly hangMs?: number;
  readonly outages?: readonly Outage[];
}

/** A fault to apply to one request. */
export interface NetFaultDecision {
  readonly kind: NetFaultKind;
  /** The request is processed, then its answer is replaced (or lost). */
  readonly after: boolean;
  /** 500/503: the HTTP status to answer. */
  readonly status?: number;
}

/** The plan in force, its random stream and how many faults of each kind it injected. */
export class NetFaultBook {
  private plan: NetFaultPlan = {};
  private injectedCounts: Record<string, number> = {};

  constructor(private prng: Prng) {}

  /** Restarts the random stream and removes the plan (on reseed). */
  restart(prng: Prng): void {
    this.prng = prng;
    this.set({});
  }

  /** Replaces the plan and zeroes the counters. */
  set(plan: NetFaultPlan): void {
    this.plan = plan;
    this.injectedCounts = {};
  }

  /** Faults injected so far, by kind ("outage:<service>" for answers an outage spoiled). */
  injected(): Record<string, number> {
    return { ...this.injectedCounts };
  }

  /** How long a hung request waits before its connection is closed. */
  hangMs(): number {
    return this.plan.hangMs ?? 30_000;
  }

  /** Extra latency for one request, drawn from the plan's distribution (0 without one). */
  latencyMs(): number {
    const latency = this.plan.latency;
    if (!latency) return 0;
    // Box-Muller: a standard normal from two uniforms.
    const normal = Math.sqrt(-2 * Math.log(1 - this.prng.next())) * Math.cos(2 * Math.PI * this.prng.next());
    return Math.min(latency.maxMs, latency.medianMs * Math.exp(latency.sigma * normal));
  }

  /** The fault for one request of `service`, if any. */
  draw(service: string, method: string, nowMs: number): NetFaultDecision | undefined {
    const outage = this.plan.outages?.find((o) => o.service === service && nowMs >= o.fromMs && nowMs < o.toMs);
    if (outage) return this.count(`outage:${service}`, { kind: outage.mode, after: false, ...statusOf(outage.mode) });
    const rate = this.plan.faultRate ?? 0;
    const kinds = this.plan.kinds ?? NET_FAULT_KINDS;
    if (rate <= 0 || kinds.length === 0 || !(this.plan.services ?? ["identity", "compute", "image"]).includes(service)) return undefined;
    if (this.prng.next() >= rate) return undefined;
    const kind = kinds[this.prng.int(kinds.length)] as NetFaultKind;
    const after = method !== "GET" && this.prng.next() < (this.plan.afterRate ?? 0);
    return this.count(after ? `${kind}-after` : kind, { kind, after, ...statusOf(kind) });
  }

  private count(key: string, decision: NetFaultDecision): NetFaultDecision {
    this.injectedCounts[key] = (this.injectedCounts[key] ?? 0) + 1;
    return decision;
  }
}

function statusOf(kind: NetFaultKind): { status?: number } {
  return kind === "500" ? { status: 500 } : kind === "503" ? { status: 503 } : {};
}
