// Entry points for the bundles: run an OCF or fence agent as the whole process.
import { FENCE, OCF } from "./exit-codes.js";
import { runFenceAgent } from "./fence/dispatch.js";
import type { FenceAgent } from "./fence/fence-agent.js";
import { runResourceAgent } from "./ocf/dispatch.js";
import type { ResourceAgent } from "./ocf/resource-agent.js";
import { runProcess } from "./runtime.js";
import { readAllStdin } from "./stdin.js";

/** Runs an OCF resource agent with this process's argv and environment, then exits. */
export function mainResourceAgent(agent: ResourceAgent): Promise<never> {
  return runProcess((signal) => runResourceAgent(agent, process.argv.slice(2), process.env, signal, undefined, Math.floor(performance.timeOrigin)), OCF.ERR_GENERIC);
}

/** Runs a fence agent with this process's argv (or stdin, when argv is empty), then exits. */
export function mainFenceAgent(agent: FenceAgent): Promise<never> {
  return runProcess((signal) => runFenceAgent(agent, process.argv.slice(2), () => readAllStdin(), signal, undefined, Math.floor(performance.timeOrigin)), FENCE.FAILURE);
}
