// Exit codes of the nova-ha operator CLI, declared once (docs/operations.md lists them).

/** nova-ha's exit codes. */
export const CLI_EXIT = {
  /** The report is complete (whatever state the hosts are in). */
  OK: 0,
  /** Nothing to report: credentials missing or refused, Keystone or Nova unreachable. */
  FAILED: 1,
  /** The command line is wrong: unknown command or option, a host Nova and attrd do not know. */
  USAGE: 2,
  /** Nova's side was reported, but attrd could not be read (flags show as "?"). */
  PARTIAL: 3,
} as const;

/** A nova-ha exit code. */
export type CliExitCode = (typeof CLI_EXIT)[keyof typeof CLI_EXIT];
