// `nova-ha mistral install-workflow`: creates our host-evacuate workflow in Mistral, or updates it when it exists.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AgentError } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import type { Outcome } from "../kit/runtime.js";
import { isConflict } from "../openstack/masakari/masakari-api.js";
import { createMistralApi } from "../openstack/mistral/mistral-api.js";
import { connectBackend } from "./backend-connection.js";
import { CLI_EXIT } from "./cli-exit-codes.js";

/** Where the workflow is installed below PREFIX (scripts/install.sh). */
const WORKFLOW_UNDER_PREFIX = "share/nova-ha/workflows/nova-ha-host-evacuate.yaml";

/** The installed workflow: beside the running nova-ha ($PREFIX/bin/nova-ha → $PREFIX/share/…), else under /usr. */
export function installedWorkflow(executable = process.argv[1] ?? ""): string {
  const besideExecutable = join(dirname(dirname(executable)), WORKFLOW_UNDER_PREFIX);
  return executable && existsSync(besideExecutable) ? besideExecutable : join("/usr", WORKFLOW_UNDER_PREFIX);
}

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
  const path = options.file ?? installedWorkflow();
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
