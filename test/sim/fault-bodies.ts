// Error bodies as each service writes them: Nova faults, Keystone errors, keystonemiddleware 401, Glance (webob).
import { HttpError, type SimResponse } from "./http-kit.js";

/** Nova's fault names by status (nova/api/openstack/wsgi.py Fault). */
export const NOVA_FAULT_NAMES: Record<number, string> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "itemNotFound",
  405: "badMethod",
  409: "conflictingRequest",
  413: "overLimit",
  415: "badMediaType",
  429: "overLimit",
  501: "notImplemented",
  503: "serviceUnavailable",
};

/** HTTP reason phrases used in Keystone and Glance error bodies. */
export const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  500: "Internal Server Error",
};

/** Nova's message for an unexpected exception (HTTP 500). */
export const NOVA_UNEXPECTED =
  "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception.NovaException'>";

/** A Nova fault response. */
export function novaFault(status: number, message: string): SimResponse {
  const name = NOVA_FAULT_NAMES[status] ?? "computeFault";
  return { status, body: { [name]: { code: status, message } } };
}

/** Throws a Nova fault. */
export function throwNova(status: number, message: string): never {
  throw new HttpError(novaFault(status, message));
}

/** A Keystone error response. */
export function keystoneError(status: number, message: string): SimResponse {
  return { status, body: { error: { code: status, message, title: REASONS[status] ?? "Error" } } };
}

/** Throws a Keystone error. */
export function throwKeystone(status: number, message: string): never {
  throw new HttpError(keystoneError(status, message));
}

/** Keystone's one message for every authentication failure. */
export const AUTH_REQUIRED = "The request you have made requires authentication.";

/** keystonemiddleware's answer to a missing, unknown or expired token. */
export function tokenRejected(origin: string): SimResponse {
  const response = keystoneError(401, AUTH_REQUIRED);
  return { ...response, headers: { "WWW-Authenticate": `Keystone uri="${origin}/identity"` } };
}

/** A Glance (webob) error response. */
export function glanceError(status: number, message: string): SimResponse {
  const reason = REASONS[status] ?? "Error";
  return { status, body: { code: `${status} ${reason}`, title: reason, message } };
}
