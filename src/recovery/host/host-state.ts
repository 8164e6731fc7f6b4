// What a nova-compute service's state and status say about its host's fencing, as a table.
import type { ComputeService } from "../../openstack/types.js";

/** The four fencing states of a host (the peers' names). */
export type HostFenceState = "on" | "off" | "failed" | "running";

/** One row of the table. */
export interface HostStateRow {
  readonly state: ComputeService["state"];
  readonly status: ComputeService["status"];
  readonly fence: HostFenceState;
  readonly meaning: string;
}

/** Nova service state × status → fencing state. forced_down makes Nova report `down`, so it reads as down here too. */
export const HOST_STATES: readonly HostStateRow[] = [
  { state: "up", status: "enabled", fence: "on", meaning: "running normally" },
  { state: "down", status: "disabled", fence: "off", meaning: "fenced" },
  { state: "down", status: "enabled", fence: "failed", meaning: "down but not fenced yet" },
  { state: "up", status: "disabled", fence: "running", meaning: "back up but not unfenced yet, or disabled by an operator" },
];

/** The state as fencing sees it: a forced-down service is down whatever its heartbeat says. */
export function effectiveState(service: Pick<ComputeService, "state" | "forcedDown">): ComputeService["state"] {
  return service.forcedDown ? "down" : service.state;
}

/** The table row of a service. */
export function hostStateRow(service: Pick<ComputeService, "state" | "status" | "forcedDown">): HostStateRow {
  const state = effectiveState(service);
  const row = HOST_STATES.find((entry) => entry.state === state && entry.status === service.status);
  if (!row) throw new Error(`no host state for state=${state} status=${service.status}`);
  return row;
}

/** The fencing state of a service's host. */
export function hostFenceState(service: Pick<ComputeService, "state" | "status" | "forcedDown">): HostFenceState {
  return hostStateRow(service).fence;
}

/** What `status` reports: OFF only for a fenced host (down and disabled), ON for everything else. */
export function fenceStatus(service: Pick<ComputeService, "state" | "status" | "forcedDown">): "on" | "off" {
  return hostFenceState(service) === "off" ? "off" : "on";
}

