// Where the demo's output goes: a screen redrawn in place on a terminal, or plain progress lines otherwise.
import { SCREEN } from "./ansi.js";
import type { ScreenSize } from "./screen.js";

/** The demo's output. */
export interface Display {
  /** True when frames are drawn (a terminal); false for plain lines. */
  readonly live: boolean;
  /** The terminal size (a fixed default when not a terminal). */
  size(): ScreenSize;
  /** A line that stays: progress, results. While frames are drawn, lines wait until the frames end. */
  line(text: string): void;
  /** Text without a line end (the rest of the line follows later); waits like `line` while frames are drawn. */
  write(text: string): void;
  /** A change worth a line in plain mode only (the live screen shows it anyway). */
  note(text: string): void;
  /** Draws a frame in place (live mode only). */
  frame(lines: readonly string[]): void;
  /** Stops drawing frames: the last one stays on screen, and output continues below it. */
  endFrames(): void;
  /** From now on only `write` prints (an interrupted demo's one line); lines and notes are dropped. */
  seal(): void;
}

/** Writes to a stream, ignoring a terminal that went away (EIO, EPIPE). */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  stream.on("error", () => undefined);
  return (text) => {
    try {
      stream.write(text);
    } catch {
      // nowhere to write to any more
    }
  };
}

/** A display on `stream`: live frames when `live`, plain lines otherwise. */
export function createDisplay(stream: NodeJS.WriteStream, live: boolean): Display {
  const write = writer(stream);
  let drawing = false;
  let sealed = false;
  let pending: string[] = [];
  const restoreCursor = (): void => {
    if (drawing) write(SCREEN.showCursor);
  };
  process.once("exit", restoreCursor);
  return {
    live,
    size: () => ({ columns: stream.columns || 100, rows: stream.rows || 40 }),
    line(text) {
      if (sealed) return;
      if (drawing) pending.push(`${text}\n`);
      else write(`${text}\n`);
    },
    write(text) {
      if (drawing) pending.push(text);
      else write(text);
    },
    note(text) {
      if (!live && !sealed) write(`${text}\n`);
    },
    frame(lines) {
      if (!live) return;
      if (!drawing) write(SCREEN.clear + SCREEN.hideCursor);
      drawing = true;
      write(`${SCREEN.home}${lines.map((l) => l + SCREEN.clearLine).join("\n")}${SCREEN.clearBelow}`);
    },
    endFrames() {
      if (!drawing) return;
      drawing = false;
      write(`\n${SCREEN.showCursor}`);
      for (const text of pending) write(text);
      pending = [];
    },
    seal() {
      sealed = true;
    },
  };
}
