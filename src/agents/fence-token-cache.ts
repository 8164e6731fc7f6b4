// Where the fence agents keep their Keystone token between runs, so a monitor every minute is not a login every minute.
import { join } from "node:path";

/** Root-only tmpfs directory for the fence agents' state; NOVA_HA_RUN_DIR overrides it ("" turns caching off). */
export const DEFAULT_RUN_DIR = "/run/nova-ha";

/**
 * The token cache file of the fence agents, or undefined when caching is off: NOVA_HA_RUN_DIR="" or, without
 * NOVA_HA_RUN_DIR, a run by anyone but root (pacemaker-fenced runs agents as root; a manual run by another user
 * would only warn that it cannot write there).
 */
export function fenceTokenCachePath(env: NodeJS.ProcessEnv, uid: number | undefined = process.getuid?.()): string | undefined {
  const dir = env.NOVA_HA_RUN_DIR ?? (uid === 0 ? DEFAULT_RUN_DIR : "");
  return dir === "" ? undefined : join(dir, "fence-tokens.json");
}
