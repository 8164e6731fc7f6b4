// `nova-ha masakari sync-segment`: puts Pacemaker's remote nodes (as Nova names them) into a Masakari failover segment.
import { AgentError, oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import type { Outcome } from "../kit/runtime.js";
import { openStackFromParams } from "../agents/openstack-session.js";
import type { OpenStackConnection } from "../openstack/connect.js";
import { createMasakariApi, type MasakariApi, type NewSegment } from "../openstack/masakari/masakari-api.js";
import { resolveNovaHost } from "../recovery/host/host-name.js";
import { connectBackend } from "./backend-connection.js";
import { CLI_EXIT } from "./cli-exit-codes.js";
import { readRemoteNodes } from "./pacemaker-remote-nodes.js";
import { cliCloudParams } from "./cli-cloud-params.js";

/** The options of `nova-ha masakari sync-segment`, as commander parses them. */
export interface SyncSegmentOptions {
  readonly cloud?: string;
  readonly interface?: string;
  readonly recoveryMethod: NewSegment["recoveryMethod"];
  /** Cluster node names; else crm_mon's remote nodes. */
  readonly nodes?: string[];
  /** Hosts (Nova or node names) to mark reserved (reserved_host method). */
  readonly reserved?: string[];
  /** Removes segment hosts that are no longer remote nodes. */
  readonly prune?: boolean;
}

/** What the command needs from outside. */
export interface SyncSegmentDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** The remote nodes, when --nodes is not given (crm_mon by default). */
  readonly remoteNodes?: () => Promise<string[]>;
}

/** The control_attributes our hosts carry: Pacemaker, not masakari-hostmonitor, watches them. */
export const CONTROL_ATTRIBUTES = "pacemaker-remote; notified by nova-ha NovaEvacuate";

/** Creates the segment if missing and makes its hosts the remote nodes; prints one line per change. */
export async function syncSegmentCommand(segmentName: string, options: SyncSegmentOptions, deps: SyncSegmentDeps): Promise<Outcome> {
  const nodes = options.nodes && options.nodes.length > 0 ? options.nodes : await (deps.remoteNodes ?? readRemoteNodes)();
  if (nodes.length === 0) throw new AgentError("args", "no remote nodes found: name the compute nodes with --nodes");
  const novaHosts = await novaHostNames(options, deps);
  const resolve = (name: string): string => {
    try {
      return resolveNovaHost(name, novaHosts);
    } catch (error) {
      throw new AgentError("args", oneLine(error));
    }
  };
  const wanted = [...new Set(nodes.map(resolve))];
  const reserved = new Set((options.reserved ?? []).map(resolve));
  for (const host of reserved) if (!wanted.includes(host)) throw new AgentError("args", `reserved host ${host} is not among the nodes (${wanted.join(", ")})`);
  if (options.recoveryMethod === "reserved_host" && reserved.size === 0) throw new AgentError("args", "--recovery-method reserved_host needs at least one --reserved host");

  const connection = await connectBackend("masakari", options, deps);
  try {
    const lines = await sync(createMasakariApi(connection.session), segmentName, options, wanted, reserved);
    return { exitCode: CLI_EXIT.OK, stdout: `${lines.join("\n")}\n` };
  } finally {
    connection.close();
  }
}

async function sync(api: MasakariApi, segmentName: string, options: SyncSegmentOptions, wanted: string[], reserved: Set<string>): Promise<string[]> {
  const lines: string[] = [];
  let segment = (await api.listSegments()).find((s) => s.name === segmentName);
  if (!segment) {
    segment = await api.createSegment({ name: segmentName, recoveryMethod: options.recoveryMethod, serviceType: "COMPUTE", description: "nova-ha: Pacemaker remote nodes" });
    lines.push(`segment ${segmentName} created (${segment.uuid}, recovery_method ${segment.recoveryMethod})`);
  } else if (segment.recoveryMethod !== options.recoveryMethod) {
    const before = segment.recoveryMethod;
    segment = await api.updateSegment(segment.uuid, { recoveryMethod: options.recoveryMethod });
    lines.push(`segment ${segmentName} recovery_method ${before} -> ${segment.recoveryMethod}`);
  } else {
    lines.push(`segment ${segmentName} exists (${segment.uuid})`);
  }
  const hosts = await api.listHosts(segment.uuid);
  for (const name of wanted) {
    const host = hosts.find((h) => h.name === name);
    if (!host) {
      await api.createHost(segment.uuid, { name, type: "COMPUTE", controlAttributes: CONTROL_ATTRIBUTES, reserved: reserved.has(name) });
      lines.push(`host ${name} added${reserved.has(name) ? " (reserved)" : ""}`);
    } else if (host.reserved !== reserved.has(name)) {
      await api.updateHost(segment.uuid, host.uuid, { reserved: reserved.has(name) });
      lines.push(`host ${name} ${reserved.has(name) ? "now reserved" : "no longer reserved"}`);
    } else {
      lines.push(`host ${name} present${host.onMaintenance ? " (on maintenance: clear it after the host is repaired)" : ""}`);
    }
  }
  for (const host of hosts.filter((h) => !wanted.includes(h.name))) {
    if (options.prune) {
      await api.deleteHost(segment.uuid, host.uuid);
      lines.push(`host ${host.name} removed (not a remote node)`);
    } else {
      lines.push(`host ${host.name} is not a remote node (kept; --prune removes it)`);
    }
  }
  return lines;
}

/** Nova's nova-compute host names, which Masakari requires as host names. */
async function novaHostNames(options: SyncSegmentOptions, deps: SyncSegmentDeps): Promise<string[]> {
  const openstack = await openStackFromParams(cliCloudParams(options), { env: deps.env, log: deps.log });
  try {
    return (await openstack.compute.listServices()).map((s) => s.host);
  } finally {
    (openstack as Partial<OpenStackConnection>).close?.();
  }
}
