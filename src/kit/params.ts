// One declarative parameter table per agent: it drives parsing, validation, help text and metadata.
import { z } from "zod";
import { AgentError } from "./agent-error.js";
import { parseBoolean } from "./boolean.js";
import { echo } from "./echo.js";

/**
 * The largest number of seconds a parameter that becomes a timer may have: Node.js timers take at most 2^31-1 ms,
 * and a longer delay prints TimeoutOverflowWarning and fires after 1 ms instead.
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** The value types an agent parameter can have (OCF "second" is spelled integer in ra-api-1). */
export type ParamType = "string" | "boolean" | "integer" | "second";

/** One parameter of an agent. */
export interface ParamSpec {
  /** Canonical name: the OCF_RESKEY_ suffix, or the fence stdin key (underscores). */
  readonly name: string;
  readonly type: ParamType;
  readonly shortdesc: string;
  readonly longdesc?: string;
  readonly default?: string | number | boolean;
  /** Required in the metadata and at parse time. */
  readonly required?: boolean;
  /** Never logged, never echoed in errors. */
  readonly secret?: boolean;
  /** Allowed values (case-sensitive after `normalize`). */
  readonly choices?: readonly string[];
  /** Rewrites a raw value before validation (e.g. "publicURL" → "public"). */
  readonly normalize?: (raw: string) => string;
  /** Smallest allowed integer. */
  readonly min?: number;
  /** Largest allowed integer; a "second" is never above MAX_TIMER_SECONDS. */
  readonly max?: number;
  /** Fence: the single-letter getopt option, without the dash. */
  readonly short?: string;
  /** Fence: the long option; defaults to the name with "_" → "-". */
  readonly long?: string;
  /** Fence: the argument's name in getopt help, e.g. "url" (none for a flag). */
  readonly metavar?: string;
  /** Fence: deprecated spellings still accepted on stdin and argv (login, passwd, port, ...). */
  readonly aliases?: readonly string[];
  /** Accepted but left out of metadata and help. */
  readonly hidden?: boolean;
  /** Metadata order; lower first, then by name. */
  readonly order?: number;
}

/** The parsed, typed values of a parameter table. */
export type ParamValues = Record<string, string | number | boolean | undefined>;

/** The TypeScript type of a parameter's value. */
type ValueType<S extends ParamSpec> = S["type"] extends "boolean" ? boolean : S["type"] extends "string" ? string : number;

/** A parsed value: its type, and undefined too when the table gives no default. */
type ParsedValue<S extends ParamSpec> = S extends { readonly default: string | number | boolean } ? ValueType<S> : ValueType<S> | undefined;

/** The parsed values of a table declared `as const`, by name: a misspelt name does not compile, a default is never repeated. */
export type ValuesOf<T extends readonly ParamSpec[]> = { readonly [S in T[number] as S["name"]]: ParsedValue<S> };

/**
 * `values` typed by `table`: a parameter the values leave unset takes the table's default, so the type holds for
 * values from parseParams and for partial ones a command line builds.
 */
export function typedParams<const T extends readonly ParamSpec[]>(table: T, values: ParamValues): ValuesOf<T> {
  const typed: ParamValues = { ...values };
  for (const spec of table) if (typed[spec.name] === undefined) typed[spec.name] = spec.default;
  return typed as ValuesOf<T>;
}

/** A string value, or undefined when it is unset or empty (an empty OCF parameter means "not given"). */
export function given(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Builds the zod schema for one parameter from raw string input. */
function fieldSchema(spec: ParamSpec): z.ZodType<string | number | boolean | undefined> {
  const label = `parameter ${spec.name}`;
  // A secret's value is never echoed, whatever its type; a multi-line value is shown on one line.
  const shown = (value: string | number): string =>
    spec.secret ? "(hidden)" : typeof value === "number" ? String(value) : echo(value);
  const max = spec.type === "second" ? Math.min(spec.max ?? MAX_TIMER_SECONDS, MAX_TIMER_SECONDS) : spec.max;
  const maxReason = max === MAX_TIMER_SECONDS ? " (the longest a timer can wait)" : "";
  const raw = z.string().transform((value) => (spec.normalize ? spec.normalize(value) : value));
  let typed: z.ZodType<string | number | boolean>;
  switch (spec.type) {
    case "boolean":
      typed = raw.transform((value, ctx) => {
        const parsed = parseBoolean(value);
        if (parsed === undefined) {
          ctx.addIssue({ code: "custom", message: `${label} must be a boolean (1/0, yes/no, true/false, on/off), got ${shown(value)}` });
          return z.NEVER;
        }
        return parsed;
      });
      break;
    case "integer":
    case "second":
      typed = raw.transform((value, ctx) => {
        const trimmed = spec.type === "second" ? value.trim().replace(/s$/, "") : value.trim();
        if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
          ctx.addIssue({ code: "custom", message: `${label} must be a whole number${spec.type === "second" ? " of seconds" : ""}, got ${shown(value)}` });
          return z.NEVER;
        }
        const number = Number(trimmed);
        if (spec.min !== undefined && number < spec.min) {
          ctx.addIssue({ code: "custom", message: `${label} must be at least ${spec.min}, got ${shown(number)}` });
          return z.NEVER;
        }
        if (max !== undefined && number > max) {
          ctx.addIssue({ code: "custom", message: `${label} must be at most ${max}${maxReason}, got ${shown(number)}` });
          return z.NEVER;
        }
        return number;
      });
      break;
    default:
      typed = raw.transform((value, ctx) => {
        if (spec.choices && !spec.choices.includes(value)) {
          ctx.addIssue({ code: "custom", message: `${label} must be one of ${spec.choices.join(", ")}, got ${shown(value)}` });
          return z.NEVER;
        }
        return value;
      });
  }
  return typed.optional();
}

/** Typed default of a parameter, if it has one. */
function defaultOf(spec: ParamSpec): string | number | boolean | undefined {
  return spec.default;
}

/** How parseParams treats an invalid value. */
export interface ParseOptions {
  /**
   * Lenient parsing (actions that must work whatever the configuration, such as stop): an invalid value takes its
   * default, a missing required one stays unset, and this is called with the reason; without it both throw.
   */
  readonly onInvalid?: (message: string) => void;
}

/**
 * Validates raw string values against a table. Unset or empty values take the default;
 * a required parameter without a value, or a value of the wrong type, is one AgentError("configured").
 */
export function parseParams(specs: readonly ParamSpec[], raw: ReadonlyMap<string, string>, options: ParseOptions = {}): ParamValues {
  const values: ParamValues = {};
  for (const spec of specs) {
    const given = raw.get(spec.name);
    if (given === undefined || (given === "" && spec.type !== "string")) {
      values[spec.name] = defaultOf(spec);
    } else {
      const result = fieldSchema(spec).safeParse(given);
      if (result.success) {
        values[spec.name] = result.data;
      } else {
        const message = result.error.issues[0]?.message ?? `parameter ${spec.name} is invalid`;
        if (!options.onInvalid) throw new AgentError("configured", message);
        values[spec.name] = defaultOf(spec);
        const fallback = spec.default === undefined ? "no value" : `its default ${spec.secret ? "(hidden)" : String(spec.default)}`;
        options.onInvalid(`${message}; using ${fallback}`);
      }
    }
    if (spec.required && (values[spec.name] === undefined || values[spec.name] === "")) {
      const message = `parameter ${spec.name} is required but not set`;
      if (!options.onInvalid) throw new AgentError("configured", message);
      options.onInvalid(message);
    }
  }
  return values;
}

/** The names of secret parameters, and their values, so logs can scrub them. */
export function secretValues(specs: readonly ParamSpec[], values: ParamValues): string[] {
  return specs
    .filter((spec) => spec.secret)
    .map((spec) => values[spec.name])
    .filter((value): value is string => typeof value === "string" && value.length > 0);
}

/** Reads a string parameter, or undefined when unset or empty. */
export function stringParam(values: ParamValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Reads an integer parameter (the table guarantees the type). */
export function numberParam(values: ParamValues, name: string, fallback: number): number {
  const value = values[name];
  return typeof value === "number" ? value : fallback;
}

/** Reads a boolean parameter (the table guarantees the type). */
export function booleanParam(values: ParamValues, name: string): boolean {
  return values[name] === true;
}
