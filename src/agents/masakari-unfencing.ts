// Unfencing's Masakari step, shared by fence_compute on and NovaCompute start: a host whose recovery through Masakari has
// ended is taken off maintenance in its segment (Masakari never does, and refuses the host's next notification until then).
import { oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import type { ParamValues } from "../kit/params.js";
import { recoveredThroughMasakari } from "../recovery/drivers/driver-choice.js";
import { backendCloudConfig } from "./backend-options.js";

/** What the step needs from the agent's context (a fence or an OCF one). */
export interface UnfencingContext {
  readonly params: ParamValues;
  readonly log: Logger;
  /** Aborted when the operation must end. */
  readonly signal: AbortSignal;
  /** The operation's deadline: bounds password_script while loading the credentials. */
  readonly deadline: number;
}

/**
 * Takes `host` off Masakari's maintenance when its service's reason, read once the evacuation is done and before the
 * fence is lifted, is our `evacuated` marker with driver=masakari: OUR recovery through Masakari has ended. Any other
 * reason (our engine's, Mistral's, none, an operator's) leaves Masakari untouched, so a maintenance an operator set is
 * never cleared. A failure is logged, never fatal: the unfencing goes on.
 */
export async function leaveMasakariMaintenance(context: UnfencingContext, host: string, disabledReason: string | null | undefined): Promise<void> {
  if (!recoveredThroughMasakari(disabledReason)) return;
  try {
    // Loaded only here: the HTTP client and Masakari's schemas cost nothing to the other actions.
    const [{ createMasakariApi }, { openBackend }, { leaveMaintenance, MAINTENANCE_BOUNDS }] = await Promise.all([
      import("../openstack/masakari/masakari-api.js"), import("../recovery/drivers/backend-drivers.js"), import("../recovery/drivers/masakari-maintenance.js"),
    ]);
    const cloud = await backendCloudConfig(context.params, process.env, context.deadline);
    // Bounded by the signal (the caller's operation), not a request deadline: fence_compute on may have waited past its own.
    const backend = openBackend("masakari", cloud, { log: context.log, signal: context.signal });
    try {
      await leaveMaintenance(createMasakariApi(backend.session), host, context.log, { ...MAINTENANCE_BOUNDS, signal: context.signal });
    } finally {
      backend.close();
    }
  } catch (error) {
    context.log.warn({ host, err: oneLine(error) }, "Masakari: could not take the host off maintenance; its next failure is refused (409) until an operator does");
  }
}
