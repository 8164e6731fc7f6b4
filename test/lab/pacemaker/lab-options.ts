// What a test asks of its cloud lab: what the lab is made of (its shape, fixed once it runs) and what can be tuned on a
// running one (latency, reconnect_interval, load-threshold), with the defaults.

/** What to put in the lab. */
export interface CloudLabOptions {
  /** Lab compute nodes compute-1..N (pacemaker_remote nodes, Nova hosts heartbeated by a real process). Default 2. */
  computes?: number;
  /** Simulator-only hosts spare-1..M: capacity to evacuate to. Default 2. */
  spares?: number;
  /** Servers seeded on every host. Default 4. */
  serversPerHost?: number;
  /** Every n-th server is SHUTOFF. Default 3. */
  shutoffEvery?: number;
  /** How long one evacuation takes in the simulator. Default 1000 ms. */
  evacuateLatencyMs?: number;
  /**
   * reconnect_interval of the compute nodes' connections (Pacemaker interval), default "5s". It is also when a fenced
   * node gets unfenced (powered on, then fence_compute on waits for its evacuation) and, while that waits, the cluster
   * starts no new transition.
   */
  reconnectInterval?: string;
  /**
   * Pacemaker's load-threshold cluster property (its default is 80%). Above it the controller throttles, and at "high
   * load" it runs one graph action at a time: on a busy 2-core lab, an unfencing that waits for a recovery then holds
   * back every other action of its transition, such as a connection start. A high value (e.g. "2000%") keeps the lab
   * from throttling. Default: Pacemaker's.
   */
  loadThreshold?: string;
  /** Simulator seed (ids, scheduling ties). Default 42. */
  seed?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

/** How long one evacuation takes in the simulator unless a test says otherwise. */
export const DEFAULT_EVACUATE_LATENCY_MS = 1000;
/** The remote connections' reconnect_interval unless a test says otherwise. */
export const DEFAULT_RECONNECT_INTERVAL = "5s";
/** What a lab is made of, fixed once it runs: a lab is reused only for options of the same shape (lab-reuse.ts). */
export interface LabShape {
  computes: string[];
  spares: string[];
  serversPerHost: number;
  shutoffEvery: number;
  seed: number;
}

/** The shape `options` ask for, with the defaults filled in. */
export function labShape(options: CloudLabOptions): LabShape {
  return {
    computes: Array.from({ length: options.computes ?? 2 }, (_, i) => `compute-${i + 1}`),
    spares: Array.from({ length: options.spares ?? 2 }, (_, i) => `spare-${i + 1}`),
    serversPerHost: options.serversPerHost ?? 4,
    shutoffEvery: options.shutoffEvery ?? 3,
    seed: options.seed ?? 42,
  };
}

/** True when two shapes are the same lab. */
export function sameShape(a: LabShape, b: LabShape): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
