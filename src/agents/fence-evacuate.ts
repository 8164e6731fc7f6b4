// fence_evacuate: the fence agent whose off/reboot evacuates the instances of an already fenced compute host.
import { AgentError } from "../kit/agent-error.js";
import { defineFenceAgent, type FenceContext } from "../kit/fence/fence-agent.js";
import { typedParams, type ParamSpec } from "../kit/params.js";
import { evacuateHosts } from "../recovery/engine/evacuate-hosts.js";
import { evacuationFailure, evacuationSummary } from "../recovery/engine/evacuation-verdict.js";
import { isFencedInNova } from "../recovery/host/host-recovery-state.js";
import { DEFAULT_RECOVERY_OPTIONS, type RecoveryOptions } from "../recovery/engine/recovery-options.js";
import { COMPUTE_FENCE_OPTIONS } from "./compute-fence-options.js";
import { findService, novaList, novaMonitor, novaStatus, validateCredentials, withNova } from "./nova-fence-handlers.js";
import { FENCE_OPENSTACK_OPTIONS } from "./openstack-options.js";

/** How long a run may go on when nobody stops it: the caller's timeout (SIGTERM) is the real bound. */
const RUN_LIMIT_MS = 24 * 3_600_000;

/** Options the peer does not have: waiting for completion, parallelism, the per-instance time limit. */
const EVACUATION_OPTIONS = [
  {
    name: "wait", type: "boolean", default: false, order: 7,
    shortdesc: "Wait until every instance is verified recovered (ACTIVE, or back in its old power state, on another host) instead of stopping once Nova accepted every request",
  },
  {
    name: "concurrency", type: "integer", metavar: "count", default: DEFAULT_RECOVERY_OPTIONS.concurrency, min: 1, order: 7,
    shortdesc: "Evacuations Nova is still placing at once (requested, no destination compute claimed yet)",
  },
  {
    name: "instance_timeout", type: "second", metavar: "seconds", default: DEFAULT_RECOVERY_OPTIONS.instanceTimeoutMs / 1000, min: 1, order: 7,
    shortdesc: "Seconds one instance may take from request to verified recovery before it counts as failed",
  },
] as const satisfies readonly ParamSpec[];

/** fence_evacuate's own values and the compute switches, typed by their tables. */
const paramsOf = (context: FenceContext) => typedParams([...COMPUTE_FENCE_OPTIONS, ...EVACUATION_OPTIONS], context.params);

/** The engine's options from the device parameters (the peers' no_shared_storage and instance_filtering included). */
function recoveryOptions(context: FenceContext): RecoveryOptions {
  const params = paramsOf(context);
  return {
    ...DEFAULT_RECOVERY_OPTIONS,
    concurrency: params.concurrency,
    perHostConcurrency: params.concurrency,
    instanceTimeoutMs: params.instance_timeout * 1000,
    onSharedStorage: !params.no_shared_storage,
    instanceFiltering: params.instance_filtering,
  };
}

/**
 * off / reboot: the host must be fenced in Nova; then every (evacuable) instance is evacuated through the engine.
 * An evacuation lasts as long as it lasts, so shell_timeout does not bound it: the device's pcmk_off_timeout does.
 */
async function evacuate(context: FenceContext): Promise<void> {
  await withNova(context, async (openstack) => {
    const service = await findService(openstack, context);
    const host = service.host;
    if (!isFencedInNova(service)) {
      throw new AgentError("generic", `Cannot resurrect instances from ${host}: its nova-compute service is ${service.state} and not forced down; fence it first (fence_compute -o off)`);
    }
    const { wait } = paramsOf(context);
    const [report] = await evacuateHosts({ openstack, log: context.log }, [host], {
      ...recoveryOptions(context),
      deadline: Date.now() + RUN_LIMIT_MS,
      signal: context.signal,
      waitForCompletion: wait,
    });
    if (!report) throw new AgentError("generic", `Resurrection of instances from ${host} failed: the engine reported nothing`);
    context.log.info({ host }, evacuationSummary(report));
    const failure = evacuationFailure(report, wait);
    if (failure) throw new AgentError("generic", `Resurrection of instances from ${host} failed: ${failure}`);
    context.log.info({ host }, `Resurrection of instances from ${host} complete`);
  }, Infinity);
}

/** on: there is no un-evacuating; refused before anything is contacted. */
async function refuseOn(): Promise<void> {
  throw new AgentError("unimplemented", "Action on is not supported by this agent");
}

/** The fence_evacuate agent. */
export const fenceEvacuate = defineFenceAgent({
  name: "fence_evacuate",
  version: "0.1.0",
  shortdesc: "Fence agent for the automatic resurrection of OpenStack compute instances",
  longdesc:
    "Used to reschedule flagged instances. off (and reboot) evacuates every instance of a fenced compute host " +
    "(those tagged evacuable by flavor extra spec, image tag or instance metadata, or all when nothing is tagged), " +
    "across all projects and every page, in bounded parallel; with wait=1 it follows each instance until it runs again elsewhere.",
  fabric: false,
  defaultAction: "reboot",
  ownParams: [...FENCE_OPENSTACK_OPTIONS, ...COMPUTE_FENCE_OPTIONS, ...EVACUATION_OPTIONS],
  handlers: {
    validate: validateCredentials,
    on: refuseOn,
    off: evacuate,
    reboot: evacuate,
    status: novaStatus,
    list: novaList,
    monitor: novaMonitor,
  },
});
