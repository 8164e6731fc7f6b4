// What is left of an operation's time: the deadline and abort signal every request, retry and backoff of a session obeys.
import { setTimeout as sleep } from "node:timers/promises";
import { oneLine } from "../kit/agent-error.js";
import { OpenStackError, SERVICE_LABELS, type ServiceName } from "./errors.js";

/** The bounds of the operation a session works for (Pacemaker's operation timeout, SIGTERM). */
export interface OperationBounds {
  /** Epoch ms after which no request starts and none goes on. */
  readonly deadline?: number;
  /** Aborted when the operation is stopped. */
  readonly signal?: AbortSignal;
}

/** The longest delay a Node.js timer takes (2^31-1 ms); anything longer fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds left before the deadline (Infinity without one, 0 or less once it has passed). */
export function msLeft(bounds: OperationBounds, now = Date.now()): number {
  return bounds.deadline === undefined ? Infinity : bounds.deadline - now;
}

/** A signal that fires when the operation is aborted or its deadline passes; undefined when there is neither. */
export function requestSignal(bounds: OperationBounds): AbortSignal | undefined {
  const left = msLeft(bounds);
  const timer = Number.isFinite(left) ? AbortSignal.timeout(Math.min(MAX_TIMER_MS, Math.max(0, left))) : undefined;
  const signals = [bounds.signal, timer].filter((signal): signal is AbortSignal => signal !== undefined);
  return signals.length <= 1 ? signals[0] : AbortSignal.any(signals);
}

/** Where a request goes, for the messages below. */
export interface RequestLabel {
  readonly service: ServiceName;
  readonly method: string;
  readonly url: string;
}

/** The error of a request that was stopped by the operation's abort signal. */
export function stoppedError(req: RequestLabel, signal: AbortSignal, cause?: unknown): OpenStackError {
  const reason = oneLine(signal.reason ?? "aborted");
  return new OpenStackError({
    kind: "timeout", service: req.service, method: req.method, path: new URL(req.url).pathname, cause,
    what: `${req.method} ${new URL(req.url).pathname} to ${SERVICE_LABELS[req.service]} was stopped: ${reason}`,
    hint: "the operation was stopped before the answer came",
  });
}

/** The error of a request that had no time left: never sent (`sent` false) or cut off at the deadline. */
export function outOfTimeError(req: RequestLabel, sent: boolean, cause?: unknown): OpenStackError {
  const path = new URL(req.url).pathname;
  const label = SERVICE_LABELS[req.service];
  const what = sent
    ? `${label} did not answer ${req.method} ${path} before the operation's timeout`
    : `no time left to send ${req.method} ${path} to ${label}: the operation's timeout has passed`;
  return new OpenStackError({
    kind: "timeout", service: req.service, method: req.method, path, what, cause,
    hint: `check that ${label} is up and answers quickly, or give the operation a longer timeout`,
  });
}

/** Throws when a request may not start: the operation was aborted or its deadline has passed. */
export function assertTimeLeft(bounds: OperationBounds, req: RequestLabel): void {
  if (bounds.signal?.aborted) throw stoppedError(req, bounds.signal);
  if (msLeft(bounds) <= 0) throw outOfTimeError(req, false);
}

/** Waits `ms` unless the operation is aborted first (then it throws the stopped error). */
export async function sleepWithin(bounds: OperationBounds, ms: number, req: RequestLabel): Promise<void> {
  try {
    await sleep(ms, undefined, { signal: bounds.signal });
  } catch (error) {
    if (bounds.signal?.aborted) throw stoppedError(req, bounds.signal, error);
    throw error;
  }
}
