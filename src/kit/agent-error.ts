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

/** The longest line an error is reported with: a safety net behind the echo of each value (kit/echo.ts). */
const MAX_LINE = 500;

/** The first line of an error's message, trimmed, and cut at MAX_LINE characters. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = (text.split("\n").find((candidate) => candidate.trim() !== "") ?? "unknown error").trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}... (${line.length} characters)` : line;
}
