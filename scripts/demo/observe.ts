// One look at the whole lab: Pacemaker (crm_mon, attrd, the fencer's log), the compute nodes' power, and Nova.
import { readFileSync } from "node:fs";
import type { CloudLab } from "../../test/lab/pacemaker/cloud-lab.js";
import type { ClusterStatus, DeviceOperation } from "../../test/lab/pacemaker/cluster-status.js";
import type { SimMigration, SimServer } from "../../test/sim/cloud-model.js";
import type { ServiceView } from "../../test/sim/cloud-state.js";

/** What the demo saw at one moment; a part that could not be read keeps its previous value. */
export interface Snapshot {
  /** When the look started (ms since the epoch). */
  readonly at: number;
  readonly status?: ClusterStatus;
  /** attrd's evacuate value per host. */
  readonly attrd: ReadonlyMap<string, string>;
  /** Power per lab compute node (the host side of its veth is up). */
  readonly power: ReadonlyMap<string, boolean>;
  readonly services: readonly ServiceView[];
  readonly servers: readonly SimServer[];
  /** Evacuations from the failed host. */
  readonly migrations: readonly SimMigration[];
  /** Device-level fencing operations logged since the watch began. */
  readonly fenceOps: readonly DeviceOperation[];
  /** Nova API requests the simulator served so far (the control API is not counted). */
  readonly requests: number;
}

/** An empty snapshot to start from. */
export function emptySnapshot(at = Date.now()): Snapshot {
  return { at, attrd: new Map(), power: new Map(), services: [], servers: [], migrations: [], fenceOps: [], requests: 0 };
}

/** A lab compute node's power: the host-side veth (nha-cN-h, test/lab/pacemaker/README.md) is administratively up. */
export function nodePowered(node: string): boolean | undefined {
  const n = /^compute-(\d+)$/.exec(node)?.[1];
  if (!n) return undefined;
  try {
    return (Number.parseInt(readFileSync(`/sys/class/net/nha-c${n}-h/flags`, "utf8").trim(), 16) & 1) === 1;
  } catch {
    return undefined;
  }
}

/** Where to look and what to look for. */
export interface ObserveTarget {
  readonly lab: CloudLab;
  /** The host whose evacuations are followed. */
  readonly failedHost: string;
  /** pacemaker.log offset when the watch began (see fileOffset). */
  readonly logOffset: number;
}

/** Reads everything at once; each part that fails (crm_mon during an election, say) keeps the previous value. */
export async function observe(target: ObserveTarget, previous: Snapshot): Promise<Snapshot> {
  const { lab, failedHost, logOffset } = target;
  const at = Date.now();
  const keep = <T>(promise: Promise<T>, fallback: T): Promise<T> => promise.catch(() => fallback);
  const [status, attrd, services, servers, migrations, counts] = await Promise.all([
    keep<ClusterStatus | undefined>(lab.status(), previous.status),
    keep<ReadonlyMap<string, string>>(lab.attrd(), previous.attrd),
    keep<readonly ServiceView[]>(lab.sim.control.services(), previous.services),
    keep<readonly SimServer[]>(lab.sim.control.servers(), previous.servers),
    keep<readonly SimMigration[]>(lab.sim.control.migrations(failedHost), previous.migrations),
    keep(lab.sim.control.counts().then((c) => c.total), previous.requests),
  ]);
  const power = new Map(lab.computes.map((node) => [node, nodePowered(node) ?? previous.power.get(node) ?? false] as const));
  let fenceOps = previous.fenceOps;
  try {
    fenceOps = lab.fenceOperations(logOffset);
  } catch {
    // the log rotated or is unreadable: keep what was seen
  }
  return { at, ...(status ? { status } : {}), attrd, power, services, servers, migrations, fenceOps, requests: counts };
}
