// Who owns the cloud lab, and what it changed outside its own directories: so teardown undoes exactly that.
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { processAlive } from "../lab-process.js";

/** The cloud lab's own state directory (bundles, site file, owner record). */
export const CLOUD_LAB_STATE = "/run/nova-ha-cloud-lab";
/** The Pacemaker lab's PID of pacemakerd (test/lab/pacemaker/lab-common.sh). */
const PACEMAKERD_PID = "/run/nova-ha-lab/pacemakerd.pid";
/** The clouds.yaml the deploy steps write. */
export const CLOUDS_YAML = "/etc/openstack/clouds.yaml";

/** What the owner record says: the process that started the lab and what it started or changed. */
export interface OwnerRecord {
  /** The process that started the lab (the test runner, the demo). */
  pid: number;
  /** The simulator's PID, once started. */
  simPid?: number;
  /** Whether a clouds.yaml existed before (then it was moved to CLOUDS_YAML.nova-ha-lab-orig). */
  cloudsYamlSaved?: boolean;
  /** Whether the lab wrote clouds.yaml (restored or removed at teardown). */
  cloudsYamlWritten?: boolean;
  /** Whether /etc/openstack did not exist before (removed at teardown when empty). */
  openstackDirNew?: boolean;
  /** Files the lab installed outside its directories (removed at teardown). */
  installed: string[];
  /** Whether the Pacemaker lab was started (stopped and wiped at teardown). */
  pacemaker?: boolean;
}

const OWNER_FILE = join(CLOUD_LAB_STATE, "owner.json");
const CLOUDS_BACKUP = `${CLOUDS_YAML}.nova-ha-lab-orig`;

/** The record of the lab currently set up, if any. */
export function readOwner(): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(OWNER_FILE, "utf8")) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** Saves the record (after every change, so a crash leaves an accurate one behind). */
export function writeOwner(record: OwnerRecord): void {
  mkdirSync(CLOUD_LAB_STATE, { recursive: true, mode: 0o755 });
  writeFileSync(OWNER_FILE, `${JSON.stringify(record, null, 2)}\n`);
}

/** Forgets the record and the lab's state directory. */
export function removeOwner(): void {
  rmSync(CLOUD_LAB_STATE, { recursive: true, force: true });
}

/** True when the process that owns a record still runs. */
export function ownerAlive(record: OwnerRecord): boolean {
  return record.pid !== process.pid && processAlive(record.pid, "");
}

/** True when a Pacemaker lab runs (its pacemakerd is alive). */
export function pacemakerLabRunning(): boolean {
  try {
    return processAlive(Number(readFileSync(PACEMAKERD_PID, "utf8").trim()), "pacemakerd");
  } catch {
    return false;
  }
}

/** Moves an existing clouds.yaml aside before the deploy steps write the lab's; records it. */
export function saveCloudsYaml(record: OwnerRecord): void {
  if (record.cloudsYamlWritten) return;
  record.openstackDirNew = !existsSync(dirname(CLOUDS_YAML));
  if (existsSync(CLOUDS_YAML) && !existsSync(CLOUDS_BACKUP)) {
    renameSync(CLOUDS_YAML, CLOUDS_BACKUP);
    record.cloudsYamlSaved = true;
  }
  record.cloudsYamlWritten = true;
  writeOwner(record);
}

/** Puts back the clouds.yaml that was there before the lab, or removes the lab's. */
export function restoreCloudsYaml(record: OwnerRecord): void {
  if (!record.cloudsYamlWritten) return;
  rmSync(CLOUDS_YAML, { force: true });
  if (record.cloudsYamlSaved && existsSync(CLOUDS_BACKUP)) renameSync(CLOUDS_BACKUP, CLOUDS_YAML);
  if (record.openstackDirNew) {
    try {
      rmdirSync(dirname(CLOUDS_YAML));
    } catch {
      // not empty: someone else put files there meanwhile
    }
  }
  record.cloudsYamlWritten = false;
}
