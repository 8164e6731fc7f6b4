// Waiting for a compute node's fencing level (its power device, then fence_compute) to run one action, from pacemaker.log.
import type { ClusterProbe } from "./cluster-probe.js";
import type { DeviceOperation } from "./cluster-status.js";
import { waitFor } from "../lab-timeline.js";

/** The device that ends every compute node's level (docs/deploy.md). */
export const NOVA_FENCE_DEVICE = "fence-nova";

/** The device-level operations of `action` on `node` logged since `offset`, in request order. */
export function levelOperations(probe: ClusterProbe, node: string, action: string, offset: number): DeviceOperation[] {
  return probe.fenceOperations(offset).filter((op) => op.target === node && op.action === action);
}

/** Waits until fence_compute has returned from `action` on `node` (logged since `offset`); returns the level's operations. */
export async function levelDone(probe: ClusterProbe, node: string, action: string, offset: number, timeoutMs = 60_000): Promise<DeviceOperation[]> {
  return waitFor(`${NOVA_FENCE_DEVICE} to return from '${action}' on ${node}`, () => {
    const ops = levelOperations(probe, node, action, offset);
    return ops.some((op) => op.device === NOVA_FENCE_DEVICE && op.rc !== undefined) ? ops : undefined;
  }, { timeoutMs, describe: () => probe.describe() });
}
