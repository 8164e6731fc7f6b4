// Undoing a cloud lab from its owner record: the simulator, the Pacemaker lab, installed files, clouds.yaml.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lab-bundles.js";
import { type OwnerRecord, removeOwner, restoreCloudsYaml, writeOwner } from "./lab-ownership.js";
import { run } from "../lab-process.js";
import { stopSim } from "./sim-process.js";

/** Where the OCF agents keep state (HA_RSCTMP's default). */
const AGENT_STATE_DIR = "/run/resource-agents";
/** State files of the lab's resources and ocf-tester instances (named after them): start files, pid files, caches. */
const AGENT_STATE_FILE = /^(nova-evacuate|nova-compute|nova-ha-)/;

/** Removes the files of AGENT_STATE_DIR whose names `match`. */
function removeAgentFiles(match: (name: string) => boolean): void {
  let names: string[] = [];
  try {
    names = readdirSync(AGENT_STATE_DIR);
  } catch {
    return;
  }
  for (const name of names.filter(match)) rmSync(`${AGENT_STATE_DIR}/${name}`, { force: true });
}

/**
 * Removes the state the lab's agents left in /run/resource-agents (what a reboot would clear): a later lab has a new
 * CIB but the simulator gives its servers the same ids, so a remembered power state or failure would leak into it.
 */
export function clearAgentState(): void {
  removeAgentFiles((name) => AGENT_STATE_FILE.test(name));
}

/** The agents' caches only (token, failures, power states: `nova-ha-<instance>.*`), not the resources' "started" files. */
export function clearAgentCaches(): void {
  removeAgentFiles((name) => name.startsWith("nova-ha-"));
}

/**
 * Stops and removes what the record says the lab started or changed, in reverse order, and keeps the record up to
 * date as it goes (a teardown cut short can be finished later). Each part is attempted even if an earlier one failed;
 * the first failure is thrown at the end.
 */
export async function teardownRecord(record: OwnerRecord, progress: (line: string) => void): Promise<void> {
  const failures: string[] = [];
  const attempt = async (what: string, action: () => Promise<void> | void): Promise<void> => {
    try {
      await action();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (record.pacemaker) {
    progress("stopping Pacemaker (test/lab/pacemaker/pacemaker-down.sh, CIB wiped)");
    await attempt("stopping Pacemaker", async () => {
      const result = await run("bash", [join(REPO_ROOT, "test/lab/pacemaker/pacemaker-down.sh")], { env: { LAB_WIPE: "1" }, timeoutMs: 180_000 });
      if (result.exitCode !== 0) throw new Error(result.all.trim().split("\n").slice(-5).join("\n"));
      record.pacemaker = false;
      writeOwner(record);
      clearAgentState();
    });
  }
  // The simulator goes after Pacemaker: stopped first, it fails a fencing in flight (fence_compute cannot reach
  // Keystone), the controller retries it, and pacemakerd waits out pacemaker-down.sh's 60 s grace (measured: 62 s).
  if (record.simPid !== undefined) {
    const pid = record.simPid;
    await attempt("stopping the simulator", async () => {
      await stopSim(pid);
      delete record.simPid;
      writeOwner(record);
    });
  }
  for (const path of [...record.installed]) {
    await attempt(`removing ${path}`, () => {
      rmSync(path, { force: true });
      record.installed = record.installed.filter((p) => p !== path);
      writeOwner(record);
    });
  }
  await attempt("restoring clouds.yaml", () => {
    restoreCloudsYaml(record);
    writeOwner(record);
  });
  if (failures.length > 0) throw new Error(`lab teardown incomplete: ${failures.join("; ")}`);
  removeOwner();
  progress("lab down");
}
