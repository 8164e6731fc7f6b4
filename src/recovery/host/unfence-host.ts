// Unfencing a compute host: wait until its evacuation is finished, then lift force-down and re-enable what we disabled.
import { setTimeout as sleep } from "node:timers/promises";
import { AgentError, oneLine } from "../../kit/agent-error.js";
import type { Logger } from "../../kit/logger.js";
import type { ComputeApi } from "../../openstack/api.js";
import { untilAnswered, type UntilAnsweredOptions } from "../../openstack/until-answered.js";
import type { ComputeService } from "../../openstack/types.js";
import type { AttrdClient } from "../../pacemaker/attrd.js";
import { attrdDecidesAlone, attrdReading, markerReading, mayEnable, reasonReading, REQUESTED_VALUE, unfenceRule } from "./host-recovery-state.js";

/** How often the wait looks again, as the peers do. */
export const UNFENCE_POLL_MS = 2_000;

/** What the wait saw when the evacuation was done. */
export interface EvacuationDone {
  /** The attrd value: "no" (evacuated through the protocol) or "" (never flagged, or cleared). */
  readonly attrdValue: string;
  /** The service as Nova reported it at that moment; undefined if Nova no longer lists the host. */
  readonly service: ComputeService | undefined;
}

/** What the wait needs. */
export interface UnfenceDeps {
  readonly compute: ComputeApi;
  readonly attrd: AttrdClient;
  readonly log: Logger;
}

/** An attrd value cut to fit one log line. */
export function shownValue(value: string): string {
  const text = value.trim().replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 40)}… (${text.length} characters)` : text;
}

/** One look: why the host is not done yet (and whether `yes` must be written again), or what it looks like when it is. */
async function look(deps: UnfenceDeps, host: string, warned: Set<string>): Promise<{ waiting: string; reflag?: boolean } | EvacuationDone> {
  let attrdValue: string;
  try {
    attrdValue = await deps.attrd.query(host);
  } catch (error) {
    return { waiting: `attrd cannot be read (${oneLine(error)}); an unreadable flag is not "done"` };
  }
  const attrd = attrdReading(attrdValue);
  if (attrdDecidesAlone(attrd)) return { waiting: `attrd evacuate=${attrdValue.trim()}` };
  if (attrd === "unknown" && !warned.has(attrdValue)) {
    warned.add(attrdValue);
    deps.log.warn({ host }, `unknown attrd value evacuate='${shownValue(attrdValue)}' (not yes, no or <node>@<epoch>): deciding from Nova's marker alone`);
  }
  let service: ComputeService | undefined;
  try {
    service = (await deps.compute.listServices({ host })).find((entry) => entry.host === host);
  } catch (error) {
    return { waiting: `Nova cannot be read (${oneLine(error)})` };
  }
  const rule = unfenceRule(attrd, markerReading(service));
  if (rule.step === "done") return { attrdValue: attrdValue.trim(), service };
  const why = `${rule.why} (Nova marker '${service?.disabledReason ?? ""}')`;
  return rule.step === "reflag" ? { waiting: why, reflag: true } : { waiting: why };
}

/** Writes `yes` again so that any evacuator, ours or a peer's, picks the host up; a failed write is retried at the next look. */
async function reflag(deps: UnfenceDeps, host: string): Promise<void> {
  try {
    await deps.attrd.update(host, REQUESTED_VALUE);
    deps.log.info({ host }, "evacuate=yes written again: our Nova marker says the host's recovery is still owed");
  } catch (error) {
    deps.log.warn({ host, err: oneLine(error) }, "could not write evacuate=yes again; trying at the next look");
  }
}

/**
 * Waits until `host`'s evacuation is finished, ours or a peer's, by UNFENCE_RULES (host-recovery-state.ts): attrd `yes` or
 * `<node>@<epoch>`, or our marker `evacuating`, wait; `no` under our `fenced` marker is a peer's done; a value lost
 * (purged) or unknown under `fenced` is written `yes` again and waited for; anything else is done.
 * Polls every `pollMs` until done or `signal` aborts (the Pacemaker operation timeout is the only bound).
 * An attrd or Nova error is logged and waited out, never taken as "done".
 */
export async function waitForEvacuationDone(
  deps: UnfenceDeps,
  host: string,
  options: { signal: AbortSignal; pollMs?: number },
): Promise<EvacuationDone> {
  let lastReason = "";
  const warned = new Set<string>();
  for (;;) {
    const seen = await look(deps, host, warned);
    if (!("waiting" in seen)) return seen;
    if (seen.reflag) await reflag(deps, host);
    if (seen.waiting !== lastReason) {
      deps.log.info({ host }, `Waiting for ${host} to complete evacuations: ${seen.waiting}`);
      lastReason = seen.waiting;
    }
    try {
      await sleep(options.pollMs ?? UNFENCE_POLL_MS, undefined, { signal: options.signal });
    } catch {
      throw new AgentError("generic", `stopped while waiting for ${host} to complete evacuations (${lastReason})`);
    }
  }
}

/** What lifting did to the service's status. */
export type LiftOutcome = "enabled" | "already-enabled" | "left-disabled-foreign-reason" | "left-disabled-no-reason" | "unknown-host";

/** What lifting did: the status, and forced_down (Nova refuses to clear it while `done` evacuation records remain). */
export interface LiftResult {
  readonly status: LiftOutcome;
  readonly forcedDown: "cleared" | "was-clear" | "still-set";
}

/** How the lift's Nova calls outlast a flaky network (both calls are idempotent, so an answer lost after Nova did the work is harmless). */
export type LiftOptions = UntilAnsweredOptions;

/** Tries once more to clear forced_down of a host, with a fresh read of its service; true once it is clear. */
export async function retryClearForcedDown(deps: Pick<UnfenceDeps, "compute" | "log">, host: string): Promise<boolean> {
  const service = (await deps.compute.listServices({ host })).find((entry) => entry.host === host);
  if (!service) return true;
  return (await clearForcedDown(deps, service, {})) !== "still-set";
}

/** Clears forced_down; a refusal (Nova keeps it while `done` evacuations wait for nova-compute to restart) is logged, not fatal. */
async function clearForcedDown(deps: Pick<UnfenceDeps, "compute" | "log">, service: ComputeService, options: LiftOptions): Promise<LiftResult["forcedDown"]> {
  if (!service.forcedDown) return "was-clear";
  try {
    await untilAnswered(deps.log, service.host, "clearing forced_down", () => deps.compute.forceDown(service, false), options);
    deps.log.info({ host: service.host }, "forced_down cleared");
    return "cleared";
  } catch (error) {
    deps.log.warn(
      { host: service.host, err: oneLine(error) },
      "forced_down stays set for now; it can be cleared once nova-compute has restarted on the host (run unfencing again then)",
    );
    return "still-set";
  }
}

/**
 * Lifts the fence of a host whose evacuation is done: clears forced_down (always: the host is back, Nova
 * should see its real heartbeat), then enables the service unless an operator disabled it for their own reason.
 * A transient failure of either call is tried again until `options.signal` aborts (LiftOptions).
 */
export async function liftFence(deps: Pick<UnfenceDeps, "compute" | "log">, done: EvacuationDone, options: LiftOptions = {}): Promise<LiftResult> {
  const { compute, log } = deps;
  const service = done.service;
  if (!service) return { status: "unknown-host", forcedDown: "was-clear" };
  const host = service.host;
  const forcedDown = await clearForcedDown(deps, service, options);
  if (service.status === "enabled") return { status: "already-enabled", forcedDown };
  if (!mayEnable(service, done.attrdValue)) {
    const foreign = reasonReading(service.disabledReason) === "foreign";
    log.warn(
      { host, reason: service.disabledReason ?? "" },
      foreign
        ? "service left disabled: it was disabled for a reason that is not ours"
        : "service left disabled: disabled without a reason and no evacuation went through attrd, so an operator did it",
    );
    return { status: foreign ? "left-disabled-foreign-reason" : "left-disabled-no-reason", forcedDown };
  }
  await untilAnswered(log, host, "enabling the service", () => compute.enable(service), options);
  log.info({ host }, "nova-compute service enabled");
  return { status: "enabled", forcedDown };
}
