// The built agents against the real Nova lab and its back-ends: fence_compute off/on, NovaEvacuate's monitors, Masakari's segment hosts.
import { pino } from "pino";
import { afterAll, beforeAll, expect } from "vitest";
import { novaHa } from "../../src/cli/nova-ha.js";
import { createMasakariApi, type MasakariApi, type Segment, type SegmentHost } from "../../src/openstack/masakari/masakari-api.js";
import { attrdUpdater } from "../../src/pacemaker/attrd.js";
import { useFakeAttrd, type FakeAttrd } from "../fakes/fake-attrd.js";
import { BUNDLES, fenceStdin, ocfResource, requireBundle, type AgentRun, type OcfResource } from "../nova/bundles.js";
import { requireLab, waitFor, type LabSession } from "../nova/lab.js";
import { computeControl, computeService, serversOnHost, type NovaServer } from "../nova/lab-compute.js";
import { evacuationsPerInstance, LAB_ENV, labBackendSession, labScript, verifyRecovered } from "./backend-lab.js";

/** Our workflow, as the tests install it. */
export const WORKFLOW = new URL("../../share/workflows/nova-ha-host-evacuate.yaml", import.meta.url).pathname;

/** The agents' connection parameters for the lab's admin. */
export function agentCredentials(lab: LabSession): Record<string, string> {
  const c = lab.credentials;
  return { auth_url: c.authUrl, username: c.username, password: c.password, tenant_name: c.projectName, user_domain: c.userDomainName };
}

/** The segment and entry of a Nova host in Masakari. */
export async function segmentHost(api: MasakariApi, host: string): Promise<{ segment: Segment; host: SegmentHost }> {
  for (const segment of await api.listSegments()) {
    const found = (await api.listHosts(segment.uuid)).find((h) => h.name === host);
    if (found) return { segment, host: found };
  }
  throw new Error(`${host} is in no Masakari segment`);
}

/** A compute killed and fenced by the built fence_compute off. */
export interface FencedCompute {
  host: string;
  n: number;
  servers: NovaServer[];
  /** A second before the kill: evacuation records of this failure are newer. */
  fencedAt: string;
}

/** Kills compute-N and fences it with the built fence_compute off (forced down, disabled, attrd yes). */
export async function killAndFence(lab: LabSession, attrd: FakeAttrd, n: number): Promise<FencedCompute> {
  const host = `compute-${n}`;
  const servers = await serversOnHost(lab, host);
  expect(servers.length).toBeGreaterThan(0);
  const fencedAt = new Date(Date.now() - 1000).toISOString();
  await computeControl("kill", n);
  const fence = await fenceStdin({ action: "off", plug: host, ...agentCredentials(lab) });
  expect(fence.exitCode, fence.stderr).toBe(0);
  expect(attrd.value(host)).toBe("yes");
  return { host, n, servers, fencedAt };
}

/** A started NovaEvacuate resource of the built bundle with these parameters (quick polls). */
export async function novaEvacuateResource(lab: LabSession, params: Record<string, string>): Promise<OcfResource> {
  const resource = ocfResource(BUNDLES.novaEvacuate, `nova-evacuate-${params.recovery_driver ?? "nova"}`, { ...agentCredentials(lab), poll_interval: "1", ...params });
  expect((await resource.run("start")).exitCode).toBe(0);
  return resource;
}

/** One monitor, which must succeed. */
export async function monitor(resource: OcfResource, timeoutMs = 120_000): Promise<AgentRun> {
  const run = await resource.run("monitor", { timeoutMs, intervalMs: 10_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  return run;
}

/** Runs monitors until attrd says the host is done; returns how long it took. */
export async function monitorUntilDone(resource: OcfResource, attrd: FakeAttrd, host: string, timeoutMs = 420_000): Promise<number> {
  const started = Date.now();
  await waitFor(`NovaEvacuate to record ${host} done`, async () => {
    await monitor(resource);
    return attrd.value(host) === "no" ? true : undefined;
  }, timeoutMs, 1_000);
  return Date.now() - started;
}

/** Each server evacuated exactly once and verified on another host in its old state. */
export async function expectRecoveredOnce(lab: LabSession, fenced: FencedCompute): Promise<void> {
  const driverHost = { host: fenced.host, failureId: "", fencedAt: fenced.fencedAt, onSharedStorage: false };
  expect((await verifyRecovered(lab, { driverHost, servers: fenced.servers })).filter((r) => !r.ok)).toEqual([]);
  const evacuations = await evacuationsPerInstance(lab, fenced.host, fenced.fencedAt);
  expect(fenced.servers.map((s) => evacuations.get(s.id))).toEqual(fenced.servers.map(() => 1));
}

/** Takes a host off maintenance in its Masakari segment if it is on it (the clean-up after a Masakari recovery that did not unfence). */
export async function offMaintenance(masakari: MasakariApi, host: string): Promise<void> {
  const entry = await segmentHost(masakari, host).catch(() => undefined);
  if (entry?.host.onMaintenance) await masakari.updateHost(entry.segment.uuid, entry.host.uuid, { onMaintenance: false });
}

/** Restarts the compute and unfences it with the built fence_compute on: the service ends enabled, with no reason. */
export async function restartAndUnfence(lab: LabSession, n: number): Promise<void> {
  await computeControl("start", n);
  const run = await fenceStdin({ action: "on", plug: `compute-${n}`, ...agentCredentials(lab) }, 180_000);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(await computeService(lab, `compute-${n}`)).toMatchObject({ status: "enabled", disabled_reason: null });
}

/** What a test file of the built agents with back-ends works with, once beforeAll has run. */
export interface AgentsLab {
  lab: LabSession;
  attrd: FakeAttrd;
  masakari: MasakariApi;
  /** A started NovaEvacuate resource, removed after the file. */
  novaEvacuate(params: Record<string, string>): Promise<OcfResource>;
}

/** The lab of `prepareAgentsLab`, and the clean-up of what it made. */
export interface PreparedAgentsLab extends AgentsLab {
  /** Removes the NovaEvacuate resources made, closes the Masakari session, drops the fake attrd. */
  close(): void;
}

/**
 * Prepares the built agents on the lab: the lab, the built bundles, the fake attrd, Masakari up with the lab's computes in a
 * segment (recovery_method auto) and, with `mistral`, Mistral up with our workflow installed (test files and bench/backends-lab.ts).
 */
export async function prepareAgentsLab(options: { mistral?: boolean; masakariEnv?: Record<string, string> } = {}): Promise<PreparedAgentsLab> {
  const cli = { env: LAB_ENV, makeLog: () => pino({ level: "silent" }), attrd: () => attrdUpdater() };
  const lab = await requireLab();
  requireBundle(BUNDLES.fenceCompute);
  requireBundle(BUNDLES.novaEvacuate);
  const attrd = useFakeAttrd();
  await labScript("masakari-up.sh", [], options.masakariEnv);
  const segment = await novaHa(["masakari", "sync-segment", "nova-ha-backends", "--nodes", "compute-1,compute-2,compute-3", "--recovery-method", "auto"], cli);
  expect(segment.exitCode, segment.stderr).toBe(0);
  if (options.mistral) {
    await labScript("mistral-up.sh");
    const workflow = await novaHa(["mistral", "install-workflow", "--file", WORKFLOW], cli);
    expect(workflow.exitCode, workflow.stderr).toBe(0);
  }
  const masakari = await labBackendSession("masakari");
  const resources: OcfResource[] = [];
  return {
    lab, attrd, masakari: createMasakariApi(masakari.session),
    async novaEvacuate(params) {
      const resource = await novaEvacuateResource(lab, params);
      resources.push(resource);
      return resource;
    },
    close() {
      for (const resource of resources) resource.remove();
      masakari.close();
      attrd.remove();
    },
  };
}

/** Sets up a test file with `prepareAgentsLab` in beforeAll and cleans up after it; returns the context, filled in beforeAll. */
export function useAgentsLab(options: { mistral?: boolean } = {}): AgentsLab {
  const context = {} as AgentsLab;
  let prepared: PreparedAgentsLab | undefined;
  beforeAll(async () => {
    prepared = await prepareAgentsLab(options);
    Object.assign(context, { lab: prepared.lab, attrd: prepared.attrd, masakari: prepared.masakari, novaEvacuate: prepared.novaEvacuate });
  });
  afterAll(() => prepared?.close());
  return context;
}
