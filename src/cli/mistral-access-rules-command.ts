// `nova-ha mistral access-rules`: prints the access rules of the application credential NovaEvacuate starts Mistral executions with.
import type { Logger } from "../kit/logger.js";
import type { Outcome } from "../kit/runtime.js";
import { endpointPath, mistralAccessRules } from "../recovery/drivers/mistral-access-rules.js";
import { connectBackend } from "./backend-connection.js";
import { CLI_EXIT } from "./cli-exit-codes.js";

/** The options of `nova-ha mistral access-rules`, as commander parses them. */
export interface AccessRulesOptions {
  readonly cloud?: string;
  readonly interface?: string;
  /** Nova's endpoint URL; with workflowUrl, the catalog is not read. */
  readonly computeUrl?: string;
  /** Mistral's endpoint URL. */
  readonly workflowUrl?: string;
}

/** Prints the rules as JSON, one rule a line (what `openstack application credential create --access-rules` takes), for the catalog's endpoints or the given ones. */
export async function accessRulesCommand(options: AccessRulesOptions, deps: { env: NodeJS.ProcessEnv; log: Logger }): Promise<Outcome> {
  let computeUrl = options.computeUrl;
  let workflowUrl = options.workflowUrl;
  if (computeUrl === undefined || workflowUrl === undefined) {
    const connection = await connectBackend("mistral", options, deps);
    try {
      computeUrl ??= await connection.session.serviceEndpoint("compute");
      workflowUrl ??= await connection.session.endpoint();
    } finally {
      connection.close();
    }
  }
  const rules = mistralAccessRules({ compute: endpointPath(computeUrl), workflowv2: endpointPath(workflowUrl) });
  return { exitCode: CLI_EXIT.OK, stdout: `[\n${rules.map((rule) => `  ${JSON.stringify(rule)}`).join(",\n")}\n]\n` };
}
