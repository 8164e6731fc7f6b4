// The cluster's pacemaker_remote nodes (the compute nodes), read from crm_mon's XML.
import { AgentError } from "../kit/agent-error.js";

/** The names of the nodes of type "remote" in `crm_mon --output-as=xml` output, in document order. */
export function remoteNodesFromXml(xml: string): string[] {
  const names: string[] = [];
  for (const tag of xml.match(/<node\s[^>]*>/g) ?? []) {
    const attr = (name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const name = attr("name");
    if (attr("type") === "remote" && name) names.push(name);
  }
  return names;
}

/** Runs crm_mon once and returns the remote nodes; a missing crm_mon says to run on a cluster node or pass --nodes. */
export async function readRemoteNodes(): Promise<string[]> {
  const { execa } = await import("execa");
  const result = await execa("crm_mon", ["--one-shot", "--inactive", "--output-as=xml"], { reject: false, timeout: 30_000, stdin: "ignore" });
  if ((result as { code?: string }).code === "ENOENT") throw new AgentError("installed", "crm_mon is not installed here: run on a cluster node, or name the hosts with --nodes");
  if (result.exitCode !== 0) throw new AgentError("generic", `crm_mon failed (exit ${result.exitCode ?? "?"}): ${String(result.stderr).split("\n")[0]}`);
  return remoteNodesFromXml(String(result.stdout));
}
