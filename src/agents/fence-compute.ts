// fence_compute: the fabric fence agent that tells Nova a compute host is down and flags it for evacuation.
import { hostname } from "node:os";
import { FENCE } from "../kit/exit-codes.js";
import { defineFenceAgent, type FenceContext } from "../kit/fence/fence-agent.js";
import { typedParams, type ParamSpec } from "../kit/params.js";
import type { Outcome } from "../kit/runtime.js";
import { attrdUpdater } from "../pacemaker/attrd.js";
import { fenceHost } from "../recovery/host/fence-host.js";
import { hostMatchError } from "../recovery/host/host-name.js";
import { liftFence, waitForEvacuationDone } from "../recovery/host/unfence-host.js";
import { untilAnswered } from "../openstack/until-answered.js";
import { COMPUTE_FENCE_OPTIONS } from "./compute-fence-options.js";
import { BACKEND_CLOUD_OPTION } from "./backend-options.js";
import { leaveMasakariMaintenance } from "./masakari-unfencing.js";
import { findService, matchService, novaList, novaMonitor, novaStatus, validateCredentials, withNova } from "./nova-fence-handlers.js";
import { FENCE_OPENSTACK_OPTIONS } from "./openstack-options.js";

/** record_only values that mean "this device is configured but disabled": exit 0 before doing anything (as the peer). */
const RECORD_ONLY_DISABLED = new Set(["2", "disabled"]);

/**
 * record_only: 2/Disabled/disabled disable the device. Every other value (1/true as osp-ha-deploy and TripleO
 * set it, 0/false, the default False) means what fence_compute always does now: record the host as needing
 * evacuation (force down, disable, evacuate=yes) and never evacuate itself.
 */
const RECORD_ONLY = {
  name: "record_only", type: "string", short: "r", metavar: "value", default: "False", order: 5,
  shortdesc: "Only record the target as needing evacuation (always the case); 2 or disabled: do nothing and succeed",
} as const satisfies ParamSpec;

/** record_only=2/disabled: succeed at once, touching nothing. */
function recordOnlyDisabled(context: FenceContext): Outcome | undefined {
  const { record_only: recordOnly } = typedParams([RECORD_ONLY], context.params);
  if (!RECORD_ONLY_DISABLED.has(recordOnly.trim().toLowerCase())) return undefined;
  context.log.info(`record_only=${recordOnly}: device disabled, nothing done`);
  return { exitCode: FENCE.SUCCESS };
}

/** off: force down, disable with our marker, flag evacuate=yes. */
async function fenceOff(context: FenceContext): Promise<void> {
  await withNova(context, async (openstack) => {
    const service = await findService(openstack, context);
    await fenceHost({ compute: openstack.compute, attrd: attrdUpdater(), log: context.log, nodeName: hostname() }, service);
  });
}

/**
 * on (unfencing): wait for the evacuation to finish, then lift the fence. A host Nova does not know has nothing to lift.
 * The wait lasts as long as the evacuation, so shell_timeout does not bound it: pcmk_on_timeout does (600 s in deploy.md).
 * Every step is safe to repeat, so a transient failure that outlasts the transport's retries, from the connection to
 * the lift, starts it over: Nova's flakiness is waited out until Pacemaker stops the operation.
 */
async function fenceOn(context: FenceContext): Promise<void> {
  const plug = context.plug ?? "";
  await untilAnswered(context.log, plug, `unfencing ${plug}`, () => withNova(context, async (openstack) => {
    const { match } = await matchService(openstack, context);
    if (match.kind === "unknown") {
      context.log.warn(`${hostMatchError(plug, match).message}: nothing to unfence`);
      return;
    }
    if (match.kind === "ambiguous") throw hostMatchError(plug, match);
    const deps = { compute: openstack.compute, attrd: attrdUpdater(), log: context.log };
    const done = await waitForEvacuationDone(deps, match.host, { signal: context.signal });
    await leaveMasakariMaintenance(context, match.host, done.service?.disabledReason);
    const lifted = await liftFence(deps, done, { signal: context.signal });
    context.log.info({ host: match.host, status: lifted.status, forced_down: lifted.forcedDown }, "unfencing done");
  }, Infinity), { signal: context.signal });
}

/** The fence_compute agent. */
export const fenceCompute = defineFenceAgent({
  name: "fence_compute",
  version: "0.1.0",
  shortdesc: "Fence agent for the automatic resurrection of OpenStack compute instances",
  longdesc:
    "Used to tell Nova that compute nodes are down and to reschedule flagged instances. " +
    "off forces the host's nova-compute service down, disables it with a marker and sets the private attrd attribute evacuate=yes for the Nova host; " +
    "on (unfencing) waits until the host's evacuation is finished, then lifts force-down and re-enables the service unless an operator disabled it.",
  fabric: true,
  defaultAction: "off",
  ownParams: [...FENCE_OPENSTACK_OPTIONS, ...COMPUTE_FENCE_OPTIONS, RECORD_ONLY, BACKEND_CLOUD_OPTION],
  handlers: {
    preflight: recordOnlyDisabled,
    validate: validateCredentials,
    off: fenceOff,
    on: fenceOn,
    status: novaStatus,
    list: novaList,
    monitor: novaMonitor,
  },
});
