// Terminal styling: a few ANSI SGR colours and screen controls, or none at all (--no-color, not a TTY, NO_COLOR).

/** The styles the demo uses. */
export type Style = "bold" | "dim" | "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "gray";

/** SGR codes per style, declared once. */
const SGR: Record<Style, string> = {
  bold: "1", dim: "2", red: "31", green: "32", yellow: "33", blue: "34", magenta: "35", cyan: "36", gray: "90",
};

/** Paints text in a style, or leaves it alone. */
export type Paint = (style: Style, text: string) => string;

/** A painter: ANSI colours when `color` is true, plain text otherwise. */
export function painter(color: boolean): Paint {
  return color ? (style, text) => (text === "" ? text : `\x1b[${SGR[style]}m${text}\x1b[0m`) : (_style, text) => text;
}

/** Removes ANSI escape sequences (to measure or log painted text). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/** The visible width of a painted string. */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/** Pads a painted string on the right to a visible width (never cuts). */
export function padVisible(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - visibleWidth(text)));
}

/** Cuts a painted string to a visible width (styles are reset at the cut). */
export function cutVisible(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  let out = "";
  let seen = 0;
  for (const part of text.split(/(\x1b\[[0-9;?]*[A-Za-z])/)) {
    if (part.startsWith("\x1b[")) {
      out += part;
      continue;
    }
    const chars = [...part];
    const room = width - seen;
    out += chars.slice(0, Math.max(0, room)).join("");
    seen += Math.min(chars.length, Math.max(0, room));
  }
  return text.includes("\x1b[") ? `${out}\x1b[0m` : out;
}

/** Screen controls for redrawing a frame in place. */
export const SCREEN = {
  /** Cursor to the top left corner. */
  home: "\x1b[H",
  /** Clear from the cursor to the end of the line. */
  clearLine: "\x1b[K",
  /** Clear from the cursor to the end of the screen. */
  clearBelow: "\x1b[J",
  /** Clear the whole screen and the cursor home. */
  clear: "\x1b[2J\x1b[H",
  hideCursor: "\x1b[?25l",
  showCursor: "\x1b[?25h",
} as const;
