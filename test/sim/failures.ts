// Failure injection: which evacuations fail, how, and how often (deterministic with a seed).
import type { Prng } from "./prng.js";

/** The failures the simulator can inject into an evacuation. */
export const FAILURE_KINDS = [
  /** The evacuate call answers HTTP 500 (with `applied`, Nova did the work anyway). */
  "evacuate-500",
  /** The rebuild on the destination fails: migration "failed", server ERROR on the source. */
  "migration-fail",
  /** The scheduler finds no host: migration "error", server ERROR on the source. */
  "no-valid-host",
  /** The rebuild takes `delayMs` longer. */
  "slow-rebuild",
] as const;

/** One kind of injected failure. */
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** When and how a failure applies. Without server/host it applies to every evacuation. */
export interface FailureSpec {
  kind: FailureKind;
  /** Server uuid or name. */
  server?: string;
  /** Source host of the evacuation. */
  host?: string;
  /** Chance per matching evacuation, 0..1 (default 1). */
  probability?: number;
  /** Apply at most this many times (default unlimited). */
  times?: number;
  /** slow-rebuild: extra milliseconds (default 10 × the evacuation latency). */
  delayMs?: number;
  /** evacuate-500: the evacuation still happens although the caller sees 500. */
  applied?: boolean;
}

/** A registered failure with its id and remaining uses. */
export interface ActiveFailure extends FailureSpec {
  id: number;
  used: number;
}

/** The set of injected failures. */
export class FailureBook {
  private readonly active: ActiveFailure[] = [];
  private nextId = 1;

  constructor(private prng: Prng) {}

  /** Restarts the random stream (on reseed) and forgets every failure. */
  restart(prng: Prng): void {
    this.prng = prng;
    this.clear();
  }

  /** Registers a failure; returns its id. */
  add(spec: FailureSpec): number {
    if (!FAILURE_KINDS.includes(spec.kind)) throw new Error(`unknown failure kind ${String(spec.kind)}`);
    const id = this.nextId++;
    this.active.push({ ...spec, id, used: 0 });
    return id;
  }

  /** Removes one failure, or all of them. */
  clear(id?: number): void {
    if (id === undefined) this.active.length = 0;
    else this.active.splice(0, this.active.length, ...this.active.filter((f) => f.id !== id));
  }

  /** The failures currently registered. */
  list(): ActiveFailure[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** Draws whether a failure of `kind` hits this evacuation; consumes one use when it does. */
  draw(kind: FailureKind, server: { uuid: string; name: string }, sourceHost: string): ActiveFailure | undefined {
    for (const f of this.active) {
      if (f.kind !== kind) continue;
      if (f.server !== undefined && f.server !== server.uuid && f.server !== server.name) continue;
      if (f.host !== undefined && f.host !== sourceHost) continue;
      if (f.times !== undefined && f.used >= f.times) continue;
      if (f.probability !== undefined && this.prng.next() >= f.probability) continue;
      f.used++;
      return f;
    }
    return undefined;
  }
}
