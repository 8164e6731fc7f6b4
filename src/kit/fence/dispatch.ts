// Runs one fence agent invocation: input, validation, the action, and the fencing library's output strings and exit codes.
import { openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { toAgentError } from "../agent-error.js";
import { echo } from "../echo.js";
import { FENCE } from "../exit-codes.js";
import { createLogger, registerSecrets, type Logger } from "../logger.js";
import { given, parseParams, secretValues, typedParams, type ParamValues } from "../params.js";
import { COMMON_FENCE_OPTIONS } from "./common-options.js";
import type { Outcome } from "../runtime.js";
import { fenceMetadata } from "./metadata.js";
import { longOption, parseArgv, parseStdin, type FenceInput } from "./input.js";
import type { FenceAgent, FenceContext } from "./fence-agent.js";

/** Actions that need a target. */
const NEEDS_PLUG = new Set(["on", "off", "reboot", "status"]);
/** Actions that honour `delay` (the fencing library delays only these). */
const DELAYED = new Set(["off", "reboot"]);
/** What fabric agents accept as synonyms. */
const FABRIC_ALIASES: Readonly<Record<string, string>> = { enable: "on", disable: "off" };
/** Success lines of the fencing library, by action. */
const SUCCESS_LINE: Readonly<Record<string, string>> = {
  on: "Success: Powered ON",
  off: "Success: Powered OFF",
  reboot: "Success: Rebooted",
};

/**
 * How long one action may talk to its device, in ms. Pacemaker passes a fence agent no timeout (only the action, the
 * target and the device's parameters), kills it at pcmk_<action>_timeout, and retries a failed action while enough of
 * that timeout is left; so the agent bounds itself with the fencing library's per-command timeout, shell_timeout
 * (0, or disable_timeout, means no bound of ours).
 */
export function actionBudgetMs(values: ParamValues): number {
  const params = typedParams(COMMON_FENCE_OPTIONS, values);
  if (params.disable_timeout === true) return Infinity;
  return params.shell_timeout > 0 ? params.shell_timeout * 1000 : Infinity;
}

/** `Failed: <reason>` on stderr and exit 1: the fencing library's one failure shape. */
function failed(reason: string): Outcome {
  return { exitCode: FENCE.FAILURE, stderr: `Failed: ${reason}\n` };
}

/** The --help text, built from the parameter table. */
export function fenceUsage(agent: FenceAgent): string {
  const lines = [`Usage:`, `\t${agent.name} [options]`, `Options:`];
  for (const spec of agent.params.filter((item) => !item.hidden)) {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    const value = spec.type === "boolean" || spec.metavar === undefined ? "" : `=[${spec.metavar}]`;
    const text = spec.name === "action" ? `Action: ${agent.actions.join(", ")}, metadata, manpage or validate-all (default ${agent.defaultAction})` : spec.shortdesc;
    lines.push(`${`   ${short}--${longOption(spec)}${value}`.padEnd(43)} ${text}`);
  }
  lines.push(`   -V, --version`.padEnd(44) + "Display version information and exit", `   -h, --help`.padEnd(44) + "Display help and exit");
  return `${lines.join("\n")}\n`;
}

/** The logger of one run: stderr, or the debug file; silent with quiet. */
function runLogger(agent: FenceAgent, debugFile: string | undefined, verbose: boolean, quiet: boolean, make?: (verbose: boolean) => Logger): Logger {
  if (make) return make(verbose);
  if (debugFile) return createLogger({ name: agent.name, verbose: true, fd: openSync(debugFile, "a", 0o600) });
  const log = createLogger({ name: agent.name, verbose });
  if (quiet && !verbose) log.level = "silent";
  return log;
}

/** Runs `agent` once. `stdinText` is only read when argv is empty, as the fencing library does. */
export async function runFenceAgent(
  agent: FenceAgent,
  argv: readonly string[],
  readStdin: () => Promise<string>,
  signal: AbortSignal,
  makeLogger?: (verbose: boolean) => Logger,
  /** When the action began, epoch ms: an agent process counts from its own start, Node's start-up included. */
  operationStartedAt: number = Date.now(),
): Promise<Outcome> {
  let input: FenceInput;
  try {
    input = argv.length > 0 ? parseArgv(agent.params, argv) : parseStdin(agent.params, await readStdin());
  } catch (error) {
    return failed(toAgentError(error).message);
  }
  if (input.help) return { exitCode: FENCE.SUCCESS, stdout: fenceUsage(agent) };
  if (input.version) return { exitCode: FENCE.SUCCESS, stdout: `${agent.version}\n` };

  let action = (input.raw.get("action") ?? agent.defaultAction).toLowerCase();
  if (action === "meta-data") action = "metadata";
  if (action === "metadata" || action === "manpage") return { exitCode: FENCE.SUCCESS, stdout: fenceMetadata(agent) };
  if (agent.fabric) action = FABRIC_ALIASES[action] ?? action;
  if (action !== "validate-all" && !agent.actions.includes(action)) {
    return failed(`Unrecognised action ${echo(action)} (use one of ${agent.actions.join(", ")}, metadata, validate-all)`);
  }

  let log: Logger | undefined;
  try {
    const params = parseParams(agent.params, input.raw);
    registerSecrets(secretValues(agent.params, params));
    const common = typedParams(COMMON_FENCE_OPTIONS, params);
    const verbose = common.verbose === true || (common.verbose_level ?? 0) > 0;
    log = runLogger(agent, given(common.debug_file), verbose, common.quiet === true, makeLogger).child({ action });
    for (const warning of input.warnings) log.warn(warning);
    const delayMs = DELAYED.has(action) ? common.delay * 1000 : 0;
    const deadline = Math.floor(Math.min(operationStartedAt, Date.now())) + delayMs + actionBudgetMs(params);
    const context: FenceContext = { action, plug: given(common.plug), params, log, signal, deadline };

    if (NEEDS_PLUG.has(action) || (action === "validate-all" && agent.handlers.on)) {
      if (context.plug === undefined) return failed("You have to enter plug number or machine identification (plug= or port=, -n)");
    }
    const early = agent.handlers.preflight?.(context);
    if (early) return early;
    await agent.handlers.validate?.(context);
    if (action === "validate-all") return { exitCode: FENCE.SUCCESS };

    if (delayMs > 0) {
      log.info(`delay ${delayMs / 1000} s before ${action}`);
      await sleep(delayMs, undefined, { signal });
    }
    return await perform(agent, context);
  } catch (error) {
    const problem = toAgentError(error);
    log?.error(problem.message);
    return failed(problem.message);
  }
}

/** Runs the action and renders the library's stdout. */
async function perform(agent: FenceAgent, context: FenceContext): Promise<Outcome> {
  const { handlers } = agent;
  const separator = given(typedParams(COMMON_FENCE_OPTIONS, context.params).separator) ?? ",";
  switch (context.action) {
    case "status": {
      const state = await handlers.status(context);
      return state === "on"
        ? { exitCode: FENCE.SUCCESS, stdout: "Status: ON\n" }
        : { exitCode: FENCE.STATUS_OFF, stdout: "Status: OFF\n" };
    }
    case "list":
    case "list-status": {
      const entries = (await handlers.list?.(context)) ?? [];
      const withStatus = context.action === "list-status";
      const lines = entries.map((entry) =>
        [entry.id, entry.alias ?? "", ...(withStatus ? [entry.status ?? "UNKNOWN"] : [])].join(separator),
      );
      return { exitCode: FENCE.SUCCESS, stdout: lines.map((line) => `${line}\n`).join("") };
    }
    case "monitor":
      await handlers.monitor(context);
      return { exitCode: FENCE.SUCCESS };
    case "on":
    case "off":
    case "reboot": {
      const handler = handlers[context.action];
      if (!handler) return failed(`Unrecognised action '${context.action}'`);
      await handler(context);
      return { exitCode: FENCE.SUCCESS, stdout: `${SUCCESS_LINE[context.action]}\n` };
    }
    default:
      return failed(`Unrecognised action '${context.action}'`);
  }
}
