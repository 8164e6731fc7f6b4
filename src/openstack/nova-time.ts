// Nova's timestamps, parsed in one place: ISO 8601 in UTC, often without a zone suffix.

/** Milliseconds since the epoch of a Nova time; 0 for none (plan-host treats "no time" as "long ago"). */
export function novaTimeMs(time: string | null | undefined): number {
  if (!time) return 0;
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? time : `${time}Z`);
}
