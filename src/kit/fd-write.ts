// Writing a whole string to a file descriptor synchronously, even when it is a non-blocking pipe.
import { writeSync } from "node:fs";

/** Errors after which nobody will read what we write: the text is dropped, never thrown. */
const READER_GONE = new Set(["EPIPE", "EBADF", "ECONNRESET"]);

/** Pause between two attempts while a non-blocking pipe is full. */
const RETRY_PAUSE_MS = 2;

/** Sleeps the thread without spinning (the write must stay synchronous: it may run during process exit). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Writes all of `text` to `fd`. A full non-blocking pipe (EAGAIN, as a parent's pipe can be) is retried until
 * `patienceMs` has passed, then the rest is dropped; a reader that has gone away drops the rest at once.
 * Returns whether everything was written. Never throws for those cases, so logging cannot crash an agent.
 */
export function writeFully(fd: number, text: string, patienceMs: number): boolean {
  let rest = Buffer.from(text, "utf8");
  const deadline = Date.now() + patienceMs;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (READER_GONE.has(code)) return false;
      if (code !== "EAGAIN" || Date.now() >= deadline) {
        if (code === "EAGAIN") return false;
        throw error;
      }
      pause(RETRY_PAUSE_MS);
    }
  }
  return true;
}
