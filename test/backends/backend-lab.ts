// The recovery back-ends on the real Nova lab: sessions to Masakari and Mistral, fencing a compute as fence_compute does, counting evacuations, driving a driver to its end.
import { resolve } from "node:path";
import { execa } from "execa";
import { pino } from "pino";
import { cloudConfigFromParams } from "../../src/agents/openstack-session.js";
import { BackendSession, type BackendService } from "../../src/openstack/backend-session.js";
import { Transport } from "../../src/openstack/http.js";
import type { DriverHost, DriverProgress, RecoveryDriver } from "../../src/recovery/drivers/recovery-driver.js";
import { LAB_CLOUD, LAB_CLOUDS_YAML, LAB_DIR, type LabSession, ZED_MAX, waitFor } from "../nova/lab.js";
import { computeControl, computeService, getServer, migrateTo, type NovaServer, restoreCompute, serversOnHost, waitForServer } from "../nova/lab-compute.js";

/** The environment the project's CLI and the drivers read the lab's credentials from. */
export const LAB_ENV: NodeJS.ProcessEnv = { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS_YAML, OS_CLOUD: LAB_CLOUD, OS_INTERFACE: "public" };

/** Runs one of test/lab/backends' scripts (masakari-up.sh, mistral-up.sh, backends-down.sh ...) and returns its output. */
export async function labScript(script: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<string> {
  const result = await execa("bash", [resolve(import.meta.dirname, "../lab/backends", script), ...args], {
    reject: false, all: true, timeout: 300_000, stdin: "ignore", env: { LAB: LAB_DIR, SKIP_APT: "1", ...env },
  });
  if (result.exitCode !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${result.exitCode}): ${String(result.all).slice(-2000)}`);
  return String(result.all);
}

/** A session to a back-end with the lab's admin credentials, as NovaEvacuate would open it. */
export async function labBackendSession(service: BackendService): Promise<{ session: BackendSession; close(): void }> {
  const config = await cloudConfigFromParams({ cloud: LAB_CLOUD, endpoint_type: "public" }, LAB_ENV);
  const transport = new Transport({ ...config, connectTimeoutMs: 3_000, readTimeoutMs: 20_000, logger: pino({ level: "silent" }) });
  return { session: new BackendSession(transport, config, service), close: () => transport.close() };
}

/** What fencing left: the host as a driver gets it, and the servers that were on it. */
export interface FencedHost {
  driverHost: DriverHost;
  servers: NovaServer[];
}

/** Crashes compute-N and fences it as fence_compute off does: forced down, then disabled with our reason. */
export async function fenceCompute(lab: LabSession, n: number, onSharedStorage = false): Promise<FencedHost> {
  const host = `compute-${n}`;
  const servers = await serversOnHost(lab, host);
  await computeControl("kill", n);
  const service = await computeService(lab, host);
  const fencedAt = new Date().toISOString();
  for (const body of [{ forced_down: true }, { status: "disabled", disabled_reason: `nova-ha:fenced at=${fencedAt} by=backends-test` }]) {
    const answer = await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: ZED_MAX, body });
    if (answer.status !== 200) throw new Error(`fencing ${host}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return { driverHost: { host, failureId: `${host}@${Date.parse(fencedAt)}`, fencedAt, onSharedStorage }, servers };
}

/** Evacuation migrations from a host since a time, per instance. */
export async function evacuationsPerInstance(lab: LabSession, host: string, since: string): Promise<Map<string, number>> {
  const answer = await lab.nova(`/os-migrations?migration_type=evacuation&source_compute=${host}&changes-since=${encodeURIComponent(since)}`, { version: ZED_MAX });
  if (answer.status !== 200) throw new Error(`os-migrations: HTTP ${answer.status}`);
  const counts = new Map<string, number>();
  for (const m of answer.body.migrations as Array<{ instance_uuid: string }>) counts.set(m.instance_uuid, (counts.get(m.instance_uuid) ?? 0) + 1);
  return counts;
}

/** Calls advance every `intervalMs` until a terminal state; returns every distinct progress seen and the time taken. */
export async function driveToEnd(driver: RecoveryDriver, host: DriverHost, timeoutMs: number, intervalMs = 1000): Promise<{ last: DriverProgress; seen: DriverProgress[]; ms: number }> {
  const started = Date.now();
  const seen: DriverProgress[] = [];
  const last = await waitFor(`${driver.name} to end the recovery of ${host.host}`, async () => {
    const progress = await driver.advance(host, new AbortController().signal);
    if (seen.at(-1)?.state !== progress.state || seen.at(-1)?.detail !== progress.detail) seen.push(progress);
    return progress.state === "done" || progress.state === "failed" ? progress : undefined;
  }, timeoutMs, intervalMs);
  return { last, seen, ms: Date.now() - started };
}

/** Each server of the fenced host, now: must be on another host, in its old status (ACTIVE always counts), no task running. */
export async function verifyRecovered(lab: LabSession, fenced: FencedHost): Promise<Array<{ name: string; before: string; after: string; host: string | null; ok: boolean }>> {
  return Promise.all(fenced.servers.map(async (s) => {
    const now = await getServer(lab, s.id);
    const ok = now !== null && now.host !== fenced.driverHost.host && now.taskState === null && (now.status === "ACTIVE" || now.status === s.status);
    return { name: s.name, before: s.status, after: now?.status ?? "gone", host: now?.host ?? null, ok };
  }));
}

/** Puts compute-N back (process, forced_down false, enabled, up) and its servers home, in their old status. */
export async function restoreHost(lab: LabSession, n: number, servers: readonly NovaServer[]): Promise<void> {
  await restoreCompute(lab, n);
  for (const s of servers) {
    const now = await getServer(lab, s.id);
    if (now && now.host !== `compute-${n}` && now.taskState === null && (now.status === "ACTIVE" || now.status === "SHUTOFF")) await migrateTo(lab, s.id, `compute-${n}`);
    // A server never evacuated was stopped by nova-compute's power-state sync when its host came back: start it again.
    const after = await getServer(lab, s.id);
    if (s.status === "ACTIVE" && after?.status === "SHUTOFF") {
      await lab.nova(`/servers/${s.id}/action`, { method: "POST", version: ZED_MAX, body: { "os-start": null } });
      await waitForServer(lab, s.id, { status: "ACTIVE" });
    }
  }
}
