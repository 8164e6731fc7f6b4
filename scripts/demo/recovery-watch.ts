// The live part of the demo: refresh the snapshot in a loop, redraw the screen twice a second, wait for milestones.
import { setTimeout as sleep } from "node:timers/promises";
import type { Paint } from "./ansi.js";
import type { Display } from "./display.js";
import { interruption, unlessInterrupted } from "./interrupt.js";
import { observe, type ObserveTarget } from "./observe.js";
import type { RecoveryTracker } from "./recovery-tracker.js";
import { renderScreen, type ScreenModel } from "./screen.js";

/** How often the screen is redrawn and the lab looked at (at most). */
export const FRAME_MS = 500;

/** Watches the lab through a tracker and shows it on a display. */
export class RecoveryWatch {
  private timer?: NodeJS.Timeout;
  private headlineText = "";

  constructor(
    private readonly tracker: RecoveryTracker,
    private readonly target: ObserveTarget,
    private readonly display: Display,
    private readonly paint: Paint,
    private readonly signal: AbortSignal,
  ) {}

  /** What the screen's first line says; in plain mode, a change is printed. */
  set headline(text: string) {
    if (text === this.headlineText) return;
    this.headlineText = text;
    this.display.note(`== ${text}`);
  }

  /** The frame's content now. */
  model(): ScreenModel {
    const t = this.tracker;
    return {
      headline: this.headlineText,
      ...(t.killAt !== undefined ? { elapsed: t.offset(Date.now()) } : {}),
      hosts: t.hosts,
      failedHost: t.failedHost,
      rows: t.rows,
      events: t.timeline.list().map((e) => ({ offset: t.offset(e.at), label: e.label })),
      requests: t.requests,
      hint: "Ctrl-C: stop and tear the lab down",
    };
  }

  /** Redraws now (live mode). */
  draw(): void {
    if (this.display.live) this.display.frame(renderScreen(this.model(), this.display.size(), this.paint));
  }

  /** Starts redrawing every FRAME_MS (live mode). */
  startFrames(): void {
    if (!this.display.live || this.timer) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), FRAME_MS);
  }

  /** Draws a last frame and leaves it on screen. */
  stopFrames(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.display.endFrames();
  }

  /** Looks at the lab once and takes it in. */
  async refresh(): Promise<void> {
    const snapshot = await unlessInterrupted(observe(this.target, this.tracker.snapshot), this.signal);
    for (const note of this.tracker.update(snapshot)) this.display.note(note);
  }

  /** Refreshes until `done` holds (true) or `timeoutMs` passed (false); throws Interrupted on a signal. */
  async until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const started = Date.now();
    for (;;) {
      const round = Date.now();
      await this.refresh();
      if (done()) return true;
      if (Date.now() - started >= timeoutMs) return false;
      await sleep(Math.max(50, FRAME_MS - (Date.now() - round)), undefined, { signal: this.signal }).catch(() => {
        throw interruption(this.signal);
      });
    }
  }

  /** Refreshes for a while, whatever happens (a pause the viewer can follow). */
  async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    await this.until(() => Date.now() >= until, ms);
  }
}
