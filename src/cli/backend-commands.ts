// The nova-ha commands for the recovery back-ends: `masakari sync-segment`, `mistral install-workflow` and `mistral access-rules`.
import { type Command, Option } from "commander";
import type { Logger } from "../kit/logger.js";
import type { Outcome } from "../kit/runtime.js";
import { syncSegmentCommand, type SyncSegmentOptions } from "./masakari-command.js";
import { accessRulesCommand, type AccessRulesOptions } from "./mistral-access-rules-command.js";
import { installWorkflowCommand, type InstallWorkflowOptions } from "./mistral-command.js";

/** What the back-end commands need from the CLI's context. */
interface BackendCommandContext {
  readonly env: NodeJS.ProcessEnv;
  readonly makeLog: (verbose: boolean) => Logger;
}

const list = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];

/** The options every back-end command shares: credentials and verbosity. */
function withCredentials(command: Command): Command {
  return command
    .option("--cloud <name>", "clouds.yaml entry (else OS_CLOUD or the OS_* variables)")
    .addOption(new Option("--interface <type>", "Keystone catalog interface (else OS_INTERFACE, clouds.yaml, internal)")
      .choices(["public", "internal", "admin", "publicURL", "internalURL", "adminURL"]))
    .option("-v, --verbose", "log every HTTP request to stderr");
}

/** Adds `masakari sync-segment`, `mistral install-workflow` and `mistral access-rules` to the nova-ha command tree. */
export function addBackendCommands(root: Command, context: BackendCommandContext, result: { outcome?: Outcome }): void {
  const masakari = root.command("masakari").description("Masakari as NovaEvacuate's recovery back-end (recovery_driver=masakari)");
  withCredentials(masakari
    .command("sync-segment")
    .description("create the failover segment if missing and put Pacemaker's remote nodes into it, by their Nova host names")
    .argument("<segment>", "failover segment name")
    .addOption(new Option("--recovery-method <method>", "recovery_method of a new segment").choices(["auto", "reserved_host", "auto_priority", "rh_priority"]).default("auto"))
    .option("--nodes <names>", "compute nodes, comma-separated (else crm_mon's remote nodes)", list)
    .option("--reserved <names>", "hosts to mark reserved (for reserved_host), comma-separated", list)
    .option("--prune", "remove segment hosts that are not remote nodes"))
    .action(async (segment: string, options: SyncSegmentOptions & { verbose?: boolean }) => {
      const log = context.makeLog(options.verbose === true);
      result.outcome = await syncSegmentCommand(segment, options, { env: context.env, log });
    });
  const mistral = root.command("mistral").description("Mistral as NovaEvacuate's recovery back-end (recovery_driver=mistral)");
  withCredentials(mistral
    .command("install-workflow")
    .description("create our nova-ha-host-evacuate workflow in Mistral, or update it")
    .option("--file <path>", "workflow definition (else the one make install put under /usr/share/nova-ha/workflows)")
    .option("--public", "in Mistral's public scope, for a backend_cloud credential of another project than these credentials'"))
    .action(async (options: InstallWorkflowOptions & { verbose?: boolean }) => {
      const log = context.makeLog(options.verbose === true);
      result.outcome = await installWorkflowCommand(options, { env: context.env, log });
    });
  withCredentials(mistral
    .command("access-rules")
    .description("print the Keystone access rules for the application credential NovaEvacuate starts executions with (backend_cloud)")
    .option("--compute-url <url>", "Nova's endpoint (else the catalog's compute endpoint)")
    .option("--workflow-url <url>", "Mistral's endpoint (else the catalog's workflowv2 endpoint); with both URLs, no credentials are needed"))
    .action(async (options: AccessRulesOptions & { verbose?: boolean }) => {
      const log = context.makeLog(options.verbose === true);
      result.outcome = await accessRulesCommand(options, { env: context.env, log });
    });
}
