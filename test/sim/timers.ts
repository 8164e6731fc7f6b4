// A set of pending timeouts that can be cancelled together when the simulator stops or is reseeded.

/** Tracks every pending timeout so that none outlives the simulator. */
export class TimerSet {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Runs `fn` after `ms` milliseconds unless cleared first. */
  after(ms: number, fn: () => void): void {
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, Math.max(0, Math.round(ms)));
    this.pending.add(handle);
  }

  /** Number of timeouts still pending. */
  get size(): number {
    return this.pending.size;
  }

  /** Cancels every pending timeout. */
  clear(): void {
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}

/** Resolves after `ms` milliseconds without keeping the process alive (for delays inside a request). */
export function requestDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
