// Logging: pino, synchronous, to stderr only, with secrets redacted by key and by value.
import { pino, type Logger } from "pino";
import { writeFully } from "./fd-write.js";

export type { Logger } from "pino";

/** Keys whose values are never logged, wherever they appear. */
const REDACTED_KEYS = [
  "password", "passwd", "secret", "token",
  "*.password", "*.passwd", "*.secret", "*.token",
  "*.application_credential_secret", "*.applicationCredentialSecret",
  'headers["x-auth-token"]', 'headers["x-subject-token"]',
];

const LEVEL_NAMES: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warning", 50: "error", 60: "critical" };

/** Secret values seen at run time (passwords, tokens); scrubbed from every line written. */
const knownSecrets = new Set<string>();

/** Registers values that must never reach a log line or an error message. */
export function registerSecrets(values: Iterable<string>): void {
  for (const value of values) if (value.length >= 3) knownSecrets.add(value);
}

/** True when a text holds a registered secret. */
export function holdsSecret(text: string): boolean {
  for (const secret of knownSecrets) if (text.includes(secret)) return true;
  return false;
}

/** Replaces every registered secret in a text with "****". */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const secret of knownSecrets) scrubbed = scrubbed.split(secret).join("****");
  return scrubbed;
}

/**
 * Escapes every non-ASCII character as \uXXXX (nova-ha lab finding). Pacemaker 2.1.5's crm_xml_escape() stops escaping at
 * the first multi-byte character of an agent's output, so a later quote (Nova messages, instance names) corrupts the
 * result the executor sends to the controller, which then never sees the operation complete.
 */
export function asciiOnly(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Renders a pino JSON record as one human line: "<time> <agent>[pid] level: msg key=value ...". */
function humanLine(json: string): string {
  const { level, time, msg, pid, name, hostname: _h, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const stamp = new Date(typeof time === "number" ? time : Date.now()).toISOString();
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === "string" && !/\s/.test(value) ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${stamp} ${String(name ?? "nova-ha")}[${String(pid)}] ${LEVEL_NAMES[level as number] ?? "info"}: ${String(msg ?? "")}${extra ? ` ${extra}` : ""}\n`;
}

/** How long one log line waits for a full stderr pipe before it is dropped (an agent must never block on its log). */
const LOG_PATIENCE_MS = 1_000;

/** Options of the agents' logger. */
export interface LoggerOptions {
  /** Agent name shown on every line. */
  name: string;
  /** debug when true, else info. */
  verbose?: boolean;
  /** Where lines go; defaults to file descriptor 2. */
  fd?: number;
  /** "human" (default) or "json" (NOVA_HA_LOG_FORMAT=json). */
  format?: "human" | "json";
}

/** Creates the process logger. Nothing it writes can reach stdout. */
export function createLogger(options: LoggerOptions): Logger {
  const fd = options.fd ?? 2;
  const format = options.format ?? (process.env.NOVA_HA_LOG_FORMAT === "json" ? "json" : "human");
  const destination = {
    write(line: string): void {
      const text = format === "json" ? line : humanLine(line);
      writeFully(fd, asciiOnly(scrubSecrets(text)), LOG_PATIENCE_MS);
    },
  };
  return pino(
    {
      name: options.name,
      level: options.verbose || process.env.HA_debug === "1" ? "debug" : "info",
      redact: { paths: REDACTED_KEYS, censor: "****" },
      base: { pid: process.pid },
    },
    destination,
  );
}
