// Time in the lab: a timeline of named events, and waiting for a condition with a message that says what was awaited.
import { setTimeout as sleep } from "node:timers/promises";

/** One event on the timeline. */
export interface TimelineEvent {
  readonly label: string;
  /** Wall-clock time in ms since the epoch. */
  readonly at: number;
}

/** Named events in time order; the first event is the zero of every printed offset unless another origin is given. */
export class Timeline {
  private readonly events: TimelineEvent[] = [];

  /** Records an event now, or at a time read from a log. Returns the time. */
  mark(label: string, at: number = Date.now()): number {
    this.events.push({ label, at });
    this.events.sort((a, b) => a.at - b.at);
    return at;
  }

  /** The time of the first event with this label. */
  at(label: string): number | undefined {
    return this.events.find((event) => event.label === label)?.at;
  }

  /** The time of an event that must exist. */
  require(label: string): number {
    const at = this.at(label);
    if (at === undefined) throw new Error(`no "${label}" on the timeline (have: ${this.events.map((e) => e.label).join(", ")})`);
    return at;
  }

  /** Seconds from one event to another. */
  seconds(from: string, to: string): number {
    return (this.require(to) - this.require(from)) / 1000;
  }

  /** Forgets every event (a reused lab starts each test file with an empty timeline). */
  clear(): void {
    this.events.length = 0;
  }

  /** A copy of the events. */
  list(): TimelineEvent[] {
    return [...this.events];
  }

  /** One line per event: "+12.34 s  label", relative to `origin` and from it on (default: from the first event). */
  format(origin?: string): string {
    const zero = origin !== undefined ? this.require(origin) : (this.events[0]?.at ?? 0);
    return this.events
      .filter((event) => event.at >= zero)
      .map((event) => {
        const offset = (event.at - zero) / 1000;
        return `${offset >= 0 ? "+" : "-"}${Math.abs(offset).toFixed(2).padStart(7)} s  ${event.label}`;
      })
      .join("\n");
  }
}

/** How to wait. */
export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Look again after this long (default 500 ms). */
  intervalMs?: number;
  /** What the condition looked like last, for the timeout message. */
  describe?: () => string | Promise<string>;
}

/**
 * Calls `check` until it returns something other than undefined/false and returns that; a check that throws counts
 * as "not yet". On timeout, throws an error that names what was awaited, for how long, and what was seen last.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  let lastError = "";
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      lastError = "";
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() - started >= timeoutMs) {
      const seen = options.describe ? await Promise.resolve(options.describe()).catch((e: unknown) => `(could not describe: ${String(e)})`) : "";
      const details = [lastError && `last error: ${lastError}`, seen && `last seen: ${seen}`].filter(Boolean).join("; ");
      throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${details ? ` (${details})` : ""}`);
    }
    await sleep(options.intervalMs ?? 500);
  }
}
