// The integration run's global teardown: stops the cloud lab the last test file left running (lab-fixture.ts keeps it
// between files). By then every file has run; the test worker that owns the lab may still be alive, idle.
import { teardownRecord } from "../lab/pacemaker/lab-teardown.js";
import { ownerAlive, readOwner } from "../lab/pacemaker/lab-ownership.js";
import { processStat } from "../lab/lab-process.js";

/** True when `pid` is this process or one of its descendants (a worker of this vitest run). */
function ourProcess(pid: number): boolean {
  for (let current = pid; current > 1; current = processStat(current)?.ppid ?? 0) {
    if (current === process.pid) return true;
  }
  return false;
}

/** After the last file (nothing to set up: the first file starts the lab): stops the lab this run left, if any. */
export async function teardown(): Promise<void> {
  const record = readOwner();
  if (!record) return;
  if (ownerAlive(record) && !ourProcess(record.pid)) {
    process.stderr.write(`the cloud lab belongs to pid ${record.pid}, not to this run: left running\n`);
    return;
  }
  await teardownRecord(record, (line) => process.stdout.write(`[lab teardown] ${line}\n`));
}
