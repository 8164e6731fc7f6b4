// `nova-ha mistral install-workflow`: creates our host-evacuate workflow in Mistral, or updates it when it exists.
import { readFileSync } from "node:fs";
import { AgentError } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import type { Outcome } from "../kit/runtime.js";
import { isConflict } from "../openstack/masakari/masakari-api.js";
import { createMistralApi } from "../openstack/mistral/mistral-api.js";
import { connectBackend } from "./backend-connection.js";
import { CLI_EXIT } from "./cli-exit-codes.js";

/** Where `make install` puts the workflow. */
export const INSTALLED_WORKFLOW = "/usr/share/nova-ha/workflows/nova-ha-host-evacuate.yaml";

/** The options of `nova-ha mistral install-workflow`, as commander parses them. */
export interface InstallWorkflowOptions {
  readonly cloud?: string;
  readonly interface?: string;
  /** The definition to install; the installed one by default. */
  readonly file?: string;
  /** Install it in Mistral's public scope: NovaEvacuate's backend_cloud may start it from another project. */
  readonly public?: boolean;
}

/** Reads the definition, then POSTs it, or PUTs it when Mistral answers 409 (the name exists); prints what it did. */
export async function installWorkflowCommand(options: InstallWorkflowOptions, deps: { env: NodeJS.ProcessEnv; log: Logger }): Promise<Outcome> {
  const path = options.file ?? INSTALLED_WORKFLOW;
  let definition: string;
  try {
    definition = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new AgentError("args", `cannot read the workflow ${path} (${code}): run make install, or give --file`);
  }
  const connection = await connectBackend("mistral", options, deps);
  try {
    const api = createMistralApi(connection.session);
    const scope = options.public ? "public" : undefined;
    let verb = "created";
    let workflows;
    try {
      workflows = await api.createWorkflows(definition, scope);
    } catch (error) {
      if (!isConflict(error)) throw error;
      workflows = await api.updateWorkflows(definition, scope);
      verb = "updated";
    }
    const lines = workflows.map((w) => `workflow ${w.name} ${verb} (${w.id}${scope ? `, ${scope}` : ""}) from ${path}`);
    return { exitCode: CLI_EXIT.OK, stdout: `${lines.join("\n")}\n` };
  } finally {
    connection.close();
  }
}
