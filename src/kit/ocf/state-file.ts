// The "started" state file of a resource, in HA_RSCTMP, the way the shell agents keep it.
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AgentError } from "../agent-error.js";
import type { OcfEnvironment } from "./environment.js";

/** Path of a resource's state file with a given suffix (".active" is what the peers use). */
export function stateFilePath(environment: OcfEnvironment, suffix = ".active"): string {
  const node = environment.onNode ? `.${environment.onNode}` : "";
  return join(environment.stateDir, `${environment.instance}${node}${suffix}`);
}

/** Records the resource as started. */
export async function markStarted(environment: OcfEnvironment): Promise<void> {
  try {
    await mkdir(environment.stateDir, { recursive: true });
    await writeFile(stateFilePath(environment), `${new Date().toISOString()}\n`);
  } catch (error) {
    throw new AgentError("generic", `cannot write the state file in ${environment.stateDir}: ${(error as Error).message}`);
  }
}

/** Records the resource as stopped (idempotent). */
export async function markStopped(environment: OcfEnvironment): Promise<void> {
  await rm(stateFilePath(environment), { force: true });
}

/** True when the resource was started on this node and not stopped since. */
export async function isStarted(environment: OcfEnvironment): Promise<boolean> {
  return stat(stateFilePath(environment)).then(() => true, () => false);
}
