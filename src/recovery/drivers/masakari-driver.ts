// The Masakari recovery back-end: one COMPUTE_HOST notification per failure, found again by its generated_time, followed to its end.
import { OpenStackError } from "../../openstack/errors.js";
import type { MasakariApi, Notification } from "../../openstack/masakari/masakari-api.js";
import { isConflict, NOTIFICATION_STATUSES } from "../../openstack/masakari/masakari-api.js";
import { countProgress } from "../../openstack/masakari/masakari-progress.js";
import type { DriverHost, DriverProgress, RecoveryDriver } from "./recovery-driver.js";
import { backendDown } from "./backend-down.js";

/** The generated_time a failure is notified with: the fencing time to the second, the key that finds the notification again. */
export function generatedTimeOf(fencedAt: string): string {
  const ms = Date.parse(fencedAt);
  if (Number.isNaN(ms)) throw new Error(`fencedAt "${fencedAt}" is not an ISO time`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

/** Masakari's times carry no zone and are UTC; the same instant in ms. */
function masakariTimeMs(value: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}

/** A driver that hands fenced hosts to Masakari. */
export class MasakariDriver implements RecoveryDriver {
  readonly name = "masakari" as const;
  private readonly hostUuids = new Map<string, string>();

  constructor(private readonly api: MasakariApi) {}

  /** Sends the notification unless this failure's exists, and reports where it stands; Masakari unreachable or refusing gives "pending". */
  async advance(host: DriverHost, signal: AbortSignal): Promise<DriverProgress> {
    let ref: string | undefined;
    try {
      const generatedTime = generatedTimeOf(host.fencedAt);
      if (signal.aborted) return pending("aborted before Masakari was asked");
      let notification = await this.lookUp(host, generatedTime);
      if (!notification) {
        try {
          notification = await this.api.notifyHostDown(host.host, generatedTime);
        } catch (error) {
          if (!isConflict(error)) throw error;
          // Sent before (an answer lost, another controller): follow it. Otherwise Masakari refuses this host for now.
          this.hostUuids.delete(host.host);
          notification = await this.find(host.host, generatedTime);
          if (!notification) {
            return pending(`Masakari refused the notification (409): ${host.host} is on maintenance in its segment, ` +
              "or had a notification within duplicate_notification_detection_interval; retrying");
          }
        }
      }
      ref = notification.uuid;
      return await this.progress(notification);
    } catch (error) {
      return { ...pending(backendDown("Masakari", error)), ref };
    }
  }

  /** Follows this failure's notification if Masakari holds one; never sends one (undefined: Masakari answered it holds none). */
  async follow(host: DriverHost, signal: AbortSignal): Promise<DriverProgress | undefined> {
    try {
      if (signal.aborted) return pending("aborted before Masakari was asked");
      const notification = await this.lookUp(host, generatedTimeOf(host.fencedAt));
      return notification ? await this.progress(notification) : undefined;
    } catch (error) {
      return { ...pending(backendDown("Masakari", error)), ...(host.ref ? { ref: host.ref } : {}) };
    }
  }

  /** This failure's notification: the one the marker recorded, else the one found by generated_time. */
  private async lookUp(host: DriverHost, generatedTime: string): Promise<Notification | undefined> {
    return (host.ref ? await this.recorded(host.ref) : undefined) ?? (await this.find(host.host, generatedTime));
  }

  private async progress(notification: Notification): Promise<DriverProgress> {
    const state = NOTIFICATION_STATUSES[notification.status];
    const base = { ref: notification.uuid, detail: `notification ${notification.status}` };
    if (state === "running") return { state, recovered: 0, failed: 0, ...base };
    // Ended: read the progress messages once (1.1 asks the engine; without it the counts stay unknown).
    let details: Notification | undefined;
    try {
      details = await this.api.getNotificationDetails(notification.uuid);
    } catch {
      details = undefined;
    }
    const counts = countProgress(details?.progress ?? []);
    const failedIds = counts.failed.length > 0 ? `; failed: ${counts.failed.join(",")}` : "";
    return { state, recovered: counts.recovered.length, failed: counts.failed.length, ref: notification.uuid, detail: `notification ${notification.status}${failedIds}` };
  }

  /** The notification whose id the marker recorded; undefined when Masakari no longer has it (404). */
  private async recorded(uuid: string): Promise<Notification | undefined> {
    try {
      return await this.api.getNotification(uuid);
    } catch (error) {
      if (error instanceof OpenStackError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * This failure's notification: same source host and generated_time; else the newest of the host generated since then
   * (a later failure of the host is fenced again, with a later time: a notification after this one's fencing is this
   * failure's, even when the time the pass knows is not the one it was sent with).
   */
  private async find(hostname: string, generatedTime: string): Promise<Notification | undefined> {
    const hostUuid = await this.hostUuid(hostname);
    if (!hostUuid) return undefined;
    const wanted = Date.parse(generatedTime);
    const since = new Date(wanted - 1000).toISOString();
    const list = (await this.api.listNotifications({ generatedSince: since, sourceHostUuid: hostUuid }))
      .filter((n) => n.type === "COMPUTE_HOST" && masakariTimeMs(n.generatedTime) >= wanted);
    const newest = [...list].sort((a, b) => masakariTimeMs(b.generatedTime) - masakariTimeMs(a.generatedTime))[0];
    return list.find((n) => masakariTimeMs(n.generatedTime) === wanted) ?? newest;
  }

  /** The host's uuid in its failover segment (cached: it changes only when the segment is rebuilt). */
  private async hostUuid(hostname: string): Promise<string | undefined> {
    const known = this.hostUuids.get(hostname);
    if (known) return known;
    for (const segment of await this.api.listSegments()) {
      for (const host of await this.api.listHosts(segment.uuid)) this.hostUuids.set(host.name, host.uuid);
    }
    return this.hostUuids.get(hostname);
  }
}

function pending(detail: string): DriverProgress {
  return { state: "pending", recovered: 0, failed: 0, detail };
}
