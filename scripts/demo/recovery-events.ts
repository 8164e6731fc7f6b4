// The milestones of a compute node's failure and return, detected from successive snapshots (pure).
import { remoteOnline } from "../../test/lab/pacemaker/cluster-status.js";
import type { InstanceRow } from "./instance-phase.js";
import { NOVA_COMPUTE_CLONE } from "./host-view.js";
import type { Snapshot } from "./observe.js";

/** The fence_compute device of docs/deploy.md (step 4); every other device of a level is the node's power device. */
export const FENCE_NOVA = "fence-nova";

/** The milestones, in the order they normally happen. */
export const MILESTONES = [
  "powered-off", "fenced-power", "fenced-nova", "flagged", "first-evacuation", "all-recovered", "flag-no",
  "powered-on", "unfenced", "rejoined", "nova-compute-started", "in-service",
] as const;

/** One milestone. */
export type Milestone = (typeof MILESTONES)[number];

/** A milestone reached, with its time (from a log or a record where there is one, else when it was seen). */
export interface MilestoneEvent {
  readonly milestone: Milestone;
  readonly label: string;
  readonly at: number;
}

/** What detection looks at. */
export interface DetectInput {
  readonly snapshot: Snapshot;
  readonly host: string;
  /** When the node was powered off. */
  readonly killAt: number;
  readonly rows: readonly InstanceRow[];
  /** Milestones already reached. */
  readonly reached: ReadonlySet<Milestone>;
}

/** The first successful device operation on the host matching a predicate, by finish time. */
function fenceDone(input: DetectInput, action: string, fenceNova: boolean): { at: number; device: string } | undefined {
  const op = input.snapshot.fenceOps.find((o) => o.target === input.host && o.action === action && o.rc === 0 && o.finishedAt !== undefined && (o.device === FENCE_NOVA) === fenceNova);
  return op?.finishedAt !== undefined ? { at: op.finishedAt, device: op.device } : undefined;
}

/** Each milestone's check: undefined while not reached, else its label and time. */
const CHECKS: Record<Exclude<Milestone, "powered-off">, (input: DetectInput) => { label: string; at: number } | undefined> = {
  "fenced-power": (input) => {
    const op = fenceDone(input, "off", false);
    return op && { label: `${input.host} fenced by its power device (${op.device} off)`, at: op.at };
  },
  "fenced-nova": (input) => {
    const op = fenceDone(input, "off", true);
    return op && { label: `fence_compute off (${FENCE_NOVA}): forced down, disabled, flagged`, at: op.at };
  },
  flagged: (input) => {
    const value = input.snapshot.attrd.get(input.host) ?? "";
    return value !== "" && value !== "no" ? { label: `flagged in attrd (evacuate=${value})`, at: input.snapshot.at } : undefined;
  },
  "first-evacuation": (input) => {
    const created = input.snapshot.migrations.map((m) => m.createdAt).filter((at) => at >= input.killAt);
    return created.length > 0 ? { label: "first evacuation accepted by Nova", at: Math.min(...created) } : undefined;
  },
  "all-recovered": (input) => {
    if (input.rows.length === 0 || !input.rows.every((row) => row.phase === "recovered")) return undefined;
    const last = Math.max(...input.rows.map((row) => row.recoveredAt ?? input.snapshot.at));
    return { label: `all ${input.rows.length} instances recovered`, at: Math.min(last, input.snapshot.at) };
  },
  // "no", or already gone once every instance is back: unfencing and the node's reconnect may remove it between two looks.
  "flag-no": (input) => {
    if (!input.reached.has("flagged")) return undefined;
    const value = input.snapshot.attrd.get(input.host) ?? "";
    if (value === "no") return { label: "flag cleared in attrd (evacuate=no)", at: input.snapshot.at };
    return value === "" && input.reached.has("all-recovered") ? { label: "flag cleared in attrd (evacuate removed)", at: input.snapshot.at } : undefined;
  },
  "powered-on": (input) => {
    const op = fenceDone(input, "on", false);
    return op && { label: `${input.host} powered on by unfencing (${op.device} on)`, at: op.at };
  },
  unfenced: (input) => {
    const op = fenceDone(input, "on", true);
    return op && { label: `${input.host} unfenced (${FENCE_NOVA} on): evacuation done, enabled`, at: op.at };
  },
  rejoined: (input) =>
    input.reached.has("fenced-power") && input.snapshot.status && remoteOnline(input.snapshot.status, input.host)
      ? { label: `${input.host} back online in Pacemaker`, at: input.snapshot.at }
      : undefined,
  "nova-compute-started": (input) => {
    const status = input.snapshot.status;
    if (!input.reached.has("rejoined") || !status) return undefined;
    const started = status.resources.some((r) => r.clone === NOVA_COMPUTE_CLONE && r.role === "Started" && !r.pending && r.nodes.includes(input.host));
    return started ? { label: `NovaCompute started nova-compute on ${input.host}`, at: input.snapshot.at } : undefined;
  },
  "in-service": (input) => {
    const service = input.snapshot.services.find((s) => s.binary === "nova-compute" && s.host === input.host);
    if (!input.reached.has("fenced-nova") || !input.reached.has("nova-compute-started") || !service) return undefined;
    return service.state === "up" && service.status === "enabled" && !service.forcedDown
      ? { label: `${input.host}'s nova-compute up, enabled, not forced down`, at: input.snapshot.at }
      : undefined;
  },
};

/** The milestones reached in this snapshot that were not reached before. */
export function detectMilestones(input: DetectInput): MilestoneEvent[] {
  const found: MilestoneEvent[] = [];
  const reached = new Set(input.reached);
  for (const milestone of MILESTONES) {
    if (milestone === "powered-off" || reached.has(milestone)) continue;
    const hit = CHECKS[milestone]({ ...input, reached });
    if (!hit) continue;
    reached.add(milestone);
    found.push({ milestone, label: hit.label, at: hit.at });
  }
  return found;
}
