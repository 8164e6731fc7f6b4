// The compute the calibration crashes: its own servers moved off first and back after, the calibration servers booted on it.
import type { LabSession } from "../../nova/lab.js";
import { type NovaServer, bootServers, deleteServersNamed, migrateTo, serversOnHost } from "../../nova/lab-compute.js";

/** Name prefix of every server the calibration boots (leftovers of an interrupted run are deleted by it). */
export const CALIBRATION_PREFIX = "calib-";

/** Servers booted at once; more at once has made the lab's single scheduler worker time out. */
const BOOT_BATCH = 8;

/**
 * Moves every server that is not the calibration's off `host` (cold migration, state kept), round-robin over
 * `targets`, so that the crash touches none of them. Fails, before moving anything, on a server that is busy or
 * in a state cold migration refuses.
 */
export async function moveServersOff(lab: LabSession, host: string, targets: readonly string[], progress: (line: string) => void): Promise<NovaServer[]> {
  const servers = (await serversOnHost(lab, host)).filter((s) => !s.name.startsWith(CALIBRATION_PREFIX));
  const stuck = servers.filter((s) => s.taskState !== null || !["ACTIVE", "SHUTOFF"].includes(s.status));
  if (stuck.length > 0) {
    throw new Error(`${host} holds servers that cannot be moved off: ${stuck.map((s) => `${s.name} ${s.status}/${s.taskState}`).join(", ")}`);
  }
  for (const [i, s] of servers.entries()) {
    progress(`moving ${s.name} (${s.status}) off ${host}`);
    await migrateTo(lab, s.id, targets[i % targets.length] as string);
  }
  return servers;
}

/** Moves the servers back to `host`, each in the state it had. */
export async function moveServersBack(lab: LabSession, host: string, servers: readonly NovaServer[], progress: (line: string) => void): Promise<void> {
  for (const s of servers) {
    progress(`moving ${s.name} back to ${host}`);
    await migrateTo(lab, s.id, host);
  }
}

/** Boots servers named `names` on `host` (flavor lab.tiny, ACTIVE), a batch at a time; returns their ids by name. */
export async function bootOn(lab: LabSession, host: string, names: readonly string[], progress: (line: string) => void): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < names.length; i += BOOT_BATCH) {
    const batch = names.slice(i, i + BOOT_BATCH);
    progress(`booting ${batch.length} servers on ${host} (${i + batch.length}/${names.length})`);
    const booted = await bootServers(lab, batch.map((name) => ({ name, flavor: "lab.tiny", host })));
    for (const s of booted) ids.set(s.name, s.id);
  }
  return ids;
}

/** Deletes every calibration server, wherever it is. */
export function deleteCalibrationServers(lab: LabSession): Promise<void> {
  return deleteServersNamed(lab, CALIBRATION_PREFIX);
}
