// Checks an answer's shape with zod and turns a mismatch into an "invalid-response" OpenStackError.
import type { z } from "zod";
import { OpenStackError, SERVICE_LABELS, type ServiceName } from "./errors.js";

/** Where an answer came from, for the error message. */
export interface AnswerContext {
  service: ServiceName;
  method: string;
  path: string;
  requestId?: string;
}

/** Parses `data` with `schema` (unknown fields are ignored by the schemas); throws invalid-response on mismatch. */
export function parseAnswer<S extends z.ZodType>(schema: S, data: unknown, ctx: AnswerContext): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  const detail = typeof data === "string" ? "the body is not JSON" : `${where}: ${issue?.message ?? "unexpected shape"}`;
  return invalid(ctx, detail);
}

/** Throws an invalid-response error for an answer that cannot be used. */
export function invalid(ctx: AnswerContext, detail: string): never {
  throw new OpenStackError({
    kind: "invalid-response",
    service: ctx.service,
    method: ctx.method,
    path: ctx.path,
    requestId: ctx.requestId,
    what: `${SERVICE_LABELS[ctx.service]} sent an unexpected answer to ${ctx.method} ${ctx.path}`,
    detail,
  });
}
