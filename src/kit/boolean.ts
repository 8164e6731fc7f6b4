// Boolean parameter values, read the same way on every input path.

const TRUE_WORDS = new Set(["1", "yes", "y", "true", "on", "ja"]);
const FALSE_WORDS = new Set(["0", "no", "n", "false", "off", "nein", ""]);

/** Parses 1/0, yes/no, true/false, on/off (any case); undefined for anything else. */
export function parseBoolean(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}
