// The Masakari calls of the recovery driver and of `nova-ha masakari sync-segment`: notifications, failover segments and their hosts.
import { z } from "zod";
import type { BackendSession } from "../backend-session.js";
import { OpenStackError } from "../errors.js";
import { parseAnswer } from "../validate.js";

/** Notifications are polled at 1.0: from 1.1 every GET asks the engine, and answers 500 after 60 s when it is down. */
export const POLL_MICROVERSION = "1.0";
/** 1.1 adds recovery_workflow_details; read once, when a notification has ended. */
export const DETAILS_MICROVERSION = "1.1";

/** Notification statuses, as Masakari names them, and what each means to us. */
export const NOTIFICATION_STATUSES = {
  new: "running",
  running: "running",
  error: "running", // the engine retries an errored notification once, from its periodic task
  finished: "done",
  failed: "failed",
  ignored: "failed",
} as const;

/** A notification status Masakari sends. */
export type NotificationStatus = keyof typeof NOTIFICATION_STATUSES;

/** One Masakari notification. */
export interface Notification {
  uuid: string;
  status: NotificationStatus;
  type: string;
  /** As Masakari returns it (UTC, no zone suffix). */
  generatedTime: string;
  sourceHostUuid: string;
  /** recovery_workflow_details progress messages (from 1.1 only). */
  progress: string[];
}

/** A failover segment. */
export interface Segment {
  uuid: string;
  name: string;
  recoveryMethod: string;
  serviceType: string;
}

/** A host of a failover segment. */
export interface SegmentHost {
  uuid: string;
  name: string;
  type: string;
  controlAttributes: string;
  reserved: boolean;
  onMaintenance: boolean;
}

/** What to create a segment with. */
export interface NewSegment {
  name: string;
  recoveryMethod: "auto" | "reserved_host" | "auto_priority" | "rh_priority";
  serviceType: string;
  description?: string;
}

/** What to create a segment host with. */
export interface NewSegmentHost {
  name: string;
  type: string;
  controlAttributes: string;
  reserved?: boolean;
  onMaintenance?: boolean;
}

const notificationSchema = z.object({
  notification_uuid: z.string(),
  status: z.enum(Object.keys(NOTIFICATION_STATUSES) as [NotificationStatus, ...NotificationStatus[]]),
  type: z.string(),
  generated_time: z.string(),
  source_host_uuid: z.string(),
  recovery_workflow_details: z
    .array(z.object({ name: z.string().optional(), state: z.string().optional(), progress_details: z.array(z.object({ message: z.string().optional() })).optional() }))
    .nullish(),
});
const segmentSchema = z.object({ uuid: z.string(), name: z.string(), recovery_method: z.string(), service_type: z.string() });
const hostSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  type: z.string(),
  control_attributes: z.string(),
  reserved: z.boolean(),
  on_maintenance: z.boolean(),
});

/** Masakari's API, as the driver and the CLI use it. */
export interface MasakariApi {
  /** Sends a COMPUTE_HOST notification; a 409 (duplicate, or host on maintenance) throws an OpenStackError of kind "conflict". */
  notifyHostDown(hostname: string, generatedTime: string): Promise<Notification>;
  /** One notification, polled at 1.0 (no engine call). */
  getNotification(uuid: string): Promise<Notification>;
  /** The notification with its recovery_workflow_details (1.1: one engine call). */
  getNotificationDetails(uuid: string): Promise<Notification>;
  /** Notifications generated since a time (ISO), newest first. */
  listNotifications(filter: { generatedSince?: string; sourceHostUuid?: string }): Promise<Notification[]>;
  /** Every failover segment. */
  listSegments(): Promise<Segment[]>;
  /** Creates a segment. */
  createSegment(segment: NewSegment): Promise<Segment>;
  /** Changes a segment's recovery method (refused with 409 while a notification of the segment runs). */
  updateSegment(segmentUuid: string, change: { recoveryMethod: NewSegment["recoveryMethod"] }): Promise<Segment>;
  /** Every host of a segment. */
  listHosts(segmentUuid: string): Promise<SegmentHost[]>;
  /** Adds a host to a segment. */
  createHost(segmentUuid: string, host: NewSegmentHost): Promise<SegmentHost>;
  /** Changes a host (e.g. on_maintenance false after an unfencing). */
  updateHost(segmentUuid: string, hostUuid: string, change: { onMaintenance?: boolean; reserved?: boolean }): Promise<SegmentHost>;
  /** Removes a host from a segment. */
  deleteHost(segmentUuid: string, hostUuid: string): Promise<void>;
}

/** Masakari through a back-end session. */
export function createMasakariApi(session: BackendSession): MasakariApi {
  const version = (v: string): Record<string, string> => ({ "OpenStack-API-Version": `instance-ha ${v}` });
  const ctx = (method: string, path: string, requestId?: string) => ({ service: "masakari" as const, method, path, requestId });

  const getNotification = async (uuid: string, microversion: string): Promise<Notification> => {
    const path = `/notifications/${encodeURIComponent(uuid)}`;
    const res = await session.request({ method: "GET", path, headers: version(microversion) });
    return toNotification(parseAnswer(z.object({ notification: notificationSchema }), res.data, ctx("GET", path, res.requestId)).notification);
  };

  return {
    async notifyHostDown(hostname, generatedTime) {
      const body = {
        notification: {
          type: "COMPUTE_HOST",
          hostname,
          generated_time: generatedTime,
          payload: { event: "STOPPED", host_status: "NORMAL", cluster_status: "OFFLINE" },
        },
      };
      // Not retried by the transport: a lost answer is found again by its generated_time on the next advance.
      const res = await session.request({ method: "POST", path: "/notifications", body, headers: version(POLL_MICROVERSION) });
      return toNotification(parseAnswer(z.object({ notification: notificationSchema }), res.data, ctx("POST", "/notifications", res.requestId)).notification);
    },
    getNotification: (uuid) => getNotification(uuid, POLL_MICROVERSION),
    getNotificationDetails: (uuid) => getNotification(uuid, DETAILS_MICROVERSION),
    async listNotifications(filter) {
      const params = { "generated-since": filter.generatedSince, source_host_uuid: filter.sourceHostUuid, sort_key: "generated_time", sort_dir: "desc" };
      const res = await session.request({ method: "GET", path: "/notifications", params, headers: version(POLL_MICROVERSION) });
      return parseAnswer(z.object({ notifications: z.array(notificationSchema) }), res.data, ctx("GET", "/notifications", res.requestId)).notifications.map(toNotification);
    },
    async listSegments() {
      const res = await session.request({ method: "GET", path: "/segments", headers: version(POLL_MICROVERSION) });
      return parseAnswer(z.object({ segments: z.array(segmentSchema) }), res.data, ctx("GET", "/segments", res.requestId)).segments.map(toSegment);
    },
    async createSegment(segment) {
      const body = { segment: { name: segment.name, recovery_method: segment.recoveryMethod, service_type: segment.serviceType, description: segment.description } };
      const res = await session.request({ method: "POST", path: "/segments", body, headers: version(POLL_MICROVERSION) });
      return toSegment(parseAnswer(z.object({ segment: segmentSchema }), res.data, ctx("POST", "/segments", res.requestId)).segment);
    },
    async updateSegment(segmentUuid, change) {
      const path = `/segments/${encodeURIComponent(segmentUuid)}`;
      const res = await session.request({ method: "PUT", path, body: { segment: { recovery_method: change.recoveryMethod } }, headers: version(POLL_MICROVERSION) });
      return toSegment(parseAnswer(z.object({ segment: segmentSchema }), res.data, ctx("PUT", path, res.requestId)).segment);
    },
    async listHosts(segmentUuid) {
      const path = `/segments/${encodeURIComponent(segmentUuid)}/hosts`;
      const res = await session.request({ method: "GET", path, headers: version(POLL_MICROVERSION) });
      return parseAnswer(z.object({ hosts: z.array(hostSchema) }), res.data, ctx("GET", path, res.requestId)).hosts.map(toHost);
    },
    async createHost(segmentUuid, host) {
      const path = `/segments/${encodeURIComponent(segmentUuid)}/hosts`;
      const body = { host: { name: host.name, type: host.type, control_attributes: host.controlAttributes, reserved: host.reserved ?? false, on_maintenance: host.onMaintenance ?? false } };
      const res = await session.request({ method: "POST", path, body, headers: version(POLL_MICROVERSION) });
      return toHost(parseAnswer(z.object({ host: hostSchema }), res.data, ctx("POST", path, res.requestId)).host);
    },
    async updateHost(segmentUuid, hostUuid, change) {
      const path = `/segments/${encodeURIComponent(segmentUuid)}/hosts/${encodeURIComponent(hostUuid)}`;
      const body = { host: { on_maintenance: change.onMaintenance, reserved: change.reserved } };
      const res = await session.request({ method: "PUT", path, body, headers: version(POLL_MICROVERSION) });
      return toHost(parseAnswer(z.object({ host: hostSchema }), res.data, ctx("PUT", path, res.requestId)).host);
    },
    async deleteHost(segmentUuid, hostUuid) {
      const path = `/segments/${encodeURIComponent(segmentUuid)}/hosts/${encodeURIComponent(hostUuid)}`;
      await session.request({ method: "DELETE", path, headers: version(POLL_MICROVERSION) });
    },
  };
}

/** True when an error says Masakari refused a notification as a duplicate or for a host on maintenance. */
export function isConflict(error: unknown): error is OpenStackError {
  return error instanceof OpenStackError && error.status === 409;
}

function toNotification(n: z.output<typeof notificationSchema>): Notification {
  const progress = (n.recovery_workflow_details ?? []).flatMap((task) => (task.progress_details ?? []).flatMap((p) => (p.message ? [p.message] : [])));
  return { uuid: n.notification_uuid, status: n.status, type: n.type, generatedTime: n.generated_time, sourceHostUuid: n.source_host_uuid, progress };
}

function toSegment(s: z.output<typeof segmentSchema>): Segment {
  return { uuid: s.uuid, name: s.name, recoveryMethod: s.recovery_method, serviceType: s.service_type };
}

function toHost(h: z.output<typeof hostSchema>): SegmentHost {
  return { uuid: h.uuid, name: h.name, type: h.type, controlAttributes: h.control_attributes, reserved: h.reserved, onMaintenance: h.on_maintenance };
}
