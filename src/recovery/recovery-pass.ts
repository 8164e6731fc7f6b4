// One NovaEvacuate pass: find failed hosts in attrd and Nova, check they are fenced, recover them, record the outcome in both.
import type { Logger } from "../kit/logger.js";
import type { OpenStack } from "../openstack/api.js";
import type { ComputeService } from "../openstack/types.js";
import type { AttrdClient } from "../pacemaker/attrd.js";
import { inProgressValue, parseEvacuateFlag } from "../pacemaker/evacuate-attribute.js";
import { evacuateHosts, type EngineRun } from "./evacuate-hosts.js";
import { failureTime } from "./failure-time.js";
import { isFencedInNova } from "./fenced.js";
import { matchNovaHost } from "./host-name.js";
import { formatNovaMarker, markerPending, parseNovaMarker } from "./nova-marker.js";
import type { RequestFailures } from "./plan-host.js";
import type { OriginalState } from "./power-state-memory.js";
import type { HostReport } from "./recovery-report.js";
import type { RecoveryTarget } from "./snapshot.js";

/** What a pass needs from the outside world. */
export interface PassDeps {
  readonly openstack: OpenStack;
  readonly attrd: AttrdClient;
  readonly log: Logger;
  /** This cluster node's name, written into the in-progress marker. */
  readonly node: string;
  readonly failures?: Map<string, RequestFailures>;
  readonly originalStates?: Map<string, OriginalState>;
  readonly onProgress?: (reports: readonly HostReport[]) => void;
  readonly now?: () => number;
}

/** A failed host, as found in attrd, Nova or both. */
interface FailedHost {
  readonly service: ComputeService;
  readonly flag: string | undefined;
}

/** What one pass did. */
export interface PassResult {
  readonly reports: readonly HostReport[];
  /** Hosts flagged but left alone, with why. */
  readonly skipped: readonly { host: string; reason: string }[];
  /** attrd could not be read: only Nova's markers were used. */
  readonly attrdUnavailable: boolean;
}

/** Finds the service of an attrd host name with the same rules fence_compute used to write it (host-name.ts). */
function serviceFor(host: string, services: readonly ComputeService[]): ComputeService | undefined {
  const match = matchNovaHost(host, services.map((service) => service.host));
  return match.kind === "found" ? services.find((service) => service.host === match.host) : undefined;
}

/** Merges attrd flags and Nova markers into the set of hosts to recover. */
function findFailedHosts(flags: ReadonlyMap<string, string>, services: readonly ComputeService[], skipped: { host: string; reason: string }[]): FailedHost[] {
  const found = new Map<string, FailedHost>();
  for (const [host, value] of flags) {
    const flag = parseEvacuateFlag(value);
    if (flag.kind !== "requested" && flag.kind !== "in-progress") continue;
    const service = serviceFor(host, services);
    if (!service) skipped.push({ host, reason: "attrd asks for evacuation but Nova has no nova-compute service of that name" });
    else found.set(service.host, { service, flag: host });
  }
  for (const service of services) {
    if (!found.has(service.host) && markerPending(parseNovaMarker(service.disabledReason))) {
      found.set(service.host, { service, flag: undefined });
    }
  }
  return [...found.values()];
}

/**
 * Records "in progress" in Nova (durable, awaited) and attrd (for the peers, in the background: `attrd` settles when
 * done, never rejects), once per host.
 */
async function markInProgress(deps: PassDeps, host: FailedHost, flags: ReadonlyMap<string, string>, now: number): Promise<{ target: RecoveryTarget; attrd: Promise<void> }> {
  const { service } = host;
  const marker = parseNovaMarker(service.disabledReason);
  const since = failureTime(service, now);
  let startedAt = now;
  if (marker.kind === "ours" && marker.phase === "evacuating") {
    startedAt = Date.parse(marker.fields.at ?? "") || now;
  } else if (marker.kind !== "foreign") {
    const reason = formatNovaMarker("evacuating", new Date(now), { fenced: since.toISOString(), by: deps.node });
    await deps.openstack.compute.disable(service, reason);
  }
  const attrdHost = host.flag ?? service.host;
  const attrd = parseEvacuateFlag(flags.get(attrdHost)).kind === "in-progress"
    ? Promise.resolve()
    : deps.attrd.update(attrdHost, inProgressValue(deps.node, new Date(now))).catch((error: unknown) =>
      deps.log.warn({ host: attrdHost, err: String(error) }, "could not record the in-progress marker in attrd; Nova's marker still holds the state"));
  return { target: { host: service.host, since, notBefore: startedAt }, attrd };
}

/** Records "done" in Nova and attrd for a finished host. */
async function markDone(deps: PassDeps, host: FailedHost, report: HostReport, now: number): Promise<void> {
  const marker = parseNovaMarker(host.service.disabledReason);
  if (marker.kind !== "foreign") {
    const reason = formatNovaMarker("evacuated", new Date(now), { recovered: report.recovered, failed: report.failed, skipped: report.skipped });
    await deps.openstack.compute.disable(host.service, reason);
  }
  const attrdHost = host.flag ?? host.service.host;
  await deps.attrd.update(attrdHost, "no").catch((error: unknown) =>
    deps.log.warn({ host: attrdHost, err: String(error) }, "could not clear the attrd flag; Nova's marker says done"));
}

/** Runs one pass within `run.deadline`. */
export async function recoveryPass(deps: PassDeps, run: EngineRun): Promise<PassResult> {
  const clock = deps.now ?? Date.now;
  const skipped: { host: string; reason: string }[] = [];
  let attrdUnavailable = false;
  // attrd_updater is a process to start: it runs alongside the services listing.
  const [flags, services] = await Promise.all([
    deps.attrd.queryAll().catch((error: unknown) => {
      attrdUnavailable = true;
      deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, "attrd unreadable; using Nova's markers only");
      return new Map<string, string>();
    }),
    deps.openstack.compute.listServices(),
  ]);
  const failed = findFailedHosts(flags, services, skipped);
  const fenced = failed.filter((host) => {
    if (isFencedInNova(host.service)) return true;
    skipped.push({ host: host.service.host, reason: "flagged, but its nova-compute is up and not forced down: not touching a host that is not fenced" });
    return false;
  });
  for (const item of skipped) deps.log.warn({ host: item.host }, item.reason);
  if (fenced.length === 0) {
    deps.log.debug({ services: services.length }, "no failed host");
    return { reports: [], skipped, attrdUnavailable };
  }

  const now = clock();
  const targets: RecoveryTarget[] = [];
  const attrdMarks: Promise<void>[] = [];
  for (const host of fenced) {
    const { target, attrd } = await markInProgress(deps, host, flags, now);
    targets.push({ ...target, notBefore: target.notBefore + run.evacuateDelayMs });
    attrdMarks.push(attrd);
    deps.log.info({ host: host.service.host, since: target.since.toISOString() }, "recovering host");
  }
  const reports = await evacuateHosts(deps, targets, run);
  // The "in progress" marks land before any "done" replaces them.
  await Promise.all(attrdMarks);
  for (const report of reports) {
    const host = fenced.find((item) => item.service.host === report.host);
    if (report.done && host) await markDone(deps, host, report, clock());
    deps.log.info(
      { host: report.host, found: report.instances.length, submitted: report.submitted, in_progress: report.inProgress, pending: report.pending, recovered: report.recovered, failed: report.failed, skipped: report.skipped },
      report.done ? (report.failed > 0 ? "host recovery finished with failures" : "host recovered") : "host recovery continues",
    );
  }
  return { reports, skipped, attrdUnavailable };
}
