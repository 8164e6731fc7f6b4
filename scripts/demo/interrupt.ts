// Ctrl-C and friends: an AbortSignal that SIGINT/SIGTERM/SIGHUP trip once; further signals are absorbed, never fatal.

/** Thrown where the demo notices it was interrupted. */
export class Interrupted extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
    this.name = "Interrupted";
  }
}

/** Installs the handlers (for the life of the process) and returns the signal they abort, with the signal's name as reason. */
export function interruptOnSignals(signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"]): AbortSignal {
  const controller = new AbortController();
  for (const name of signals) process.on(name, () => controller.abort(name));
  return controller.signal;
}

/** The Interrupted error for an aborted signal. */
export function interruption(signal: AbortSignal): Interrupted {
  return new Interrupted(typeof signal.reason === "string" ? signal.reason : "signal");
}

/** Throws Interrupted when the signal was aborted. */
export function checkInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw interruption(signal);
}

/** A progress callback that can stop a bring-up, and the switch that makes it harmless again. */
export interface InterruptibleProgress {
  readonly progress: (line: string) => void;
  /** The bring-up is over: from now on the callback is silent and never throws (the lab's teardown reports through it). */
  disarm(): void;
}

/**
 * A progress callback for a long bring-up that has no cancel of its own (startCloudLab): lines are printed until
 * the signal is aborted; while armed, the first call after that throws Interrupted, which stops the bring-up at its
 * next step (it then tears down what it started); later calls (its teardown's progress) are silent, and so is every
 * call once disarmed.
 */
export function interruptibleProgress(print: (line: string) => void, signal: AbortSignal): InterruptibleProgress {
  let armed = true;
  return {
    progress(line) {
      if (!signal.aborted) {
        if (armed) print(line);
        return;
      }
      if (!armed) return;
      armed = false;
      throw interruption(signal);
    },
    disarm() {
      armed = false;
    },
  };
}

/** Resolves with the promise, or rejects with Interrupted as soon as the signal is aborted (the promise runs on). */
export function unlessInterrupted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(interruption(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(interruption(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
