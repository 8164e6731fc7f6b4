// The declaration of a fence agent: its own options, whether it is a fabric agent, and its action handlers.
import type { Logger } from "../logger.js";
import type { ParamSpec, ParamValues } from "../params.js";
import type { Outcome } from "../runtime.js";
import { COMMON_FENCE_OPTIONS } from "./common-options.js";

/** The two answers of `status`. */
export type PowerState = "on" | "off";

/** One row of `list` / `list-status`. */
export interface PlugEntry {
  readonly id: string;
  readonly alias?: string;
  readonly status?: "ON" | "OFF" | "UNKNOWN";
}

/** What every fence handler receives. */
export interface FenceContext {
  readonly action: string;
  /** The target, from plug/port; required for on, off, reboot and status. */
  readonly plug: string | undefined;
  readonly params: ParamValues;
  readonly log: Logger;
  /** Aborted on SIGTERM. */
  readonly signal: AbortSignal;
  /**
   * Epoch ms by which the action's requests must be over: `shell_timeout` after the action starts (after `delay`),
   * Infinity when shell_timeout is 0 or disable_timeout is set. Pacemaker passes fence agents no timeout of its own.
   */
  readonly deadline: number;
}

/** Action handlers; the advertised actions follow from which ones exist. */
export interface FenceHandlers {
  readonly status: (context: FenceContext) => Promise<PowerState>;
  readonly on?: (context: FenceContext) => Promise<void>;
  readonly off: (context: FenceContext) => Promise<void>;
  readonly reboot?: (context: FenceContext) => Promise<void>;
  readonly list?: (context: FenceContext) => Promise<PlugEntry[]>;
  readonly monitor: (context: FenceContext) => Promise<void>;
  /** Checks beyond the table (credentials present, ...), for validate-all and every action; throws AgentError. */
  readonly validate?: (context: FenceContext) => Promise<void>;
  /** Answers before any work when the device is configured to do nothing (record_only=disabled). */
  readonly preflight?: (context: FenceContext) => Outcome | undefined;
}

/** A fence agent ready to run. */
export interface FenceAgent {
  readonly name: string;
  readonly version: string;
  readonly shortdesc: string;
  readonly longdesc: string;
  readonly vendorUrl?: string;
  /** Common options followed by the agent's own. */
  readonly params: readonly ParamSpec[];
  readonly defaultAction: string;
  /** A fabric agent cannot reboot, and its `on` (unfencing) runs automatically. */
  readonly fabric: boolean;
  /** Advertised actions, in metadata order. */
  readonly actions: readonly string[];
  readonly handlers: FenceHandlers;
}

/** The declaration an agent file writes. */
export interface FenceAgentDeclaration extends Omit<FenceAgent, "params" | "actions"> {
  readonly ownParams: readonly ParamSpec[];
}

/** Builds a fence agent: common options (with this agent's default action) plus its own, and its action list. */
export function defineFenceAgent(declaration: FenceAgentDeclaration): FenceAgent {
  const { ownParams, ...rest } = declaration;
  const common = COMMON_FENCE_OPTIONS.map((spec) =>
    spec.name === "action" ? { ...spec, default: declaration.defaultAction } : spec,
  );
  const handlers = declaration.handlers;
  const actions = [
    ...(handlers.on ? ["on"] : []),
    "off",
    ...(handlers.reboot && !declaration.fabric ? ["reboot"] : []),
    "status",
    ...(handlers.list ? ["list", "list-status"] : []),
    "monitor",
  ];
  return { ...rest, params: [...common, ...ownParams], actions };
}
