// The safety rule: a host is touched only once Nova sees its nova-compute forced down or down.
import type { ComputeService } from "../../openstack/types.js";

/** True when evacuating from this host cannot run an instance twice (as far as Nova can tell). */
export function isFencedInNova(service: ComputeService): boolean {
  return service.forcedDown || service.state === "down";
}
