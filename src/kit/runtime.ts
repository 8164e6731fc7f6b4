// The only process boundary: run an agent, catch everything, write stdout once, exit once.
import { oneLine } from "./agent-error.js";
import { writeFully } from "./fd-write.js";
import { asciiOnly, scrubSecrets } from "./logger.js";

/** What an agent run produced: protocol output for stdout, an exit code, and an optional last word for stderr. */
export interface Outcome {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/** How long a run may go on after SIGTERM before it is cut short. */
const TERM_GRACE_MS = 2_000;

/** How long protocol output and the last word wait for a full pipe to drain before giving up. */
const OUTPUT_PATIENCE_MS = 30_000;

/** Writes all of a string to a file descriptor; a closed pipe or one never drained loses the text, never the exit. */
function writeAll(fd: number, text: string): void {
  if (text) writeFully(fd, text, OUTPUT_PATIENCE_MS);
}

/** Runs `main` as the whole process and exits with its code; nothing escapes as a stack trace. */
export async function runProcess(main: (signal: AbortSignal) => Promise<Outcome>, failureCode = 1): Promise<never> {
  const abort = new AbortController();
  const finish = (outcome: Outcome): never => {
    writeAll(1, outcome.stdout ?? "");
    writeAll(2, asciiOnly(scrubSecrets(outcome.stderr ?? ""))); // ASCII only: see asciiOnly (Pacemaker 2.1.5)
    process.exit(outcome.exitCode);
  };
  const onTerm = (signalName: string) => () => {
    if (abort.signal.aborted) return;
    abort.abort(new Error(`stopped by ${signalName}`));
    setTimeout(() => finish({ exitCode: failureCode, stderr: `stopped by ${signalName} before finishing\n` }), TERM_GRACE_MS).unref();
  };
  process.on("SIGTERM", onTerm("SIGTERM"));
  process.on("SIGINT", onTerm("SIGINT"));
  process.stdout.on("error", () => undefined);
  let outcome: Outcome;
  try {
    outcome = await main(abort.signal);
  } catch (error) {
    outcome = { exitCode: failureCode, stderr: `${oneLine(error)}\n` };
  }
  return finish(outcome);
}
