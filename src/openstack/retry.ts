// When and how long to wait before retrying an HTTP call: exponential backoff with jitter, idempotent calls only.
import { isTlsCode, type OpenStackError } from "./errors.js";

/** Default number of retries after the first attempt. */
export const DEFAULT_RETRIES = 2;
/** First backoff step. */
export const BASE_DELAY_MS = 250;
/** Longest single wait, so retries stay well inside Pacemaker operation timeouts. */
export const MAX_DELAY_MS = 4_000;

/** Methods safe to repeat; POST only when the caller marks the call idempotent. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** True when the method may be retried without the caller's say-so. */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** True when a failure is transient: 5xx except 501, 429, connection failures and timeouts. */
export function isTransient(error: OpenStackError): boolean {
  if (error.status !== undefined) return (error.status >= 500 && error.status !== 501) || error.status === 429;
  // A certificate that failed verification will fail again: not transient.
  // Failures without a network code are not network failures either.
  return (error.kind === "unreachable" && error.code !== undefined && !isTlsCode(error.code)) || error.kind === "timeout";
}

/** The wait before retry number `attempt` (1-based): base·2^(attempt-1), capped, with ±50% jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0 && retryAfterMs <= MAX_DELAY_MS) return retryAfterMs;
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + random()));
}

/** Parses a Retry-After header given in seconds. */
export function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== "string" || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}
