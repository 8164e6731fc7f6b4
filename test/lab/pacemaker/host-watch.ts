// Follows one failed compute host through its recovery, polling attrd and the simulator, and puts each change on a timeline.
import type { ServiceView } from "../../sim/cloud-state.js";
import type { SimServer } from "../../sim/cloud-model.js";
import { type ClusterProbe, LogFollower, PACEMAKER_LOG } from "./cluster-probe.js";
import { parseAttrdWrites } from "./cluster-status.js";
import type { Timeline } from "../lab-timeline.js";
import type { SimControl } from "./sim-process.js";

/** A server of the watched host, as it was when the watch began. */
export interface TrackedServer {
  readonly id: string;
  readonly name: string;
  /** "active" or "stopped" (Nova's vm_state): where it should end up. */
  readonly vmState: string;
}

/** What the watch saw last. */
export interface HostSnapshot {
  /** attrd's evacuate value; undefined when attrd has none for the host. */
  readonly flag: string | undefined;
  readonly service: ServiceView | undefined;
  /** The tracked servers as Nova shows them now. */
  readonly servers: readonly SimServer[];
  /** Tracked servers back in their old state on another host, with no task. */
  readonly recovered: number;
}

/** The first word of our Nova marker ("nova-ha:fenced at=…" → "fenced"). */
export function markerOf(service: ServiceView | undefined): string | undefined {
  return /^nova-ha:(\w+)/.exec(service?.disabledReason ?? "")?.[1];
}

/** True when a server is recovered: on another host, no task, in the state it had. */
export function isRecovered(server: SimServer | undefined, tracked: TrackedServer, host: string): boolean {
  return server !== undefined && server.host !== host && server.taskState === null && server.vmState === tracked.vmState;
}

/**
 * Polls every `intervalMs` until stopped and marks on the timeline: each new attrd value ("<host> flag yes", "… flag
 * in progress", "… flag no", "… flag gone"), from attrd_updater and from attrd's own log, so that a value that lived
 * shorter than a poll is not missed, each new Nova marker ("<host> marker fenced", …), forced_down changes, the
 * first evacuation request Nova accepted, and the moment every tracked server is recovered.
 */
export class HostWatch {
  private timer?: NodeJS.Timeout;
  private last: HostSnapshot = { flag: undefined, service: undefined, servers: [], recovered: 0 };
  private seenFlag?: string;
  private seenMarker?: string;
  private seenForcedDown?: boolean;
  /** Every attrd value seen, polled or logged, in order (consecutive duplicates dropped; "" for none). */
  readonly flags: string[] = [];
  /** Every disabled_reason seen, in order (consecutive duplicates dropped; "" for none). */
  readonly reasons: string[] = [];
  /** How many entries of the service's reason history earlier polls have taken in (undefined before the first). */
  private historySeen: number | undefined;
  private polling?: Promise<void>;

  private constructor(
    readonly host: string,
    readonly tracked: readonly TrackedServer[],
    private readonly probe: Pick<ClusterProbe, "attrd">,
    private readonly nova: SimControl,
    private readonly timeline: Timeline,
    /** attrd's log from the start of the watch: every value it set, however short-lived. */
    private readonly attrdLog: LogFollower,
  ) {}

  /** Starts watching `host`; the servers on it now are the ones it must see recovered. */
  static async start(
    host: string, probe: Pick<ClusterProbe, "attrd">, nova: SimControl, timeline: Timeline, intervalMs = 200, attrdLogPath = PACEMAKER_LOG,
  ): Promise<HostWatch> {
    const attrdLog = new LogFollower(attrdLogPath);
    const tracked = (await nova.servers(host)).map((s) => ({ id: s.uuid, name: s.name, vmState: s.vmState }));
    const watch = new HostWatch(host, tracked, probe, nova, timeline, attrdLog);
    await watch.poll();
    watch.timer = setInterval(() => {
      watch.polling ??= watch.poll().finally(() => (watch.polling = undefined));
    }, intervalMs);
    return watch;
  }

  /** What was seen last. */
  get snapshot(): HostSnapshot {
    return this.last;
  }

  /** True when every tracked server is recovered. */
  get allRecovered(): boolean {
    return this.tracked.length > 0 && this.last.recovered === this.tracked.length;
  }

  /** The tracked servers not recovered yet, as "name:host:vm_state:task_state" (for messages). */
  notRecovered(): string {
    const byId = new Map(this.last.servers.map((s) => [s.uuid, s]));
    return this.tracked
      .filter((t) => !isRecovered(byId.get(t.id), t, this.host))
      .map((t) => {
        const s = byId.get(t.id);
        return s ? `${s.name}:${s.host}:${s.vmState}(was ${t.vmState}):${s.taskState}` : `${t.name}:gone`;
      })
      .join(" ");
  }

  /** Polls once now, after the poll in progress (for a caller that must not wait for the next interval). */
  async pollNow(): Promise<void> {
    await this.polling;
    await this.poll();
  }

  /** Stops polling (after the poll in progress). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** Takes in an attrd value (undefined: none) seen at `at`, unless it is the one seen last. */
  private noteFlag(flag: string | undefined, at: number): void {
    if (flag === this.seenFlag) return;
    this.timeline.mark(`${this.host} flag ${flag === undefined ? "gone" : /@/.test(flag) ? "in progress" : flag}`, at);
    this.flags.push(flag ?? "");
    this.seenFlag = flag;
  }

  private async poll(): Promise<void> {
    // The log is read before attrd is asked, so a logged value is never newer than the polled one that follows it.
    const logged = parseAttrdWrites(this.attrdLog.next(), "evacuate", this.host);
    const [attrd, services, servers, migrations] = await Promise.all([
      this.probe.attrd().catch(() => undefined),
      this.nova.services(),
      this.nova.servers(),
      this.nova.migrations(this.host),
    ]).catch(() => [undefined, undefined, undefined, undefined] as const);
    const at = Date.now();
    for (const write of logged) this.noteFlag(write.to || undefined, write.at ?? at);
    if (!services || !servers || !migrations) return;
    if (attrd) this.noteFlag(attrd.get(this.host) || undefined, at);
    const flag = attrd ? this.seenFlag : this.last.flag;
    const service = services.find((s) => s.host === this.host && s.binary === "nova-compute");
    const marker = markerOf(service);
    if (marker !== this.seenMarker) this.timeline.mark(`${this.host} marker ${marker ?? "none"}`, at);
    this.seenMarker = marker;
    // Reasons written between two polls (an evacuated marker that unfencing replaced at once) come from the
    // simulator's record of every reason written since the watch started.
    const history = service?.reasonHistory ?? [];
    if (this.historySeen === undefined) this.historySeen = history.length;
    for (const written of history.slice(this.historySeen)) if (this.reasons[this.reasons.length - 1] !== written) this.reasons.push(written);
    this.historySeen = history.length;
    const reason = service?.disabledReason ?? "";
    if (this.reasons[this.reasons.length - 1] !== reason) this.reasons.push(reason);
    if (service && service.forcedDown !== this.seenForcedDown && this.seenForcedDown !== undefined) {
      this.timeline.mark(`${this.host} ${service.forcedDown ? "forced down" : "forced_down cleared"}`, at);
    }
    this.seenForcedDown = service?.forcedDown;
    if (migrations.length > 0 && this.timeline.at(`${this.host} first evacuation`) === undefined) {
      this.timeline.mark(`${this.host} first evacuation`, Math.min(at, ...migrations.map((m) => m.createdAt)));
    }
    const byId = new Map(servers.map((s) => [s.uuid, s]));
    const mine = this.tracked.map((t) => byId.get(t.id)).filter((s): s is SimServer => s !== undefined);
    const recovered = this.tracked.filter((t) => isRecovered(byId.get(t.id), t, this.host)).length;
    if (recovered === this.tracked.length && this.tracked.length > 0 && this.timeline.at(`${this.host} all recovered`) === undefined) {
      this.timeline.mark(`${this.host} all recovered`, at);
    }
    this.last = { flag, service, servers: mine, recovered };
  }
}
