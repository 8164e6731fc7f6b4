// NovaEvacuate: an OCF resource on the controllers whose monitor recovers the instances of fenced compute hosts.
import { hostname } from "node:os";
import { join } from "node:path";
import { OCF, type OcfCode } from "../kit/exit-codes.js";
import { markStarted, markStopped, isStarted } from "../kit/ocf/state-file.js";
import { defineResourceAgent, type OcfContext } from "../kit/ocf/resource-agent.js";
import { typedParams, type ParamSpec } from "../kit/params.js";
import { attrdUpdater } from "../pacemaker/attrd.js";
import { oneLine } from "../kit/agent-error.js";
import { tryExclusiveLock } from "../kit/exclusive-lock.js";
import { coalescingSaver } from "../recovery/memory/coalescing-saver.js";
import { loadFailureMemory, saveFailureMemory } from "../recovery/memory/failure-memory.js";
import { loadPowerStateMemory, savePowerStateMemory } from "../recovery/memory/power-state-memory.js";
import { recoveryPass } from "../recovery/recovery-pass.js";
import { DEFAULT_RECOVERY_OPTIONS, type RecoveryOptions } from "../recovery/engine/recovery-options.js";
import { DRIVER_NAMES, type DriverName } from "../recovery/drivers/driver-choice.js";
import { BACKEND_CLOUD_OPTION, backendCloudConfig } from "./backend-options.js";
import { OCF_OPENSTACK_OPTIONS } from "./openstack-options.js";
import { cloudConfigFromParams, openStackFromParams } from "./openstack-session.js";

/** NovaEvacuate's own parameters: the peer's, then ours. */
const RECOVERY_PARAMS = [
  { name: "no_shared_storage", type: "boolean", default: false, order: 10, shortdesc: "Instances are not on shared storage",
    longdesc: "Sent to Nova as onSharedStorage=false below microversion 2.14; from 2.14 Nova decides by itself." },
  { name: "verbose", type: "boolean", default: false, order: 10, shortdesc: "Debug logging" },
  { name: "evacuate_delay", type: "second", default: 0, min: 0, order: 10, shortdesc: "Seconds to wait before evacuating a host",
    longdesc: "Gives shared storage time to release locks and leases of the failed host before its instances are rebuilt elsewhere." },
  { name: "domain", type: "string", default: "", order: 10, shortdesc: "DNS domain of the compute hosts (accepted for compatibility; host names come from Nova)" },
  { name: "concurrency", type: "integer", default: DEFAULT_RECOVERY_OPTIONS.concurrency, min: 1, order: 20, shortdesc: "Evacuations Nova is still placing at once, across all hosts",
    longdesc: "Counts evacuations requested and not yet claimed by a destination compute (migration status accepted): the work of the shared control plane (API, conductor, scheduler, placement). A rebuild already running on its destination no longer counts; see max_in_flight." },
  { name: "per_host_concurrency", type: "integer", default: DEFAULT_RECOVERY_OPTIONS.perHostConcurrency, min: 1, order: 20, shortdesc: "Evacuations Nova is still placing at once, from one failed host" },
  { name: "max_in_flight", type: "integer", default: DEFAULT_RECOVERY_OPTIONS.maxInFlight, min: 0, order: 20, shortdesc: "Evacuations running at once, placing or rebuilding, across all hosts (0: no limit of ours)",
    longdesc: "A ceiling for clouds whose destinations or storage cannot take many rebuilds at once. Nova itself does not limit concurrent rebuilds on a compute (max_concurrent_builds applies to new servers only)." },
  { name: "instance_timeout", type: "second", default: DEFAULT_RECOVERY_OPTIONS.instanceTimeoutMs / 1000, min: 1, order: 20, shortdesc: "Seconds one instance may take to be recovered before it counts as failed" },
  { name: "retry_limit", type: "integer", default: DEFAULT_RECOVERY_OPTIONS.retryLimit, min: 1, order: 20, shortdesc: "Evacuation attempts per instance before it is reported failed" },
  { name: "retry_backoff", type: "second", default: DEFAULT_RECOVERY_OPTIONS.retryBackoffMs / 1000, min: 0, order: 20, shortdesc: "Seconds before the first retry; doubles with each attempt" },
  { name: "poll_interval", type: "second", default: DEFAULT_RECOVERY_OPTIONS.pollIntervalMs / 1000, min: 1, order: 20, shortdesc: "Seconds between two looks at Nova while evacuations run" },
  { name: "pass_budget", type: "second", default: 0, min: 0, order: 20, shortdesc: "Seconds one monitor may work (0: as much as the monitor timeout allows)",
    longdesc: "A monitor returns before its operation timeout; evacuations still running continue and are picked up by the next monitor." },
  { name: "recovery_driver", type: "string", default: "nova", choices: DRIVER_NAMES, order: 30, shortdesc: "Who recovers a fenced host: nova (our evacuation), masakari or mistral",
    longdesc: "nova: this agent evacuates and verifies the instances itself. masakari: it sends Masakari a COMPUTE_HOST notification and follows it. " +
      "mistral: it starts the nova-ha-host-evacuate workflow (nova-ha mistral install-workflow) and follows the execution. Either way the host stays " +
      "pending until the back-end reports an end; a host whose recovery started keeps its driver. See docs/backends.md." },
  BACKEND_CLOUD_OPTION,
  { name: "backend_stall_timeout", type: "second", default: 900, min: 1, order: 30, shortdesc: "Seconds a back-end's recovery may run before it is reported stalled",
    longdesc: "A stalled recovery is logged and marked stalled in Nova (nova-ha status shows it) and followed on; it is never started a second time." },
] as const satisfies readonly ParamSpec[];

/** NovaEvacuate's parameters by name, typed by the tables. */
const paramsOf = (context: OcfContext) => typedParams(RECOVERY_PARAMS, context.params);

/** Recovery options from the parameters (seconds to milliseconds). */
function recoveryOptions(context: OcfContext): RecoveryOptions {
  const params = paramsOf(context);
  return {
    ...DEFAULT_RECOVERY_OPTIONS,
    concurrency: params.concurrency,
    perHostConcurrency: params.per_host_concurrency,
    maxInFlight: params.max_in_flight,
    instanceTimeoutMs: params.instance_timeout * 1000,
    retryLimit: params.retry_limit,
    retryBackoffMs: params.retry_backoff * 1000,
    pollIntervalMs: params.poll_interval * 1000,
    onSharedStorage: !params.no_shared_storage,
    evacuateDelayMs: params.evacuate_delay * 1000,
  };
}

/** The monitor: "not running" unless started; otherwise one recovery pass within the budget. */
async function monitor(context: OcfContext): Promise<OcfCode> {
  const { environment, log, signal } = context;
  if (!(await isStarted(environment))) return OCF.NOT_RUNNING;
  const budget = paramsOf(context).pass_budget * 1000;
  const deadline = budget > 0 ? Math.min(context.deadline, Date.now() + budget) : context.deadline;
  const openstack = await openStackFromParams(context.params, {
    env: process.env, log, tokenCachePath: join(environment.stateDir, `nova-ha-${environment.instance}.token.json`),
    deadline: context.deadline, signal,
  });
  const stateFile = (suffix: string): string => join(environment.stateDir, `nova-ha-${environment.instance}.${suffix}`);
  const [failures, originalStates] = await Promise.all([loadFailureMemory(stateFile("failures.json")), loadPowerStateMemory(stateFile("power-states.json"))]);
  // The caches are saved the moment they change: a monitor killed half-way loses nothing it learned.
  const saver = coalescingSaver(
    () => Promise.all([saveFailureMemory(stateFile("failures.json"), failures), savePowerStateMemory(stateFile("power-states.json"), originalStates)]).then(() => undefined),
    (error) => log.warn({ err: oneLine(error) }, `could not save the recovery caches in ${environment.stateDir}; Nova's records still hold the state`),
  );
  const params = paramsOf(context);
  // The back-ends' credentials: their own clouds.yaml entry, else the agent's; loaded only once a host is handed over.
  const { backendDrivers } = await import("../recovery/drivers/backend-drivers.js");
  const drivers = backendDrivers({
    config: () => backendCloudConfig(context.params, process.env, deadline),
    log, deadline, signal,
  });
  const { reports } = await recoveryPass(
    {
      openstack, attrd: attrdUpdater(), log, node: hostname(), failures, originalStates,
      onMemoryChanged: () => saver.request(),
      // One pass at a time on this node: the cluster's monitor and an operator's crm_resource --force-check.
      exclusive: () => tryExclusiveLock(stateFile("pass.lock")),
      drivers: {
        configured: params.recovery_driver as DriverName, driverFor: (name) => drivers.driverFor(name),
        stallAfterMs: params.backend_stall_timeout * 1000, onSharedStorage: !params.no_shared_storage,
      },
    },
    { ...recoveryOptions(context), deadline, signal, waitForCompletion: true },
  ).finally(() => drivers.close());
  // The caches matter only while a recovery runs; an idle monitor writes nothing.
  if (reports.length > 0) saver.request();
  await saver.flush();
  return OCF.SUCCESS;
}

/** The NovaEvacuate resource agent. */
export const novaEvacuate = defineResourceAgent({
  name: "NovaEvacuate",
  version: "1.0",
  shortdesc: "Evacuates the instances of fenced compute hosts",
  longdesc:
    "Runs on one controller (active/passive). Each monitor looks for compute hosts that fence_compute flagged " +
    "(attrd evacuate=yes, or its marker in Nova's service record), evacuates their instances in bounded parallel, " +
    "follows every instance until it runs again on another host (or is back in its old power state), retries failures " +
    "with backoff up to a limit, then marks the host done in attrd and Nova. Drop-in for the shell agent of the same name. " +
    "With recovery_driver=masakari or mistral it hands each host to that back-end instead and follows it to its end.",
  params: [...OCF_OPENSTACK_OPTIONS, ...RECOVERY_PARAMS],
  validate: async (context) => {
    await cloudConfigFromParams(context.params, process.env);
  },
  actions: {
    start: { timeout: 20, handler: async ({ environment }) => markStarted(environment) },
    stop: { timeout: 20, handler: async ({ environment }) => markStopped(environment) },
    monitor: { timeout: 600, interval: 10, depth: 0, handler: monitor },
  },
});
