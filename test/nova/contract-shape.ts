// The contract's comparison: the JSON types found at a field path, and the mismatches between the simulator's and Nova's answers.
import type { Answer } from "./lab.js";

/**
 * A JSON type as the contract compares it; "absent" counts as a type, and a timestamp string is typed by its
 * format ("time 2026-01-02T03:04:05.ffffffZ"), since the client parses them.
 */
export type JsonType = "absent" | "null" | "string" | "number" | "boolean" | "object" | "array" | `time ${string}`;

/** An ISO-8601-like timestamp: date, T or space, time, optional fraction, optional zone. */
const TIMESTAMP = /^\d{4}-\d\d-\d\d([T ])\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/;

/** The format of a timestamp, e.g. "time 2026-01-02T03:04:05.ffffffZ". */
function timeFormat(text: string): JsonType | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const fraction = match[2] ? `.${"f".repeat(match[2].length - 1)}` : "";
  const zone = match[3] === undefined ? "" : match[3] === "Z" ? "Z" : "+00:00";
  return `time 2026-01-02${match[1]}03:04:05${fraction}${zone}`;
}

/** What a call expects of both answers (the comparable part of a ContractCall). */
export interface Expectation {
  name: string;
  status: number;
  /** Field paths the client reads (see valuesAt); a trailing ~ tolerates null on one side. */
  fields: readonly string[];
  /** Header names (lower case) the client reads. */
  headers?: readonly string[];
  /** The error message both must give. */
  message?: RegExp;
  /** Values both answers must hold at a field path (a record's presence, e.g. a DELETED server). */
  contains?: Readonly<Record<string, string>>;
}

/** Headers whose values must be equal too, not just present. */
const SAME_VALUE_HEADERS = new Set(["openstack-api-version"]);
/** Field suffix: null and the other side's type count as the same (for histories Nova may hold from earlier runs). */
const NULL_TOLERANT = "~";
const ABSENT = Symbol("absent");

function typeOf(value: unknown): JsonType {
  if (value === ABSENT || value === undefined) return "absent";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return timeFormat(value) ?? "string";
  return typeof value as JsonType;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The values at `path` in `body`. Segments are separated by dots; `key[]` steps into every element of an
 * array, `*` into every value of an object, `$` is the body itself. A missing key gives one "absent" value;
 * an empty array on the way gives no values at all.
 */
export function valuesAt(body: unknown, path: string): unknown[] {
  let values: unknown[] = [body === undefined ? ABSENT : body];
  for (const segment of path === "$" ? [] : path.split(".")) {
    const each = segment.endsWith("[]");
    const key = each ? segment.slice(0, -2) : segment;
    values = values.flatMap((value): unknown[] => {
      if (key === "*") return isObject(value) ? Object.values(value) : [];
      const child = isObject(value) && key in value ? value[key] : ABSENT;
      if (!each) return [child];
      return Array.isArray(child) ? child : [];
    });
  }
  return values;
}

/** The JSON types of the values at `path` (see valuesAt); empty when there was nothing to look at. */
export function typesAt(body: unknown, path: string): Set<JsonType> {
  return new Set(valuesAt(body, path).map(typeOf));
}

function show(types: Set<JsonType>): string {
  return types.size === 0 ? "nothing (empty list)" : [...types].sort().join("|");
}

function sameTypes(a: Set<JsonType>, b: Set<JsonType>, nullTolerant: boolean): boolean {
  const strip = (s: Set<JsonType>): Set<JsonType> => {
    const copy = new Set(s);
    if (nullTolerant && copy.size > 1) copy.delete("null");
    return copy;
  };
  const x = strip(a);
  const y = strip(b);
  if (nullTolerant && (x.size === 1 && x.has("null") || y.size === 1 && y.has("null"))) return true;
  return x.size === y.size && [...x].every((t) => y.has(t));
}

/** The message of an error body as the client reads it: the first object value's message, or a top-level message. */
export function errorMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  for (const value of Object.values(body)) if (isObject(value) && typeof value.message === "string") return value.message;
  return typeof body.message === "string" ? body.message : undefined;
}

/** The values of `contains` (field path → value) that one side's answer lacks, each naming the call and the field. */
export function missingValues(name: string, side: string, answer: Answer, contains: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries(contains)
    .filter(([path, value]) => !valuesAt(answer.body, path).includes(value))
    .map(([path, value]) => `${name}: field ${path}: ${side} has no ${JSON.stringify(value)}`);
}

/** Every way the two answers break the contract, each naming the call and the field (empty when they agree). */
export function compareAnswers(call: Expectation, sim: Answer, nova: Answer): string[] {
  const problems: string[] = [];
  const where = (what: string): string => `${call.name}: ${what}`;
  if (sim.status !== nova.status) problems.push(where(`status: simulator ${sim.status}, nova ${nova.status}`));
  for (const [side, answer] of [["simulator", sim], ["nova", nova]] as const) {
    if (answer.status !== call.status) problems.push(where(`status: ${side} answered ${answer.status}, the contract expects ${call.status} (${errorMessage(answer.body) ?? "no message"})`));
    const message = errorMessage(answer.body);
    if (call.message && !call.message.test(message ?? "")) problems.push(where(`message: ${side} said ${JSON.stringify(message)}, expected ${call.message}`));
  }
  for (const raw of call.fields) {
    const nullTolerant = raw.endsWith(NULL_TOLERANT);
    const path = nullTolerant ? raw.slice(0, -1) : raw;
    const a = typesAt(sim.body, path);
    const b = typesAt(nova.body, path);
    if (a.size === 0 && b.size === 0) problems.push(where(`field ${path}: no values on either side, nothing was compared (the call's setup is wrong)`));
    else if (!sameTypes(a, b, nullTolerant)) problems.push(where(`field ${path}: simulator ${show(a)}, nova ${show(b)}`));
  }
  problems.push(...missingValues(call.name, "simulator", sim, call.contains), ...missingValues(call.name, "nova", nova, call.contains));
  for (const name of call.headers ?? []) {
    const a = sim.headers.get(name);
    const b = nova.headers.get(name);
    if ((a === null) !== (b === null)) problems.push(where(`header ${name}: simulator ${a === null ? "absent" : "present"}, nova ${b === null ? "absent" : "present"}`));
    else if (a === null && b === null) problems.push(where(`header ${name}: absent on both sides`));
    else if (SAME_VALUE_HEADERS.has(name) && a !== b) problems.push(where(`header ${name}: simulator "${a}", nova "${b}"`));
  }
  return problems;
}
