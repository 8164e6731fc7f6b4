// Servers and compute hosts of the real Nova lab: boot, stop, delete, migrate back, crash and restore a compute.
import { resolve } from "node:path";
import { execa } from "execa";
import { type LabSession, ZED_MAX, waitFor } from "./lab.js";

/** nova-compute.sh, which crashes (kill), stops and starts one compute of the lab. */
const COMPUTE_SCRIPT = resolve(import.meta.dirname, "../lab/nova/nova-compute.sh");
/** The lab's compute hosts (nova-up.sh's NCOMPUTE default): compute-1..3. */
export const LAB_COMPUTES = [1, 2, 3] as const;

/** A nova-compute service as GET /os-services shows it at 2.93. */
export interface NovaService {
  id: string;
  host: string;
  binary: string;
  status: "enabled" | "disabled";
  state: "up" | "down";
  forced_down: boolean;
  disabled_reason: string | null;
}

/** The fields of a server the tests look at. */
export interface NovaServer {
  id: string;
  name: string;
  status: string;
  host: string | null;
  taskState: string | null;
  powerState: number;
  /** The flavor's name (embedded flavor, 2.47 and later). */
  flavor: string;
}

/** What to boot: a name, a flavor name, the host, and the state to leave it in (default ACTIVE). */
export interface BootSpec {
  name: string;
  flavor: string;
  host: string;
  state?: "SHUTOFF" | "PAUSED";
}

/** The server action that leads to each state. */
const STATE_ACTIONS = { SHUTOFF: "os-stop", PAUSED: "pause" } as const;

function toServer(raw: any): NovaServer {
  return {
    id: raw.id,
    name: raw.name,
    status: raw.status,
    host: raw["OS-EXT-SRV-ATTR:host"] ?? null,
    taskState: raw["OS-EXT-STS:task_state"] ?? null,
    powerState: raw["OS-EXT-STS:power_state"],
    flavor: raw.flavor?.original_name ?? "",
  };
}

/** The nova-compute service of a host. */
export async function computeService(lab: LabSession, host: string): Promise<NovaService> {
  const answer = await lab.nova(`/os-services?binary=nova-compute&host=${encodeURIComponent(host)}`, { version: ZED_MAX });
  const service = answer.body?.services?.[0];
  if (answer.status !== 200 || !service) throw new Error(`GET /os-services?host=${host}: HTTP ${answer.status}, ${JSON.stringify(answer.body)}`);
  return service;
}

/** One server, or null when Nova answers 404. */
export async function getServer(lab: LabSession, id: string): Promise<NovaServer | null> {
  const answer = await lab.nova(`/servers/${id}`, { version: ZED_MAX });
  if (answer.status === 404) return null;
  if (answer.status !== 200) throw new Error(`GET /servers/${id}: HTTP ${answer.status}`);
  return toServer(answer.body.server);
}

/** Every server on a host, all projects. */
export async function serversOnHost(lab: LabSession, host: string): Promise<NovaServer[]> {
  const answer = await lab.nova(`/servers/detail?all_tenants=1&host=${encodeURIComponent(host)}`, { version: ZED_MAX });
  return (answer.body.servers as unknown[]).map(toServer);
}

/** A server by exact name (the seeded lab-vm-N). */
export async function serverNamed(lab: LabSession, name: string): Promise<NovaServer> {
  const answer = await lab.nova(`/servers/detail?all_tenants=1&name=${encodeURIComponent(`^${name}$`)}`, { version: ZED_MAX });
  const found = answer.body?.servers?.[0];
  if (!found) throw new Error(`the lab has no server ${name}: seed it again (see test/lab/nova/README.md)`);
  return toServer(found);
}

/** Waits until a server is settled (no task) in `status`, optionally on a host other than / equal to one. */
export function waitForServer(lab: LabSession, id: string, want: { status: string; host?: string; notHost?: string }, timeoutMs = 90_000): Promise<NovaServer> {
  const where = want.host ? ` on ${want.host}` : want.notHost ? ` off ${want.notHost}` : "";
  return waitFor(`server ${id} to be ${want.status}${where}`, async () => {
    const s = await getServer(lab, id);
    if (!s || s.taskState !== null || s.status !== want.status) return undefined;
    if (want.host && s.host !== want.host) return undefined;
    if (want.notHost && s.host === want.notHost) return undefined;
    return s;
  }, timeoutMs, 1000);
}

async function flavorId(lab: LabSession, name: string): Promise<string> {
  const answer = await lab.nova("/flavors/detail?is_public=None", { version: ZED_MAX });
  const flavor = (answer.body.flavors as { id: string; name: string }[]).find((f) => f.name === name);
  if (!flavor) throw new Error(`the lab has no flavor ${name}`);
  return flavor.id;
}

async function labImageId(lab: LabSession): Promise<string> {
  const id = (await lab.glance("/v2/images?name=lab-image")).body?.images?.[0]?.id;
  if (!id) throw new Error("the lab has no image lab-image");
  return id;
}

/** Boots servers on given hosts (2.74 "host", no network), waits for ACTIVE, then stops or pauses those that ask for it. */
export async function bootServers(lab: LabSession, specs: readonly BootSpec[]): Promise<NovaServer[]> {
  const image = await labImageId(lab);
  const ids = await Promise.all(specs.map(async (spec) => {
    const body = { server: { name: spec.name, imageRef: image, flavorRef: await flavorId(lab, spec.flavor), networks: "none", host: spec.host } };
    const answer = await lab.nova("/servers", { method: "POST", version: "2.74", body });
    if (answer.status !== 202) throw new Error(`booting ${spec.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.server.id as string;
  }));
  await Promise.all(ids.map((id, i) => waitForServer(lab, id, { status: "ACTIVE", host: specs[i]?.host })));
  await Promise.all(ids.map(async (id, i) => {
    const state = specs[i]?.state;
    if (!state) return;
    const answer = await lab.nova(`/servers/${id}/action`, { method: "POST", version: ZED_MAX, body: { [STATE_ACTIONS[state]]: null } });
    if (answer.status !== 202) throw new Error(`${STATE_ACTIONS[state]} of ${id}: HTTP ${answer.status}`);
    await waitForServer(lab, id, { status: state });
  }));
  return Promise.all(ids.map(async (id) => (await getServer(lab, id)) as NovaServer));
}

/** Deletes servers (those already gone are fine) and waits until Nova no longer has them. */
export async function deleteServers(lab: LabSession, ids: readonly string[]): Promise<void> {
  await Promise.all(ids.map(async (id) => {
    await lab.nova(`/servers/${id}`, { method: "DELETE", version: ZED_MAX });
    await waitFor(`server ${id} to be deleted`, async () => ((await getServer(lab, id)) === null ? true : undefined), 60_000, 1000);
  }));
}

/** Deletes leftovers of an earlier, interrupted run: servers whose name starts with `prefix`. */
export async function deleteServersNamed(lab: LabSession, prefix: string): Promise<void> {
  const answer = await lab.nova(`/servers/detail?all_tenants=1&name=${encodeURIComponent(`^${prefix}`)}`, { version: ZED_MAX });
  await deleteServers(lab, (answer.body.servers as { id: string }[]).map((s) => s.id));
}

/** Cold-migrates a server to `host` (2.56 "host") and confirms, leaving it in the status it had. */
export async function migrateTo(lab: LabSession, id: string, host: string): Promise<NovaServer> {
  const before = await getServer(lab, id);
  if (!before) throw new Error(`server ${id} is gone`);
  if (before.host === host) return before;
  // A run killed half-way (or a back-end test's failed rebuild) can leave a seeded server in ERROR, which Nova will not
  // migrate: put it back to active first, as an operator would.
  if (before.status === "ERROR") {
    const reset = await lab.nova(`/servers/${id}/action`, { method: "POST", version: ZED_MAX, body: { "os-resetState": { state: "active" } } });
    if (reset.status !== 202) throw new Error(`resetting ${id} to active: HTTP ${reset.status} ${JSON.stringify(reset.body)}`);
  }
  const answer = await lab.nova(`/servers/${id}/action`, { method: "POST", version: ZED_MAX, body: { migrate: { host } } });
  if (answer.status !== 202) throw new Error(`migrating ${id} to ${host}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  await waitForServer(lab, id, { status: "VERIFY_RESIZE", host });
  const confirm = await lab.nova(`/servers/${id}/action`, { method: "POST", version: ZED_MAX, body: { confirmResize: null } });
  if (confirm.status !== 204) throw new Error(`confirming the migration of ${id}: HTTP ${confirm.status}`);
  return waitForServer(lab, id, { status: before.status === "ERROR" ? "ACTIVE" : before.status, host });
}

/**
 * Runs test/lab/nova/nova-compute.sh: kill (crash), stop, start (waits until it reported), clean (drops stray guests,
 * restarting the compute if it has any) or status of compute-N.
 */
export async function computeControl(command: "kill" | "stop" | "start" | "clean" | "status", n: number): Promise<{ exitCode: number; output: string }> {
  const result = await execa("bash", [COMPUTE_SCRIPT, command, String(n)], { reject: false, all: true, timeout: 180_000, stdin: "ignore" });
  if (command !== "status" && result.exitCode !== 0) throw new Error(`nova-compute.sh ${command} ${n} failed: ${result.all}`);
  return { exitCode: result.exitCode ?? -1, output: String(result.all) };
}

/**
 * Puts a compute back as the lab had it: process running, forced_down false (waits while Nova refuses it
 * because `done` evacuations still wait for the compute's restart), enabled, reported up.
 */
export async function restoreCompute(lab: LabSession, n: number): Promise<NovaService> {
  const host = `compute-${n}`;
  if ((await computeControl("status", n)).exitCode !== 0) await computeControl("start", n);
  const service = await computeService(lab, host);
  const update = (body: unknown) => lab.nova(`/os-services/${service.id}`, { method: "PUT", version: ZED_MAX, body });
  await waitFor(`Nova to let ${host} be forced up`, async () => ((await update({ forced_down: false })).status === 200 ? true : undefined), 90_000, 2000);
  const enabled = await update({ status: "enabled" });
  if (enabled.status !== 200) throw new Error(`enabling ${host}: HTTP ${enabled.status} ${JSON.stringify(enabled.body)}`);
  return waitFor(`${host} to be up and enabled`, async () => {
    const s = await computeService(lab, host);
    return s.state === "up" && s.status === "enabled" && !s.forced_down ? s : undefined;
  }, 90_000, 1000);
}

/** The seeded servers and their home computes: nova-up.sh boots lab-vm-K on compute-((K - 1) mod 3) + 1. */
export const SEEDED_HOMES = [1, 2, 3, 4, 5, 6].map((k) => ({ name: `lab-vm-${k}`, host: `compute-${((k - 1) % LAB_COMPUTES.length) + 1}` }));

/**
 * Puts the lab back as seeded, whatever an earlier run (ours, or the back-end tests') left: every compute running and
 * unfenced, the servers named `prefix…` gone, no stray guest on any compute (a rebuild onto a compute that still holds
 * the server's guest fails with InstanceExists, and the evacuation is retried elsewhere: a second record), and every
 * seeded server on its home compute.
 */
export async function restoreSeededLab(lab: LabSession, prefix: string): Promise<void> {
  for (const compute of LAB_COMPUTES) await restoreCompute(lab, compute);
  await deleteServersNamed(lab, prefix);
  for (const compute of LAB_COMPUTES) await computeControl("clean", compute);
  for (const home of SEEDED_HOMES) {
    const seeded = await serverNamed(lab, home.name);
    if (seeded.host !== home.host) await migrateTo(lab, seeded.id, home.host);
  }
}
