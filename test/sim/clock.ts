// The simulator's clock (wall time plus an adjustable offset) and the timestamp formats each service uses.

/** Wall-clock time that tests can move forward without waiting. */
export class SimClock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, as the simulated cloud sees it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves simulated time forward (token expiry, heartbeat staleness); timers still run in real time. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Undoes every advance(). */
  resetOffset(): void {
    this.offsetMs = 0;
  }
}

function parts(ms: number): { date: string; micro: string } {
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.678Z
  return { date: iso.slice(0, 19), micro: `${iso.slice(20, 23)}000` };
}

/** Nova service and migration times: "2012-10-29T13:42:02.000000" (no zone). */
export function novaTime(ms: number): string {
  const p = parts(ms);
  return `${p.date}.${p.micro}`;
}

/** Nova server created/updated and Glance times: "2012-08-20T21:11:09Z". */
export function isoSeconds(ms: number): string {
  return `${parts(ms).date}Z`;
}

/** Keystone token times: "2015-11-06T15:32:17.893769Z". */
export function keystoneTime(ms: number): string {
  const p = parts(ms);
  return `${p.date}.${p.micro}Z`;
}

/** Parses an ISO 8601 time as Nova does (no zone means UTC); undefined if malformed. */
export function parseIsoTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(`0.${frac}`) * 1000 : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Math.floor(ms));
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}
