// Runs one OCF action: meta-data and usage, parameter parsing, validation, probe policy, the handler, exit code.
import { AgentError, toAgentError, type ErrorKind } from "../agent-error.js";
import { parseBoolean } from "../boolean.js";
import { echo } from "../echo.js";
import { OCF, type OcfCode } from "../exit-codes.js";
import { createLogger, registerSecrets, type Logger } from "../logger.js";
import { parseParams, secretValues, type ParamValues } from "../params.js";
import type { Outcome } from "../runtime.js";
import { isProbe, readOcfEnvironment, withManualRunNode } from "./environment.js";
import { ocfMetadata } from "./metadata.js";
import type { OcfContext, ResourceAgent } from "./resource-agent.js";

/** OCF exit code for each error kind. */
export const OCF_CODE_OF_KIND: Readonly<Record<ErrorKind, OcfCode>> = {
  configured: OCF.ERR_CONFIGURED,
  args: OCF.ERR_ARGS,
  installed: OCF.ERR_INSTALLED,
  unimplemented: OCF.ERR_UNIMPLEMENTED,
  "not-running": OCF.NOT_RUNNING,
  generic: OCF.ERR_GENERIC,
};

/**
 * What an invalid configuration means for each kind of call (the resource-agents convention):
 * a probe reports "not running" (the resource cannot be running here); stop still stops, with the default of each
 * malformed parameter (and a warning) and every other value as given; anything else fails with the error's own code.
 */
const INVALID_CONFIG_POLICY: Readonly<Record<string, "not-running" | "lenient" | "fail">> = {
  probe: "not-running",
  stop: "lenient",
};

/** Safety margin kept between our deadline and Pacemaker's operation timeout. */
const DEADLINE_MARGIN = 0.15;

/** The usage line printed for `usage`, `help` and a missing action. */
export function ocfUsage(agent: ResourceAgent): string {
  const actions = [...Object.keys(agent.actions), "validate-all", "meta-data", "usage"];
  return `usage: ${agent.name} {${[...new Set(actions)].join("|")}}\n`;
}

/** An outcome for a failure, with the `ocf-exit-reason:` line Pacemaker shows to the operator. */
function failure(code: OcfCode, reason: string): Outcome {
  return { exitCode: code, stderr: `ocf-exit-reason:${reason}\n` };
}

/** Runs `agent` for argv[0] with the OCF environment `env`. */
export async function runResourceAgent(
  agent: ResourceAgent,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  makeLogger: (verbose: boolean) => Logger = (verbose) => createLogger({ name: agent.name, verbose }),
  /**
   * When the operation began, epoch ms. Pacemaker's timeout runs from the fork, so an agent process counts from its
   * own start (`main.ts` passes performance.timeOrigin): Node's start-up, seconds on a loaded node, is part of it.
   */
  operationStartedAt: number = Date.now(),
): Promise<Outcome> {
  const action = argv[0];
  if (action === "meta-data" || action === "metadata") return { exitCode: OCF.SUCCESS, stdout: ocfMetadata(agent) };
  if (action === "usage" || action === "help" || action === "--help") return { exitCode: OCF.SUCCESS, stdout: ocfUsage(agent) };
  if (action === undefined) return { exitCode: OCF.ERR_ARGS, stdout: ocfUsage(agent), stderr: "ocf-exit-reason:no action given\n" };
  const handler = action === "validate-all" ? async () => undefined : agent.actions[action]?.handler;
  if (!handler) return failure(OCF.ERR_UNIMPLEMENTED, `action ${echo(action)} is not supported by ${agent.name}`);

  const environment = await withManualRunNode(readOcfEnvironment(env), env);
  const probe = isProbe(action, environment);
  const policy = INVALID_CONFIG_POLICY[probe ? "probe" : action] ?? "fail";
  const startedAt = Math.floor(Math.min(operationStartedAt, Date.now()));
  const timeoutMs = environment.timeoutMs ?? (agent.actions[action]?.timeout ?? 20) * 1000;
  const baseLog = makeLogger(environment.debug || parseBoolean(environment.params.get("verbose") ?? "") === true);
  const log = baseLog.child({ action, rsc: environment.instance });

  let params: ParamValues;
  const context = (values: ParamValues): OcfContext => ({
    action, params: values, environment, probe, log, signal, deadline: startedAt + timeoutMs * (1 - DEADLINE_MARGIN),
  });
  try {
    const onInvalid = policy === "lenient" ? (message: string) => log.warn(message) : undefined;
    params = parseParams(agent.params, environment.params, { onInvalid });
    registerSecrets(secretValues(agent.params, params));
    if (policy !== "lenient") await agent.validate?.(context(params));
  } catch (error) {
    const problem = toAgentError(error);
    if (policy === "not-running") {
      log.debug({ reason: problem.message }, "probe with an unusable configuration: reporting not running");
      return { exitCode: OCF.NOT_RUNNING };
    }
    log.error(problem.message);
    return failure(OCF_CODE_OF_KIND[problem.kind], problem.message);
  }
  if (action === "validate-all") return { exitCode: OCF.SUCCESS };

  try {
    const code = (await handler(context(params))) ?? OCF.SUCCESS;
    log.debug({ rc: code }, `${action} finished`);
    return { exitCode: code };
  } catch (error) {
    const problem = toAgentError(error);
    log.error(problem.message);
    return failure(OCF_CODE_OF_KIND[problem.kind], problem.message);
  }
}

/** Throws the error that makes an action return OCF_NOT_RUNNING. */
export function notRunning(message: string): never {
  throw new AgentError("not-running", message);
}
