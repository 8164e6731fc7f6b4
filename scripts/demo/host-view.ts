// Each host as the demo shows it: its power, Pacemaker's view, NovaCompute, and Nova's service record (pure).
import { remoteOnline, type DeviceOperation } from "../../test/lab/pacemaker/cluster-status.js";
import { reasonReading } from "../../src/recovery/host/host-recovery-state.js";
import type { Snapshot } from "./observe.js";

/** The resource id of the NovaCompute clone (docs/deploy.md, step 7). */
export const NOVA_COMPUTE_CLONE = "nova-compute-clone";

/** Pacemaker's view of a compute node. */
export type PacemakerView = "online" | "offline" | "unclean" | "fencing" | "fenced" | "unfencing" | "-";

/** One row of the host table. */
export interface HostRow {
  readonly name: string;
  /** A pacemaker_remote node of the lab, or a host that exists only in the simulator. */
  readonly kind: "compute" | "spare";
  /** on/off for lab nodes; undefined for simulator-only hosts. */
  readonly power?: boolean;
  readonly pacemaker: PacemakerView;
  /** NovaCompute on this node: started, stopped, or what is pending ("Starting"). */
  readonly novaCompute: string;
  /** Nova's service: up/down, forced_down, enabled/disabled, and our marker phase or someone else's reason. */
  readonly state: "up" | "down" | "?";
  readonly forcedDown: boolean;
  readonly enabled: boolean;
  readonly reason: string;
  /** attrd's evacuate value ("" when unset). */
  readonly evacuate: string;
  /** Instances Nova has on the host. */
  readonly instances: number;
}

/** The most recent fencing operation of one device on one target (by request or finish time). */
function latestOp(ops: readonly DeviceOperation[], target: string): DeviceOperation | undefined {
  const mine = ops.filter((op) => op.target === target);
  return mine[mine.length - 1];
}

/** Pacemaker's view of a compute node, combining crm_mon with the fencer's operations since the watch began. */
export function pacemakerView(snapshot: Snapshot, node: string): PacemakerView {
  const status = snapshot.status;
  if (!status) return "-";
  const entry = status.nodes.find((n) => n.name === node);
  const op = latestOp(snapshot.fenceOps, node);
  if (op && op.finishedAt === undefined) return op.action === "on" ? "unfencing" : "fencing";
  if (remoteOnline(status, node)) return "online";
  if (entry?.unclean) return "unclean";
  if (op && op.action !== "on" && op.rc === 0) return "fenced";
  return "offline";
}

/** What NovaCompute does on a node. */
function novaComputeView(snapshot: Snapshot, node: string): string {
  const status = snapshot.status;
  if (!status) return "-";
  const instance = status.resources.find((r) => r.clone === NOVA_COMPUTE_CLONE && r.nodes.includes(node));
  if (!instance) return "stopped";
  if (instance.pending) return instance.pending.toLowerCase();
  if (instance.failed) return "FAILED";
  return instance.role.toLowerCase();
}

/** The reason column: our marker's phase ("fenced", "evacuating", "evacuated"), someone else's reason, or "". */
export function reasonView(reason: string | null): string {
  const reading = reasonReading(reason);
  if (reading === "none") return "";
  return reading === "foreign" ? (reason ?? "") : reading;
}

/** A row per host: the lab's compute nodes first, then the simulator-only ones. */
export function hostRows(snapshot: Snapshot, computes: readonly string[], spares: readonly string[]): HostRow[] {
  const servers = new Map<string, number>();
  for (const server of snapshot.servers) if (server.host && !server.deleted) servers.set(server.host, (servers.get(server.host) ?? 0) + 1);
  return [...computes.map((name) => ({ name, kind: "compute" as const })), ...spares.map((name) => ({ name, kind: "spare" as const }))].map(({ name, kind }) => {
    const service = snapshot.services.find((s) => s.binary === "nova-compute" && s.host === name);
    const lab = kind === "compute";
    return {
      name,
      kind,
      ...(lab ? { power: snapshot.power.get(name) ?? false } : {}),
      pacemaker: lab ? pacemakerView(snapshot, name) : "-",
      novaCompute: lab ? novaComputeView(snapshot, name) : "-",
      state: service?.state ?? "?",
      forcedDown: service?.forcedDown ?? false,
      enabled: service ? service.status === "enabled" : false,
      reason: reasonView(service?.disabledReason ?? null),
      evacuate: snapshot.attrd.get(name) ?? "",
      instances: servers.get(name) ?? 0,
    };
  });
}

/** A host's state as one plain line, for the progress log ("compute-1: power off, pacemaker fenced, ..."); no instance count. */
export function hostLine(row: HostRow): string {
  const parts = [
    ...(row.power !== undefined ? [`power ${row.power ? "on" : "off"}`] : []),
    ...(row.kind === "compute" ? [`pacemaker ${row.pacemaker}`, `NovaCompute ${row.novaCompute}`] : []),
    `nova-compute ${row.state}${row.forcedDown ? " forced_down" : ""} ${row.enabled ? "enabled" : "disabled"}${row.reason ? ` (${row.reason})` : ""}`,
    `evacuate=${row.evacuate || "-"}`,
  ];
  return `${row.name}: ${parts.join(", ")}`;
}
