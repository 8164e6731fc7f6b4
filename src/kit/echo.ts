// How errors quote what they were given: on one line, cut short, so one bad value cannot flood a log or exit reason.

/** The longest part of a value an error quotes. */
export const ECHO_LIMIT = 60;

/** A value quoted for an error message: `'value'`, newlines shown as \n, cut at ECHO_LIMIT with its full length. */
export function echo(value: string, limit = ECHO_LIMIT): string {
  const flat = value.replace(/\r?\n/g, "\\n");
  if (flat.length <= limit) return `'${flat}'`;
  return `'${flat.slice(0, limit)}...' (${value.length} characters)`;
}
