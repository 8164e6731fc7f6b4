// Waiting out a flaky OpenStack for an action that Pacemaker's operation timeout alone bounds (unfencing).
import { setTimeout as sleep } from "node:timers/promises";
import { oneLine } from "../kit/agent-error.js";
import type { Logger } from "../kit/logger.js";
import { OpenStackError, SERVICE_LABELS } from "./errors.js";
import { isTransient } from "./retry.js";

/**
 * How a call outlasts a flaky network: after a transient failure (connection reset, 5xx, timeout) that the
 * transport's own retries did not cure, the call is made again every `retryMs` until `signal` aborts (Pacemaker's
 * operation timeout). Without a signal, a call is made once (through the transport's retries).
 */
export interface UntilAnsweredOptions {
  readonly signal?: AbortSignal;
  readonly retryMs?: number;
}

/** Pause between two tries after a transient failure. */
export const UNTIL_ANSWERED_RETRY_MS = 1_000;

/**
 * Runs `call` again after each transient failure until it answers or `options.signal` aborts (then the last error is
 * thrown); any other failure is thrown at once. Only for calls that are safe to repeat. A failure is logged when its
 * text differs from the one before, so a long outage is one line, not one a second.
 */
export async function untilAnswered<T>(log: Logger, host: string, what: string, call: () => Promise<T>, options: UntilAnsweredOptions): Promise<T> {
  let lastText = "";
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const { signal } = options;
      if (!signal || signal.aborted || !(error instanceof OpenStackError) || !isTransient(error)) throw error;
      const text = oneLine(error);
      const service = error.service ? SERVICE_LABELS[error.service] : "OpenStack";
      if (text !== lastText) log.warn({ host, err: text }, `${what}: ${service} did not answer; trying again`);
      lastText = text;
      try {
        await sleep(options.retryMs ?? UNTIL_ANSWERED_RETRY_MS, undefined, { signal });
      } catch {
        throw error;
      }
    }
  }
}
