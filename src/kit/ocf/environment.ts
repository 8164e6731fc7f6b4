// What Pacemaker tells an OCF agent through its environment.
import { execFile } from "node:child_process";
import { childEnvironment } from "../child-env.js";

/** The OCF environment of one agent invocation. */
export interface OcfEnvironment {
  /** Instance attributes: OCF_RESKEY_<name>, without the CRM_meta_ ones. */
  readonly params: ReadonlyMap<string, string>;
  /** Resource id, e.g. "nova-evacuate" (clones carry ":N"). */
  readonly instance: string;
  /** Operation interval in ms; 0 for a probe or a one-off action. */
  readonly intervalMs: number;
  /** Operation timeout in ms, if Pacemaker gave one. */
  readonly timeoutMs: number | undefined;
  /** The node the operation runs on, when Pacemaker says (remote nodes). */
  readonly onNode: string | undefined;
  /** Directory for state files (HA_RSCTMP, default /run/resource-agents). */
  readonly stateDir: string;
  /** HA_debug=1 or OCF_TRACE_RA set. */
  readonly debug: boolean;
}

/** Reads the OCF variables out of a process environment. */
export function readOcfEnvironment(env: NodeJS.ProcessEnv): OcfEnvironment {
  const params = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("OCF_RESKEY_") || value === undefined) continue;
    const name = key.slice("OCF_RESKEY_".length);
    if (name.startsWith("CRM_meta_") || name === "crm_feature_set") continue;
    params.set(name, value);
  }
  const number = (value: string | undefined): number | undefined =>
    value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  return {
    params,
    instance: env.OCF_RESOURCE_INSTANCE || "default",
    intervalMs: number(env.OCF_RESKEY_CRM_meta_interval) ?? 0,
    timeoutMs: number(env.OCF_RESKEY_CRM_meta_timeout),
    onNode: env.OCF_RESKEY_CRM_meta_on_node || undefined,
    stateDir: env.HA_RSCTMP || "/run/resource-agents",
    debug: env.HA_debug === "1" || Boolean(env.OCF_TRACE_RA),
  };
}

/** A monitor without an interval is a probe: Pacemaker asks whether the resource runs here. */
export function isProbe(action: string, environment: OcfEnvironment): boolean {
  return action === "monitor" && environment.intervalMs === 0;
}

/**
 * `crm_resource --force-*` runs (PCMK_service=crm_resource) get no CRM_meta_on_node, so their state files and node
 * name would differ from those of the cluster's own operations: --force-check then reported a running resource as
 * "not running" (nova-ha lab finding). Such runs ask Pacemaker for the local node name (crm_node -n, which also works
 * on remote nodes); any other run is returned unchanged.
 */
export async function withManualRunNode(environment: OcfEnvironment, env: NodeJS.ProcessEnv): Promise<OcfEnvironment> {
  if (environment.onNode || env.PCMK_service !== "crm_resource") return environment;
  const name = await new Promise<string>((resolve) => {
    execFile("crm_node", ["-n"], { timeout: 5_000, env: childEnvironment(env) }, (error, stdout) => resolve(error ? "" : String(stdout).trim()));
  });
  return /^[\w.-]+$/.test(name) ? { ...environment, onNode: name } : environment;
}
