// Fence agent input: GNU-style argv (as operators type it) or stdin key=value lines (as pacemaker-fenced sends them).
import { Command, CommanderError, Option } from "commander";
import { AgentError } from "../agent-error.js";
import { echo } from "../echo.js";
import type { ParamSpec } from "../params.js";

/** Raw option values by canonical name, before typing. */
export interface FenceInput {
  readonly raw: Map<string, string>;
  /** Non-fatal remarks (unknown stdin keys), to be logged once a logger exists. */
  readonly warnings: string[];
  readonly help: boolean;
  readonly version: boolean;
  /** Where the options came from. */
  readonly source: "argv" | "stdin";
}

/** Flags that never take a value on the command line (so -vvv stacks). */
const PLAIN_FLAGS = new Set(["verbose", "quiet"]);

/** The long option of a spec: its `long`, or the name with underscores as dashes. */
export function longOption(spec: ParamSpec): string {
  return spec.long ?? spec.name.replace(/_/g, "-");
}

/** Key normalisation shared by stdin keys and names: "-" and "_" are the same. */
const keyOf = (name: string): string => name.replace(/-/g, "_");

/** Maps every accepted spelling (name, long option, aliases) to the canonical name. */
function spellings(specs: readonly ParamSpec[]): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const spec of specs) {
    for (const spelling of [spec.name, longOption(spec), ...(spec.aliases ?? [])]) lookup.set(keyOf(spelling), spec.name);
  }
  return lookup;
}

/** Parses stdin `key=value` lines: blank and # lines skipped, quotes stripped, unknown keys warned about. */
export function parseStdin(specs: readonly ParamSpec[], text: string): FenceInput {
  const lookup = spellings(specs);
  const raw = new Map<string, string>();
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const equals = trimmed.indexOf("=");
    if (equals <= 0) {
      // The line is not echoed: it may be a secret (e.g. "password hunter2" with a space instead of "=").
      throw new AgentError("args", `stdin line ${index + 1} is not key=value`);
    }
    const key = trimmed.slice(0, equals).trim();
    let value = trimmed.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    const name = lookup.get(keyOf(key));
    if (name === undefined) {
      warnings.push(`ignoring unknown option ${echo(key)}`);
      return;
    }
    raw.set(name, value);
  });
  return { raw, warnings, help: false, version: false, source: "stdin" };
}

/** Parses command-line options with commander; an unknown option is an "args" error naming it. */
export function parseArgv(specs: readonly ParamSpec[], argv: readonly string[]): FenceInput {
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .helpOption(false)
    .allowExcessArguments(false)
    .option("-h, --help")
    .option("-V, --version");
  const owners = new Map<string, string>();
  const addOption = (flags: string, name: string, hidden = false) => {
    const option = new Option(flags);
    if (hidden) option.hideHelp();
    if (name === "verbose") option.argParser((_value: string, previous: number | undefined) => (previous ?? 0) + 1);
    program.addOption(option);
    owners.set(option.attributeName(), name);
  };
  for (const spec of specs) {
    const valueSyntax = PLAIN_FLAGS.has(spec.name) ? "" : spec.type === "boolean" ? " [value]" : ` <${spec.metavar ?? "value"}>`;
    addOption(`${spec.short ? `-${spec.short}, ` : ""}--${longOption(spec)}${valueSyntax}`, spec.name);
    for (const alias of spec.aliases ?? []) {
      const long = alias.replace(/_/g, "-");
      if (long !== longOption(spec)) addOption(`--${long}${valueSyntax}`, spec.name, true);
    }
  }
  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander may add a second line ("(Did you mean --verbose?)"); errors are one line.
      // It quotes what it was given: cut each quoted part short, as every echo of input is.
      const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ").replace(/'([^']*)'/g, (_all, quoted: string) => echo(quoted));
      throw new AgentError("args", `${message} (see --help)`);
    }
    throw error;
  }
  const raw = new Map<string, string>();
  for (const [attribute, value] of Object.entries(program.opts())) {
    const name = owners.get(attribute);
    if (name === undefined || value === undefined) continue;
    raw.set(name, value === true ? "1" : String(value));
  }
  // -v counts (-vvv is 3), but verbose is a boolean: the count becomes verbose_level, as in the fencing library.
  const verboseCount = raw.get("verbose");
  if (verboseCount !== undefined) {
    raw.set("verbose", "1");
    if (!raw.has("verbose_level")) raw.set("verbose_level", verboseCount);
  }
  const opts = program.opts<{ help?: boolean; version?: boolean }>();
  return { raw, warnings: [], help: Boolean(opts.help), version: Boolean(opts.version), source: "argv" };
}
