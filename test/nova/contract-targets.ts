// The two clouds of the contract: the simulator seeded like the lab, and the real lab. Each fills the calls' {variables} and runs the steps.
import { identityV3Url } from "../../src/openstack/keystone.js";
import type { CloudSeed } from "../sim/cloud-seed.js";
import { DEFAULT_APP_CREDENTIAL } from "../sim/identity-store.js";
import { EVACUABLE, type Simulator, startSimulator } from "../sim/index.js";
import type { ContractRequest, ContractStep } from "./contract-calls.js";
import { type Answer, type LabCredentials, LabSession, ZED_MAX, send, waitFor } from "./lab.js";
import { bootServers, computeControl, deleteServers, deleteServersNamed, restoreCompute, waitForServer } from "./lab-compute.js";

/** One cloud the contract's calls go to. */
export interface ContractTarget {
  readonly name: "simulator" | "nova";
  /** The values of {variables}; calls' captures add to them. */
  readonly vars: Map<string, string>;
  send(request: ContractRequest): Promise<Answer>;
  step(step: ContractStep): Promise<void>;
  close(): Promise<void>;
}

/** The lab's shape: compute-1..3, two servers each, the second of each host stopped, an evacuable flavor and a tagged image. */
export const LAB_LIKE_CLOUD: CloudSeed = {
  hosts: 3, serversPerHost: 2, shutoffEvery: 2, taggedFlavor: true, taggedFlavorEvery: 2, taggedImage: true, projects: 1,
};

/** The host fenced by the contract (its nova-compute is stopped, never killed) and a host left up. */
const FENCE_N = 2;
const FENCE_HOST = `compute-${FENCE_N}`;
const UP_HOST = "compute-1";
/** Names of what the contract creates in the lab. */
const LAB_PREFIX = "nova-ha-contract-";
const MISSING_SERVER = "00000000-0000-4000-8000-000000000000";

/** Replaces every {name} in strings of `value` (deeply) by its variable; an unset variable is an error. */
export function fill<T>(value: T, vars: ReadonlyMap<string, string>, target: string): T {
  const replace = (text: string): string =>
    text.replace(/\{(\w+)\}/g, (_all, name: string) => {
      const v = vars.get(name);
      if (v === undefined) throw new Error(`${target}: variable {${name}} is not set (a call that captures it must come first)`);
      return v;
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return replace(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(value) as T;
}

/** Base URLs of the four request kinds for a session. */
function baseUrls(session: LabSession): Record<ContractRequest["service"], string> {
  const compute = session.endpoints.compute;
  return {
    identity: identityV3Url(session.credentials.authUrl),
    compute,
    "compute-root": compute.replace(/\/[^/]+$/, ""),
    image: session.endpoints.image,
  };
}

/** Sends a call's request to a session's cloud with the variables filled in. */
function sender(session: LabSession, vars: Map<string, string>, name: string): (request: ContractRequest) => Promise<Answer> {
  const bases = baseUrls(session);
  return (raw) => {
    const request = fill(raw, vars, name);
    const query = request.query ? `?${new URLSearchParams(Object.entries(request.query)).toString()}` : "";
    return send(`${bases[request.service]}${request.path}${query}`, {
      method: request.method,
      body: request.body,
      version: request.version,
      token: request.auth === false ? null : request.auth === "invalid" ? "gAAAAABnot-a-token-keystone-issued" : session.token,
    });
  };
}

function identityVars(c: LabCredentials, appCred: { id: string; name: string; secret: string }, since: string): [string, string][] {
  return [
    ["user", c.username], ["userDomain", c.userDomainName], ["password", c.password],
    ["project", c.projectName], ["projectDomain", c.projectDomainName],
    ["appCredId", appCred.id], ["appCredName", appCred.name], ["appCredSecret", appCred.secret],
    ["fenceHost", FENCE_HOST], ["upHost", UP_HOST], ["missingServer", MISSING_SERVER], ["tag", EVACUABLE.tag], ["since", since],
  ];
}

/** A moment after which only what the contract does changes servers. */
async function freshSince(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1100));
  return new Date().toISOString();
}

/** The simulator, seeded like the lab; its rebuilds take 2 s so that a second evacuate meets the first. */
export async function simulatorTarget(): Promise<ContractTarget> {
  const sim: Simulator = await startSimulator({ seed: 20261121, cloud: LAB_LIKE_CLOUD, evacuateLatencyMs: 2000 });
  const credentials: LabCredentials = { authUrl: sim.authUrl, username: "admin", password: "secret", projectName: "admin", userDomainName: "Default", projectDomainName: "Default" };
  const session = await LabSession.login(credentials);
  const server = sim.cloud.serversOnHost(FENCE_HOST).find((s) => s.vmState === "active");
  const paused = sim.cloud.serversOnHost(FENCE_HOST).find((s) => s.vmState === "stopped");
  if (!server || !paused) throw new Error(`the simulator has no ACTIVE and SHUTOFF servers on ${FENCE_HOST}`);
  sim.cloud.setServerState(paused.uuid, { vmState: "paused", powerState: 3 });
  const vars = new Map(identityVars(credentials, DEFAULT_APP_CREDENTIAL, await freshSince()));
  vars.set("server", server.uuid).set("pausedServer", paused.uuid).set("flavor", EVACUABLE.flavorId);
  const steps: Record<ContractStep, () => Promise<void>> = {
    "stop-fence-host": async () => sim.cloud.killHost(FENCE_HOST),
    "wait-evacuated": async () => {
      await waitFor("the simulator's evacuation", async () => {
        const s = sim.cloud.server(server.uuid);
        return s && s.taskState === null && s.host !== FENCE_HOST ? true : undefined;
      }, 30_000, 100);
    },
    "delete-paused": async () => sim.cloud.deleteServer(paused.uuid),
    "start-fence-host": async () => sim.cloud.reviveHost(FENCE_HOST),
  };
  return { name: "simulator", vars, send: sender(session, vars, "simulator"), step: (step) => steps[step](), close: () => sim.stop() };
}

/** Removes what an interrupted earlier run may have left in the lab. */
async function removeLeftovers(lab: LabSession): Promise<void> {
  await deleteServersNamed(lab, LAB_PREFIX);
  const images = (await lab.glance(`/v2/images?name=${LAB_PREFIX}image`)).body?.images ?? [];
  for (const image of images as { id: string }[]) await lab.glance(`/v2/images/${image.id}`, { method: "DELETE" });
  const creds = (await lab.keystone(`/users/${lab.userId}/application_credentials`)).body?.application_credentials ?? [];
  for (const cred of creds as { id: string; name: string }[]) {
    if (cred.name.startsWith(LAB_PREFIX)) await lab.keystone(`/users/${lab.userId}/application_credentials/${cred.id}`, { method: "DELETE" });
  }
}

/**
 * The real lab, prepared: an application credential, an image tagged evacuable, two servers of our own on the
 * fenced host (one ACTIVE, one PAUSED). close() puts the lab back as it was.
 */
export async function novaTarget(lab: LabSession): Promise<ContractTarget> {
  await removeLeftovers(lab);
  await restoreCompute(lab, FENCE_N);
  const created = await lab.keystone(`/users/${lab.userId}/application_credentials`, {
    method: "POST", body: { application_credential: { name: `${LAB_PREFIX}${Date.now()}`, description: "nova-ha-agents contract test" } },
  });
  if (created.status !== 201) throw new Error(`creating an application credential in the lab's Keystone: HTTP ${created.status}`);
  const appCred = created.body.application_credential as { id: string; name: string; secret: string };
  const image = await lab.glance("/v2/images", {
    method: "POST", body: { name: `${LAB_PREFIX}image`, tags: [EVACUABLE.tag], disk_format: "raw", container_format: "bare" },
  });
  if (image.status !== 201) throw new Error(`creating a tagged image in the lab's Glance: HTTP ${image.status}`);
  const [server, paused] = await bootServers(lab, [
    { name: `${LAB_PREFIX}vm`, flavor: "lab.tiny", host: FENCE_HOST },
    { name: `${LAB_PREFIX}paused`, flavor: "lab.tiny", host: FENCE_HOST, state: "PAUSED" },
  ]);
  const flavors = (await lab.nova("/flavors/detail?is_public=None", { version: ZED_MAX })).body.flavors as { id: string; name: string }[];
  const vars = new Map(identityVars(lab.credentials, appCred, await freshSince()));
  vars.set("server", server?.id ?? "").set("pausedServer", paused?.id ?? "").set("flavor", flavors.find((f) => f.name === "lab.tiny.evac")?.id ?? "");

  const completed = async (): Promise<true | undefined> => {
    const query = `migration_type=evacuation&source_compute=${FENCE_HOST}&changes-since=${encodeURIComponent(vars.get("since") ?? "")}`;
    const statuses = ((await lab.nova(`/os-migrations?${query}`, { version: ZED_MAX })).body.migrations as { status: string }[]).map((m) => m.status);
    return statuses.every((s) => s === "completed" || s === "failed" || s === "error") ? true : undefined;
  };
  const steps: Record<ContractStep, () => Promise<void>> = {
    "stop-fence-host": async () => void (await computeControl("stop", FENCE_N)),
    "wait-evacuated": async () => void (await waitForServer(lab, vars.get("server") ?? "", { status: "ACTIVE", notHost: FENCE_HOST })),
    "delete-paused": () => deleteServers(lab, [vars.get("pausedServer") ?? ""]),
    "start-fence-host": async () => {
      await computeControl("start", FENCE_N);
      await waitFor(`${FENCE_HOST} to complete its evacuations after the restart`, completed, 60_000, 1000);
    },
  };
  return {
    name: "nova",
    vars,
    send: sender(lab, vars, "nova"),
    step: (step) => steps[step](),
    close: async () => {
      await restoreCompute(lab, FENCE_N);
      await removeLeftovers(lab);
    },
  };
}
