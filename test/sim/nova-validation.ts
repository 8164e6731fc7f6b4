// A small subset of Nova's JSON-schema request validation, with Nova's 400 messages.
import { throwNova } from "./fault-bodies.js";
import { asObject, pyRepr } from "./http-kit.js";

/** Values Nova's parameter_types.boolean accepts. */
export const NOVA_BOOLEANS: readonly unknown[] = [
  true, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
  false, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no",
];

/** A property type: Nova boolean, hostname (fqdn), bounded string, any value (checked elsewhere), or an enum of strings. */
export type PropertyCheck = "boolean" | "fqdn" | "string" | "any" | { enum: string[] };

/** An object schema: properties, required names and whether others are allowed. */
export interface ObjectSchema {
  properties: Record<string, PropertyCheck>;
  required?: string[];
  additionalProperties?: boolean;
}

/** Nova's reading of a validated boolean. */
export function novaBool(value: unknown): boolean {
  return value === true || (typeof value === "string" && ["true", "1", "on", "yes"].includes(value.toLowerCase()));
}

function fail(path: string, value: unknown, message: string): never {
  throwNova(400, path ? `Invalid input for field/attribute ${path}. Value: ${typeof value === "string" ? value : pyRepr(value)}. ${message}` : message);
}

function checkProperty(path: string, value: unknown, check: PropertyCheck): void {
  if (check === "any") return;
  if (check === "boolean") {
    if (!NOVA_BOOLEANS.includes(value)) fail(path, value, `${pyRepr(value)} is not one of ${pyRepr(NOVA_BOOLEANS)}`);
  } else if (check === "fqdn" || check === "string") {
    if (typeof value !== "string") fail(path, value, `${pyRepr(value)} is not of type 'string'`);
    if (value.length < 1) fail(path, value, `'' is too short`);
    if (value.length > 255) fail(path, value, `${pyRepr(value)} is too long`);
    if (check === "fqdn" && !/^[a-zA-Z0-9-._]*$/.test(value)) fail(path, value, `${pyRepr(value)} does not match '^[a-zA-Z0-9-._]*$'`);
  } else if (typeof value !== "string" || !check.enum.includes(value)) {
    fail(path, value, `${pyRepr(value)} is not one of ${pyRepr(check.enum)}`);
  }
}

/** Validates an object against a schema; `path` is its location ("" for the body itself). */
export function validateObject(path: string, value: unknown, schema: ObjectSchema): Record<string, unknown> {
  const obj = asObject(value);
  if (!obj) fail(path, value, `${pyRepr(value)} is not of type 'object'`);
  for (const name of schema.required ?? []) {
    if (!(name in obj)) fail(path, obj, `'${name}' is a required property`);
  }
  if (schema.additionalProperties === false) {
    const extra = Object.keys(obj).filter((k) => !(k in schema.properties));
    if (extra.length > 0) fail(path, obj, `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(", ")} ${extra.length === 1 ? "was" : "were"} unexpected)`);
  }
  for (const [name, check] of Object.entries(schema.properties)) {
    if (name in obj) checkProperty(path ? `${path}/${name}` : name, obj[name], check);
  }
  return obj;
}

/** Rejects query parameters outside `allowed` (Nova's additionalProperties=false query schemas). */
export function rejectUnknownQuery(query: URLSearchParams, allowed: readonly string[]): void {
  for (const [key, value] of query) {
    if (!allowed.includes(key)) {
      throwNova(400, `Invalid input for query parameters ${key}. Value: ${value}. Additional properties are not allowed ('${key}' was unexpected)`);
    }
  }
}
