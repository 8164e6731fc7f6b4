// Test helper: a Masakari kept in memory, one segment (s-1) holding compute-1..3 (h-1..h-3), behind fake-backends.ts.
import type { FakeReply, FakeRequest } from "../fake-server.js";

/** What the fake does besides the plain API: refuse every notification, lose the POST's answer, the 1.1 details. */
export interface FakeMasakariOptions {
  conflict?: boolean;
  loseAnswer?: boolean;
  details?: string[];
  detailsStatus?: number;
  /** Answer host changes (PUT) with this status, as Masakari does (409) while a notification of the segment runs. */
  hostUpdateStatus?: number;
}

/** A Masakari with one segment holding compute-1..3; notifications and hosts kept in memory. A host on maintenance gets 409, as in Masakari. */
export function fakeMasakari(opts: FakeMasakariOptions = {}) {
  const notifications: Array<Record<string, unknown>> = [];
  const hosts = [1, 2, 3].map((i) => ({ uuid: `h-${i}`, name: `compute-${i}`, type: "COMPUTE", control_attributes: "x", reserved: false, on_maintenance: false }));
  const handler = (req: FakeRequest): FakeReply => {
    if (req.path === "/segments") return { body: { segments: [{ uuid: "s-1", name: "pcmk", recovery_method: "auto", service_type: "COMPUTE" }] } };
    if (req.path === "/segments/s-1/hosts") return { body: { hosts } };
    const host = hosts.find((h) => req.path === `/segments/s-1/hosts/${h.uuid}`);
    if (host && req.method === "PUT") {
      if (opts.hostUpdateStatus) return { status: opts.hostUpdateStatus, body: { conflictingRequest: { message: "segment in use" } } };
      const change = (req.body as { host: { on_maintenance?: boolean } }).host;
      if (change.on_maintenance !== undefined) host.on_maintenance = change.on_maintenance;
      return { body: { host } };
    }
    if (req.path === "/notifications" && req.method === "POST") {
      const body = req.body as { notification: { generated_time: string; hostname: string } };
      const source = hosts.find((h) => h.name === body.notification.hostname);
      if (opts.conflict || source?.on_maintenance) return { status: 409, body: { conflictingRequest: { message: "in maintenance" } } };
      const n = { notification_uuid: `n-${notifications.length + 1}`, status: "new", type: "COMPUTE_HOST",
        generated_time: body.notification.generated_time.replace("Z", ".000000"), source_host_uuid: source?.uuid ?? "h-2" };
      notifications.push(n);
      return opts.loseAnswer ? "destroy" : { body: { notification: n } };
    }
    if (req.path === "/notifications") return { body: { notifications: notifications.filter((n) => n.source_host_uuid === req.query.get("source_host_uuid")) } };
    const one = notifications.find((n) => req.path === `/notifications/${String(n.notification_uuid)}`);
    if (!one) return { status: 404, body: {} };
    if (req.headers["openstack-api-version"] === "instance-ha 1.1") {
      if (opts.detailsStatus) return { status: opts.detailsStatus, body: {} };
      return { body: { notification: { ...one, recovery_workflow_details: [{ progress_details: (opts.details ?? []).map((message) => ({ message })) }] } } };
    }
    return { body: { notification: one } };
  };
  return { notifications, hosts, handler };
}
