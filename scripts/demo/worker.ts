// The demo's worker process: runs the demo in its own session, so Ctrl-C reaches only main.ts, which relays it once.
import { readOwner, ownerAlive } from "../../test/lab/pacemaker/lab-ownership.js";
import { teardownRecord } from "../../test/lab/pacemaker/lab-teardown.js";
import { createDisplay } from "./display.js";
import { interruptOnSignals } from "./interrupt.js";
import { parseDemoOptions } from "./options.js";
import { runDemo } from "./run-demo.js";

/** `--teardown`: stops the lab an earlier `--keep` left up. */
async function tearDownKept(print: (line: string) => void): Promise<number> {
  const record = readOwner();
  if (!record) {
    print("no demo lab is up.");
    return 0;
  }
  if (ownerAlive(record)) {
    print(`the lab belongs to a running process (pid ${record.pid}); not touching it.`);
    return 1;
  }
  await teardownRecord(record, print);
  return 0;
}

async function main(): Promise<number> {
  const signal = interruptOnSignals();
  const options = parseDemoOptions(process.argv.slice(2), Boolean(process.stdout.isTTY));
  const display = createDisplay(process.stdout, options.live);
  if (options.teardown) return tearDownKept((line) => display.line(line));
  if (process.getuid?.() !== 0) {
    display.line("the demo needs root: it runs a Pacemaker cluster, network namespaces and installs the agents (try: sudo npm run demo)");
    return 1;
  }
  return runDemo(options, display, signal);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
