// The one error type agents throw: a stable kind that each protocol maps to its exit code.

/** What went wrong, independent of the protocol. */
export type ErrorKind =
  | "configured" // a parameter is missing or has a wrong value
  | "args" // the invocation itself is wrong (unknown option, malformed input line)
  | "installed" // a required program or file is not on this node
  | "unimplemented" // the action is not supported
  | "not-running" // the resource is not running
  | "generic"; // anything else: the operation failed

/** An expected failure with a one-line reason that says what to fix. */
export class AgentError extends Error {
  override readonly name = "AgentError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Shorthand for a configuration error. */
export const configError = (message: string): AgentError => new AgentError("configured", message);

/** Turns anything thrown into an AgentError with a one-line message and no stack. */
export function toAgentError(error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (kind === "config") return new AgentError("configured", oneLine(error), { cause: error });
  return new AgentError("generic", oneLine(error), { cause: error });
}

/** The first line of an error's message, trimmed. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n").find((line) => line.trim() !== "") ?? "unknown error").trim();
}
