// Fencing a compute host in Nova and attrd: force the service down, disable it with our marker, flag it for evacuation.
import type { Logger } from "../../kit/logger.js";
import type { ComputeApi } from "../../openstack/api.js";
import type { ComputeService } from "../../openstack/types.js";
import type { AttrdClient } from "../../pacemaker/attrd.js";
import { disableDecision, fencedMarker, REQUESTED_VALUE, type DisableOutcome } from "./host-recovery-state.js";

/** What fencing needs. */
export interface FenceHostDeps {
  readonly compute: ComputeApi;
  readonly attrd: AttrdClient;
  readonly log: Logger;
  /** The cluster node doing the fencing (uname -n), recorded in the marker. */
  readonly nodeName: string;
  readonly now?: () => Date;
}

/**
 * Fences `service`'s host. Idempotent: every step runs again on a host that is already fenced, and the
 * evacuate flag is always written (the peer skips already-fenced hosts, which then never get evacuated).
 * Force-down comes first: from Nova Train on, disabling a service whose host is unreachable hangs otherwise.
 */
export async function fenceHost(deps: FenceHostDeps, service: ComputeService): Promise<DisableOutcome> {
  const { compute, attrd, log } = deps;
  const host = service.host;
  await compute.forceDown(service, true);
  log.info({ host }, "nova-compute service forced down");

  const outcome = disableDecision(service);
  switch (outcome) {
    case "disabled":
      await compute.disable(service, fencedMarker((deps.now ?? (() => new Date()))(), deps.nodeName));
      log.info({ host }, "nova-compute service disabled, evacuation pending");
      break;
    case "kept-pending-marker":
      log.info({ host, reason: service.disabledReason }, "service already disabled by an earlier fencing; keeping its marker");
      break;
    case "kept-foreign-reason":
      log.warn({ host, reason: service.disabledReason }, "service already disabled by someone else; keeping their reason, unfencing will leave it disabled");
      break;
    case "kept-no-reason":
      log.info({ host }, "service already disabled without a reason; leaving it as it is");
      break;
  }

  await attrd.update(host, REQUESTED_VALUE);
  log.info({ host }, "evacuate=yes recorded in attrd");
  return outcome;
}
