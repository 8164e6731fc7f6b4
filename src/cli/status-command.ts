// `nova-ha status`: reads attrd and Nova side by side and reports, per host, where its recovery stands.
import { AgentError, oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import type { Outcome } from "../kit/runtime.js";
import type { OpenStackConnection } from "../openstack/connect.js";
import type { AttrdClient } from "../pacemaker/attrd.js";
import { resolveNovaHost } from "../recovery/host/host-name.js";
import { openStackFromParams } from "../agents/openstack-session.js";
import { backendReader, withBackendProgress } from "./backend-progress.js";
import { CLI_EXIT } from "./cli-exit-codes.js";
import { hostStatuses, type HostStatus } from "./host-status.js";
import { renderJson, renderTable } from "./status-report.js";
import { cliCloudParams } from "./cli-cloud-params.js";

/** The options of `nova-ha status`, as commander parses them. */
export interface StatusOptions {
  readonly cloud?: string;
  readonly interface?: string;
  readonly all?: boolean;
  readonly json?: boolean;
}

/** What the command needs from outside: the environment, a logger and attrd. */
export interface StatusDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly attrd: AttrdClient;
}

/** Why attrd could not be read, in one line; a missing attrd_updater means this is not a cluster node. */
function attrdProblem(error: unknown): string {
  if (error instanceof AgentError && error.kind === "installed") return "attrd_updater is not installed here: run nova-ha on a cluster node";
  return oneLine(error);
}

/** The rows to show: the named hosts (by the fence_compute name rules), else every host that is not plain ok. */
function selectRows(rows: readonly HostStatus[], hosts: readonly string[], all: boolean): HostStatus[] {
  if (hosts.length === 0) return rows.filter((row) => all || row.phase !== "ok");
  const names = rows.map((row) => row.host);
  const wanted = new Set(hosts.map((host) => {
    try {
      return resolveNovaHost(host, names);
    } catch (error) {
      throw new AgentError("args", oneLine(error));
    }
  }));
  return rows.filter((row) => wanted.has(row.host));
}

/** Runs the command: one attrd query and one Nova service list, in parallel. */
export async function statusCommand(hosts: readonly string[], options: StatusOptions, deps: StatusDeps): Promise<Outcome> {
  const flags = deps.attrd.queryAll().then(
    (values) => ({ values, error: undefined }),
    (error: unknown) => ({ values: undefined, error: attrdProblem(error) }),
  );
  const openstack = await openStackFromParams(cliCloudParams(options), { env: deps.env, log: deps.log });
  try {
    const services = await openstack.compute.listServices();
    const attrd = await flags;
    const reader = backendReader(options, deps);
    const rows = await withBackendProgress(selectRows(hostStatuses(services, attrd.values, Date.now()), hosts, options.all === true), reader.read)
      .finally(() => reader.close());
    const context = { attrdError: attrd.error, serviceCount: services.length };
    const stdout = options.json ? renderJson(rows, context) : renderTable(rows, context);
    if (attrd.error === undefined) return { exitCode: CLI_EXIT.OK, stdout };
    return { exitCode: CLI_EXIT.PARTIAL, stdout, stderr: `nova-ha: attrd not readable, evacuate flags unknown: ${attrd.error}\n` };
  } finally {
    (openstack as Partial<OpenStackConnection>).close?.();
  }
}
