// The nova-ha operator CLI: `status` shows, per host, the attrd flag, the Nova service and where recovery stands.
import { Command, CommanderError, Option } from "commander";
import { oneLine, toAgentError } from "../kit/agent-error.js";
import { createLogger, scrubSecrets, type Logger } from "../kit/logger.js";
import { runProcess, type Outcome } from "../kit/runtime.js";
import { attrdUpdater, type AttrdClient } from "../pacemaker/attrd.js";
import { addBackendCommands } from "./backend-commands.js";
import { CLI_EXIT } from "./cli-exit-codes.js";
import { statusCommand, type StatusOptions } from "./status-command.js";

/** Package version, set at build time. */
const VERSION = "0.1.0";

/** Where a run gets its environment, logger and attrd from (tests pass their own). */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  /** Makes the logger; `verbose` adds debug lines (every HTTP request). */
  readonly makeLog: (verbose: boolean) => Logger;
  readonly attrd: () => AttrdClient;
}

/** The context of a real run: this process's environment, stderr, the attrd_updater on PATH. */
function processContext(): CliContext {
  return {
    env: process.env,
    makeLog: (verbose) => {
      const log = createLogger({ name: "nova-ha", verbose });
      if (!verbose && process.env.HA_debug !== "1") log.level = "warn"; // an operator's terminal gets warnings only
      return log;
    },
    attrd: () => attrdUpdater(),
  };
}

/** Commander's error text as one line: "error: unknown option '--x'\n(Did you mean --y?)" → "unknown option '--x' (did you mean --y?)". */
function usageLine(text: string): string {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).join(" ").replace(/^error: /, "").replace(/\(Did you/, "(did you").replace(/\.$/, "");
}

/** Builds the command tree; `result` receives what the chosen command produced. */
function program(context: CliContext, output: { text: string }, result: { outcome?: Outcome }): Command {
  const root = new Command("nova-ha")
    .exitOverride()
    .configureOutput({ writeOut: (text) => { output.text += text; }, writeErr: (text) => { output.text += text; } })
    .showSuggestionAfterError(true)
    .version(VERSION)
    .description("Instance HA for OpenStack on Pacemaker: operator commands")
    .addHelpText("after", "\nCredentials come from --cloud (clouds.yaml) or the OS_* variables; never from the command line.");
  root
    .command("status")
    .description("per host: attrd evacuate value, Nova service state, forced_down, recovery marker and phase")
    .argument("[hosts...]", "only these hosts (Nova host or cluster node names); shown whatever their phase")
    .option("--cloud <name>", "clouds.yaml entry (else OS_CLOUD or the OS_* variables)")
    .addOption(new Option("--interface <type>", "Keystone catalog interface (else OS_INTERFACE, clouds.yaml, internal)")
      .choices(["public", "internal", "admin", "publicURL", "internalURL", "adminURL"]))
    .option("--all", "list every nova-compute service, not only hosts that need attention")
    .option("--json", "print JSON for scripts instead of the table")
    .option("-v, --verbose", "log every HTTP request to stderr")
    .action(async (hosts: string[], options: StatusOptions & { verbose?: boolean }) => {
      const log = context.makeLog(options.verbose === true);
      result.outcome = await statusCommand(hosts, options, { env: context.env, log, attrd: context.attrd() });
    });
  addBackendCommands(root, context, result);
  return root;
}

/** Runs nova-ha with `argv` (no node/script prefix) and returns what to print and the exit code; never throws. */
export async function novaHa(argv: readonly string[], context: CliContext = processContext()): Promise<Outcome> {
  const output = { text: "" };
  const result: { outcome?: Outcome } = {};
  try {
    await program(context, output, result).parseAsync([...argv], { from: "user" });
    return result.outcome ?? { exitCode: CLI_EXIT.OK, stdout: output.text };
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { exitCode: CLI_EXIT.OK, stdout: output.text };
      if (error.code === "commander.help") return { exitCode: CLI_EXIT.USAGE, stderr: output.text };
      return { exitCode: CLI_EXIT.USAGE, stderr: `nova-ha: ${usageLine(output.text || error.message)}; see nova-ha --help\n` };
    }
    const failure = toAgentError(error);
    const code = failure.kind === "args" ? CLI_EXIT.USAGE : CLI_EXIT.FAILED;
    return { exitCode: code, stderr: `nova-ha: ${scrubSecrets(oneLine(failure))}\n` };
  }
}

/** Runs the CLI as the whole process and exits. */
export function runCli(argv: string[]): Promise<never> {
  return runProcess(() => novaHa(argv), CLI_EXIT.FAILED);
}
