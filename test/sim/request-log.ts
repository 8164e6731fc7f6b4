// The record of API requests served: a bounded log plus counters by service, route and status.

/** One served request (control API requests are not recorded). */
export interface RequestLogEntry {
  /** Wall-clock time the request arrived (ms since epoch). */
  at: number;
  method: string;
  /** Path and query as received. */
  path: string;
  /** identity, compute or image. */
  service: string;
  /** The route template that matched, e.g. "GET /compute/v2.1/servers/{id}", or "unmatched". */
  route: string;
  status: number;
  durationMs: number;
  requestId: string;
  /** The negotiated Nova microversion, if any. */
  microversion?: string;
}

/** Request counters. */
export interface RequestCounts {
  total: number;
  byService: Record<string, number>;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** A ring buffer of requests and their counters. */
export class RequestLog {
  private buffer: RequestLogEntry[] = [];
  private counters: RequestCounts = { total: 0, byService: {}, byRoute: {}, byStatus: {} };

  constructor(private readonly capacity = 10_000) {}

  /** Records one request. */
  record(entry: RequestLogEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.capacity) this.buffer.splice(0, this.buffer.length - this.capacity);
    this.counters.total++;
    bump(this.counters.byService, entry.service);
    bump(this.counters.byRoute, entry.route);
    bump(this.counters.byStatus, String(entry.status));
  }

  /** The latest entries, oldest first (at most `limit`). */
  entries(limit?: number): RequestLogEntry[] {
    return limit === undefined ? [...this.buffer] : this.buffer.slice(-limit);
  }

  /** A copy of the counters. */
  counts(): RequestCounts {
    return structuredClone(this.counters);
  }

  /** Clears the counters and the log. */
  reset(): void {
    this.buffer = [];
    this.counters = { total: 0, byService: {}, byRoute: {}, byStatus: {} };
  }
}
