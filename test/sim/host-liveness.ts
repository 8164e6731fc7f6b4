// Nova's servicegroup rules: when a service last heartbeated and whether it counts as up.
import type { SimConfig, SimHost, SimService } from "./cloud-model.js";

/** The last heartbeat Nova has recorded for a service (its last_seen_up, or created_at if never seen). */
export function lastHeartbeat(service: SimService, host: SimHost | undefined, now: number, config: SimConfig): number {
  if (service.binary !== "nova-compute" || !host) return now;
  if (host.externalHeartbeat) return host.lastExternalBeat ?? service.lastSeenUp ?? service.createdAt;
  if (!host.alive) return service.lastSeenUp ?? service.createdAt;
  const period = Math.max(1, config.reportIntervalSeconds * 1000);
  return host.bootedAt + Math.floor((now - host.bootedAt) / period) * period;
}

/** servicegroup service_is_up: not forced down and a heartbeat within service_down_time. */
export function isUp(service: SimService, heartbeat: number, now: number, config: SimConfig): boolean {
  if (service.forcedDown) return false;
  return Math.abs(now - heartbeat) <= config.serviceDownTimeSeconds * 1000;
}

/** Whether the nova-compute process of a host runs (and so answers RPC). */
export function processAlive(host: SimHost | undefined, now: number, config: SimConfig): boolean {
  if (!host || !host.alive) return false;
  if (!host.externalHeartbeat) return true;
  return host.lastExternalBeat !== undefined && now - host.lastExternalBeat <= 3 * config.reportIntervalSeconds * 1000;
}

/** Server host_status (microversion 2.16): UP, DOWN, MAINTENANCE, UNKNOWN, or "" without a host. */
export function hostStatus(service: SimService | undefined, up: boolean): string {
  if (!service) return "";
  if (service.forcedDown) return "DOWN";
  if (service.disabled) return "MAINTENANCE";
  return up ? "UP" : "UNKNOWN";
}
