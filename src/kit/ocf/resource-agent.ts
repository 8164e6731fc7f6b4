// The declaration of an OCF resource agent: parameters, actions and their handlers.
import type { Logger } from "../logger.js";
import type { OcfCode } from "../exit-codes.js";
import type { ParamSpec, ParamValues } from "../params.js";
import type { OcfEnvironment } from "./environment.js";

/** What every action handler receives. */
export interface OcfContext {
  readonly action: string;
  readonly params: ParamValues;
  readonly environment: OcfEnvironment;
  /** A monitor without interval. */
  readonly probe: boolean;
  readonly log: Logger;
  /** Aborted on SIGTERM. */
  readonly signal: AbortSignal;
  /** Epoch ms by which the action must have returned (from the operation timeout, with a margin). */
  readonly deadline: number;
}

/** An action handler: return an OCF code (default success) or throw an AgentError. */
export type OcfHandler = (context: OcfContext) => Promise<OcfCode | void>;

/** One advertised action. */
export interface OcfAction {
  /** Default timeout in seconds, for the metadata. */
  readonly timeout: number;
  /** Default interval in seconds (monitor). */
  readonly interval?: number;
  readonly depth?: number;
  readonly handler: OcfHandler;
}

/** An OCF resource agent, declared as data plus handlers. */
export interface ResourceAgent {
  readonly name: string;
  readonly version: string;
  readonly shortdesc: string;
  readonly longdesc: string;
  readonly params: readonly ParamSpec[];
  readonly actions: Readonly<Record<string, OcfAction>>;
  /** Checks beyond the parameter table (combinations, programs on PATH); throws AgentError. */
  readonly validate?: (context: OcfContext) => Promise<void>;
}

/** Declares a resource agent (identity function that fixes the type). */
export function defineResourceAgent(agent: ResourceAgent): ResourceAgent {
  return agent;
}
