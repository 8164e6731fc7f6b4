// Saves the recovery caches as soon as they change, so a pass killed half-way (SIGKILL, Pacemaker's timeout) loses
// nothing it learned: one write at a time, and the changes made during a write go out in one more write after it.

/** A saver that can be asked often and settles cheaply. */
export interface CoalescingSaver {
  /** Asks for a save of the current state (now, or right after the write under way). */
  request(): void;
  /** Waits until every requested save is written. */
  flush(): Promise<void>;
}

/** Wraps `save` (never rejected from here: `onError` hears of failures) into a CoalescingSaver. */
export function coalescingSaver(save: () => Promise<void>, onError: (error: unknown) => void): CoalescingSaver {
  let writing: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    writing = save().catch(onError).then(() => {
      writing = undefined;
      if (!again) return undefined;
      again = false;
      return run();
    });
    return writing;
  };
  return {
    request() {
      if (writing) again = true;
      else void run();
    },
    async flush() {
      while (writing) await writing;
    },
  };
}
