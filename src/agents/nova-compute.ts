// NovaCompute: an OCF resource on each compute node that starts nova-compute only once its host's evacuation is finished.
import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { configError, oneLine } from "../kit/agent-error.js";
import { OCF, type OcfCode } from "../kit/exit-codes.js";
import { isStarted, markStarted, markStopped, stateFilePath } from "../kit/ocf/state-file.js";
import { defineResourceAgent, type OcfContext } from "../kit/ocf/resource-agent.js";
import { given, typedParams, type ParamSpec } from "../kit/params.js";
import { commandRunner, systemdRunner, type ServiceRunner } from "../nova-compute-service/service-runner.js";
import { resolveOwnNovaHost } from "../nova-compute-service/nova-conf-host.js";
import { attrdUpdater } from "../pacemaker/attrd.js";
import { attrdReading } from "../recovery/host/host-recovery-state.js";
import { liftFence, retryClearForcedDown, waitForEvacuationDone } from "../recovery/host/unfence-host.js";
import { untilAnswered } from "../openstack/until-answered.js";
import { BACKEND_CLOUD_OPTION } from "./backend-options.js";
import { leaveMasakariMaintenance } from "./masakari-unfencing.js";
import { OCF_OPENSTACK_OPTIONS } from "./openstack-options.js";
import { cloudConfigFromParams, openStackFromParams } from "./openstack-session.js";

/** NovaCompute's own parameters. */
const COMPUTE_PARAMS = [
  { name: "domain", type: "string", default: "", order: 10, shortdesc: "DNS domain of the Nova host name, when nova.conf sets no host",
    longdesc: "Without [DEFAULT] host in nova.conf, the Nova host name is <short node name>.<domain>, or the node name when empty." },
  { name: "host", type: "string", default: "", order: 10, shortdesc: "Nova host name of this node (overrides nova.conf and domain)" },
  { name: "nova_conf", type: "string", default: "/etc/nova/nova.conf", order: 10, shortdesc: "nova.conf to read [DEFAULT] host from (and its .d directory)" },
  { name: "evacuation_delay", type: "second", default: 0, min: 0, order: 10, shortdesc: "Seconds to pause after an evacuation finished, before nova-compute starts",
    longdesc: "The shell agent needed 120 s because 'no' only meant 'requests accepted'. NovaEvacuate now reports done only when every instance is verified recovered, so the default is 0." },
  { name: "systemd_unit", type: "string", default: "", order: 20, shortdesc: "systemd unit that runs nova-compute (e.g. nova-compute)" },
  { name: "command", type: "string", default: "", order: 20, shortdesc: "Command that runs nova-compute in the foreground, when there is no systemd unit" },
  { name: "wait_only", type: "boolean", default: false, order: 20, shortdesc: "Only gate: wait for the evacuation, start nothing (drop-in for nova-compute-wait)" },
  { name: "lift_fence", type: "boolean", default: true, order: 20, shortdesc: "After the wait, clear forced_down and re-enable the service (what fence_compute on does)" },
  { name: "stop_timeout", type: "second", default: 60, min: 1, order: 20, shortdesc: "Seconds a command gets after SIGTERM before SIGKILL" },
  BACKEND_CLOUD_OPTION,
] as const satisfies readonly ParamSpec[];

/** NovaCompute's own parameter values, typed by the table. */
const paramsOf = (context: OcfContext) => typedParams(COMPUTE_PARAMS, context.params);

/** The command runner of this resource; its pid file is all stop needs, so it also stops a command no longer configured. */
function commandRunnerOf(context: OcfContext, command: string): ServiceRunner {
  const { environment } = context;
  return commandRunner(command, {
    pidFile: stateFilePath(environment, ".pid"),
    logFile: stateFilePath(environment, ".log"),
    // SIGKILL comes after stop_timeout, or sooner if the operation's own timeout would pass first.
    stopTimeoutMs: Math.min(paramsOf(context).stop_timeout * 1000, Math.max(1_000, context.deadline - Date.now())),
  });
}

/** How this resource runs nova-compute, from its parameters; undefined for wait-only. */
function runnerOf(context: OcfContext): ServiceRunner | undefined {
  const params = paramsOf(context);
  if (params.wait_only) return undefined;
  const unit = given(params.systemd_unit);
  if (unit) return systemdRunner(unit);
  const command = given(params.command);
  if (command) return commandRunnerOf(context, command);
  throw configError("set systemd_unit, command, or wait_only=true");
}

/** True when nova-compute (or the gate) runs here. */
async function running(context: OcfContext): Promise<boolean> {
  const runner = runnerOf(context);
  return runner ? runner.isRunning() : isStarted(context.environment);
}

/** The Nova host name of this node. */
function ownHost(context: OcfContext): Promise<string> {
  const params = paramsOf(context);
  return resolveOwnNovaHost({
    explicit: given(params.host),
    novaConf: params.nova_conf,
    domain: given(params.domain),
    nodeName: context.environment.onNode ?? hostname(),
  });
}

/**
 * Start: resolve the host, wait for its evacuation, lift the fence, then start nova-compute. A failed start is fatal
 * on its node (start-failure-is-fatal): every step before nova-compute starts is safe to repeat, so a transient
 * failure that outlasts the transport's retries starts them over, within the start's own timeout.
 */
async function start(context: OcfContext): Promise<OcfCode> {
  const { log } = context;
  if (await running(context)) return OCF.SUCCESS;
  const host = await ownHost(context);
  const budget = AbortSignal.any([context.signal, AbortSignal.timeout(Math.max(1, context.deadline - Date.now()))]);
  const lifted = await untilAnswered(log, host, `waiting for ${host}'s evacuation and lifting its fence`, () => waitAndLift(context, host, budget), { signal: budget });
  const runner = runnerOf(context);
  if (runner) {
    await runner.start();
    log.info({ host }, `started ${runner.description}`);
  } else {
    await markStarted(context.environment);
  }
  if (lifted?.deps && lifted.result.forcedDown === "still-set") await clearForcedDownAfterStart(context, lifted.deps, host, runner !== undefined);
  return OCF.SUCCESS;
}

/** Start's OpenStack part: wait for the host's evacuation, pause evacuation_delay, then lift the fence (lift_fence). */
async function waitAndLift(context: OcfContext, host: string, budget: AbortSignal) {
  const { log, params } = context;
  const openstack = await openStackFromParams(params, { env: process.env, log, deadline: context.deadline, signal: context.signal });
  const deps = { compute: openstack.compute, attrd: attrdUpdater(), log };
  const done = await waitForEvacuationDone(deps, host, { signal: budget });
  const delay = paramsOf(context).evacuation_delay;
  if (attrdReading(done.attrdValue) === "no" && delay > 0) {
    log.info({ host }, `Pausing ${delay} s after the evacuation of ${host}`);
    await sleep(delay * 1000, undefined, { signal: budget });
  }
  if (!paramsOf(context).lift_fence) return undefined;
  // Lifting the fence includes Masakari's part, as fence_compute on does: a host that rejoined without our unfencing
  // (the peer's fence_compute, or no unfencing configured) would otherwise stay on maintenance, its next failure refused.
  await leaveMasakariMaintenance({ ...context, signal: budget }, host, done.service?.disabledReason);
  return { deps, result: await liftFence(deps, done, { signal: budget }) };
}

/** Seconds start keeps trying to clear forced_down once nova-compute runs. */
const UNFORCE_WINDOW_MS = 30_000;

/**
 * Nova refuses to clear forced_down while `done` evacuations wait for nova-compute to restart on the host and
 * mark them completed. So once nova-compute runs, start keeps trying for a short while; whatever is left is
 * recorded in a flag file that the monitor works off (no Nova call at all in the steady state).
 */
async function clearForcedDownAfterStart(
  context: OcfContext,
  deps: Parameters<typeof retryClearForcedDown>[0],
  host: string,
  novaComputeRuns: boolean,
): Promise<void> {
  const until = Math.min(context.deadline, Date.now() + (novaComputeRuns ? UNFORCE_WINDOW_MS : 0));
  while (Date.now() < until) {
    await sleep(2_000, undefined, { signal: context.signal });
    if (await retryClearForcedDown(deps, host).catch(() => false)) return;
  }
  await writeFile(stateFilePath(context.environment, ".unforce"), `${host}\n`);
  context.log.warn({ host }, "forced_down still set; the monitor clears it once nova-compute has processed its evacuated instances");
}

/** Monitor: running or not; while an un-force is owed, one more try at it (never a monitor failure). */
async function monitor(context: OcfContext): Promise<OcfCode> {
  if (!(await running(context))) return OCF.NOT_RUNNING;
  const owed = stateFilePath(context.environment, ".unforce");
  const host = await readFile(owed, "utf8").then((text) => text.trim(), () => undefined);
  if (host) {
    try {
      const openstack = await openStackFromParams(context.params, { env: process.env, log: context.log, deadline: context.deadline, signal: context.signal });
      if (await retryClearForcedDown({ compute: openstack.compute, log: context.log }, host)) await rm(owed, { force: true });
    } catch (error) {
      context.log.warn({ host, err: String(error) }, "could not clear forced_down yet");
    }
  }
  return OCF.SUCCESS;
}

/**
 * Stop: stop nova-compute (or the gate). Stop must succeed whenever the service can be stopped (a failed stop gets
 * the node fenced), so a configuration that no longer says how nova-compute runs still stops the command this
 * resource started, from its pid file.
 */
async function stop(context: OcfContext): Promise<void> {
  let runner: ServiceRunner | undefined;
  try {
    runner = runnerOf(context);
  } catch (error) {
    context.log.warn(`${oneLine(error)}; stopping whatever this resource started`);
    runner = commandRunnerOf(context, "nova-compute");
  }
  if (runner) await runner.stop();
  await markStopped(context.environment);
}

/** The NovaCompute resource agent. */
export const novaCompute = defineResourceAgent({
  name: "NovaCompute",
  version: "1.0",
  shortdesc: "Starts nova-compute once the host's instances have been recovered elsewhere",
  longdesc:
    "Runs on every compute node (clone). Start resolves the node's Nova host name (nova.conf [DEFAULT] host, else " +
    "domain rules), waits until attrd's evacuate flag is no or empty AND Nova's recovery marker is done, clears " +
    "forced_down and re-enables the service (unless an operator disabled it for another reason), then starts " +
    "nova-compute as a systemd unit or a command. With wait_only it is a drop-in for nova-compute-wait.",
  params: [...OCF_OPENSTACK_OPTIONS, ...COMPUTE_PARAMS],
  validate: async (context) => {
    runnerOf(context);
    // The monitor of a running nova-compute needs no cloud: a clouds.yaml missing now must not fail it.
    if (context.action !== "monitor") await cloudConfigFromParams(context.params, process.env, context.deadline);
  },
  actions: {
    start: { timeout: 600, handler: start },
    stop: { timeout: 300, handler: stop },
    monitor: { timeout: 20, interval: 10, depth: 0, handler: monitor },
  },
});
