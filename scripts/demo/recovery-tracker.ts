// Follows one failed compute node through the snapshots: instance rows, host rows, milestones, and what changed.
import { Timeline } from "../../test/lab/lab-timeline.js";
import { hostLine, hostRows, type HostRow } from "./host-view.js";
import { instanceRows, type InstanceRow, type OriginalInstance } from "./instance-phase.js";
import { emptySnapshot, type Snapshot } from "./observe.js";
import { detectMilestones, type Milestone } from "./recovery-events.js";
import { offsetText } from "./screen.js";

/** The state of the demo's failure, updated from each snapshot. */
export class RecoveryTracker {
  readonly timeline = new Timeline();
  /** Milestones reached, with their times. */
  readonly reached = new Map<Milestone, number>();
  snapshot: Snapshot = emptySnapshot();
  rows: InstanceRow[] = [];
  hosts: HostRow[] = [];
  /** When the node was powered off, and the request count then. */
  killAt?: number;
  requestsAtKill = 0;
  private readonly hostLines = new Map<string, string>();

  constructor(
    readonly failedHost: string,
    /** The failed host's instances when it died. */
    readonly originals: readonly OriginalInstance[],
    readonly computes: readonly string[],
    readonly spares: readonly string[],
  ) {}

  /** The label of the power-off, the zero of every offset. */
  get killLabel(): string {
    return `${this.failedHost} powered off: pacemaker_remoted and nova-compute killed`;
  }

  /** Records the power-off. */
  markKill(at: number, requests: number): void {
    this.killAt = at;
    this.requestsAtKill = requests;
    this.reached.set("powered-off", at);
    this.timeline.mark(this.killLabel, at);
  }

  /** Records a milestone the demo caused itself. */
  mark(milestone: Milestone, label: string, at: number): void {
    if (this.reached.has(milestone)) return;
    this.reached.set(milestone, at);
    this.timeline.mark(label, at);
  }

  /** Seconds from the power-off to a milestone, if it was reached. */
  secondsTo(milestone: Milestone): number | undefined {
    const at = this.reached.get(milestone);
    return at === undefined || this.killAt === undefined ? undefined : (at - this.killAt) / 1000;
  }

  /** Seconds since the power-off (0 before it). */
  offset(at: number): number {
    return this.killAt === undefined ? 0 : (at - this.killAt) / 1000;
  }

  /** Nova API requests since the power-off. */
  get requests(): number {
    return this.killAt === undefined ? 0 : this.snapshot.requests - this.requestsAtKill;
  }

  /** Takes a new snapshot in; returns plain lines for what changed (milestones, lab nodes, instances). */
  update(snapshot: Snapshot): string[] {
    const before = new Map(this.rows.map((row) => [row.uuid, row]));
    this.snapshot = snapshot;
    this.rows = instanceRows(this.originals, snapshot.servers, snapshot.migrations, this.failedHost);
    this.hosts = hostRows(snapshot, this.computes, this.spares);
    const stamp = (at: number): string => (this.killAt === undefined ? " ".repeat(9) : offsetText(this.offset(at)));
    const notes: string[] = [];
    if (this.killAt !== undefined) {
      for (const event of detectMilestones({ snapshot, host: this.failedHost, killAt: this.killAt, rows: this.rows, reached: new Set(this.reached.keys()) })) {
        this.reached.set(event.milestone, event.at);
        this.timeline.mark(event.label, event.at);
        notes.push(`${stamp(event.at)}  * ${event.label}`);
      }
    }
    for (const row of this.hosts.filter((h) => h.kind === "compute")) {
      const line = hostLine(row);
      if (this.hostLines.get(row.name) !== line) notes.push(`${stamp(snapshot.at)}    ${line}`);
      this.hostLines.set(row.name, line);
    }
    for (const row of this.rows) {
      const old = before.get(row.uuid);
      if (old && old.phase === row.phase && old.destination === row.destination) continue;
      if (row.phase === "evacuating") notes.push(`${stamp(snapshot.at)}    ${row.name} evacuating${row.destination ? ` to ${row.destination}` : ""}${row.attempts > 1 ? ` (attempt ${row.attempts})` : ""}`);
      else if (row.phase === "recovered") notes.push(`${stamp(snapshot.at)}    ${row.name} recovered on ${row.host} (${row.status})`);
      else if (row.phase === "failed") notes.push(`${stamp(snapshot.at)}    ${row.name} FAILED (${row.status})`);
    }
    return notes;
  }
}
