// The contract table (test/nova/contract-calls.ts) covers every request the client builds: the client is run against
// the simulator through a recording proxy, at every microversion style and page size, and each request's shape must be in the table.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { OpenStack } from "../../../src/openstack/api.js";
import { connectOpenStack } from "../../../src/openstack/connect.js";
import type { CloudConfig } from "../../../src/openstack/types.js";
import { CONTRACT_CALLS } from "../../nova/contract-calls.js";
import { simRequestSignature, tableSignatures } from "../../nova/contract-signature.js";
import { LAB_LIKE_CLOUD } from "../../nova/contract-targets.js";
import { type RecordingProxy, startRecordingProxy } from "../../nova/recording-proxy.js";
import { DEFAULT_APP_CREDENTIAL } from "../../sim/identity-store.js";
import { type Simulator, startSimulator } from "../../sim/index.js";

const FENCED = "compute-2";
const MISSING = "00000000-0000-4000-8000-000000000000";
const logger = pino({ level: "silent" });
const table = tableSignatures(CONTRACT_CALLS);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A simulator seeded like the lab, behind a recording proxy. */
async function recordedSimulator(options: { maxMicroversion?: string; pageSize?: number }): Promise<{ sim: Simulator; proxy: RecordingProxy }> {
  const sim = await startSimulator({ seed: 11, cloud: LAB_LIKE_CLOUD, evacuateLatencyMs: 20, maxMicroversion: options.maxMicroversion, maxLimit: options.pageSize });
  if (options.pageSize) sim.cloud.config.glanceMaxLimit = options.pageSize;
  const proxy = await startRecordingProxy(sim.baseUrl);
  cleanups.push(() => sim.stop(), () => proxy.stop());
  return { sim, proxy };
}

function config(proxy: RecordingProxy, auth: Partial<CloudConfig>): CloudConfig {
  return {
    authUrl: `${proxy.baseUrl}/identity/v3`, interface: "internal", insecure: false, connectTimeoutMs: 2_000, readTimeoutMs: 10_000,
    ...auth,
  };
}

const PASSWORD: Partial<CloudConfig> = { username: "admin", password: "secret", projectName: "admin", userDomainName: "Default", projectDomainName: "Default" };

/** Every ComputeApi and ImageApi call, in the order of a fencing, a recovery and an unfencing. */
async function exerciseEveryCall(openstack: OpenStack, sim: Simulator): Promise<void> {
  const { compute, image } = openstack;
  const since = new Date(Date.now() - 60_000).toISOString();
  await compute.listServices();
  let service = (await compute.listServices({ host: FENCED }))[0];
  if (!service) throw new Error(`no service on ${FENCED}`);
  service = await compute.forceDown(service, true);
  service = await compute.disable(service, "nova-ha:fenced coverage");
  const servers = await compute.listServersOnHost(FENCED);
  const active = servers.find((s) => s.status === "ACTIVE");
  if (!active) throw new Error(`no ACTIVE server on ${FENCED}`);
  expect(await compute.getServer(active.id)).not.toBeNull();
  expect(await compute.getServer(MISSING)).toBeNull();
  await compute.listFlavors();
  await image.listImagesWithTag("evacuable");
  await compute.evacuate(active.id, { onSharedStorage: false });
  await sim.cloud.waitIdle();
  await compute.stopServer(active.id);
  await compute.listServersChangedSince(since);
  await compute.listEvacuations({ sourceCompute: FENCED, changesSince: since });
  await compute.listEvacuations({ sourceCompute: FENCED });
  sim.cloud.reviveHost(FENCED);
  service = await compute.forceDown(service, false);
  await compute.enable(service);
}

/** Signatures of recorded requests that the table lacks. */
function uncovered(proxy: RecordingProxy): string[] {
  const seen = new Set(proxy.requests.map((r) => simRequestSignature(r.method, r.url, r.body)));
  return [...seen].filter((signature) => !table.has(signature)).sort();
}

describe("the contract table covers every request the client builds", () => {
  it.each([
    { style: "Zed's 2.93, one page per list", maxMicroversion: undefined, pageSize: undefined },
    { style: "2.93, every list paged one item at a time", maxMicroversion: undefined, pageSize: 1 },
    { style: "2.52 (services by host and binary, flavors' extra specs one by one, migrations unpaged), paged", maxMicroversion: "2.52", pageSize: 1 },
    { style: "2.13 (evacuate with onSharedStorage, flavors by id)", maxMicroversion: "2.13", pageSize: undefined },
  ])("at $style", async ({ maxMicroversion, pageSize }) => {
    const { sim, proxy } = await recordedSimulator({ maxMicroversion, pageSize });
    const openstack = await connectOpenStack(config(proxy, PASSWORD), { logger });
    try {
      await exerciseEveryCall(openstack, sim);
    } finally {
      openstack.close();
    }
    expect(proxy.requests.length).toBeGreaterThan(15);
    expect(uncovered(proxy), "requests the contract table (test/nova/contract-calls.ts) does not cover").toEqual([]);
  });

  it.each([
    { how: "by id", auth: { applicationCredentialId: DEFAULT_APP_CREDENTIAL.id, applicationCredentialSecret: DEFAULT_APP_CREDENTIAL.secret } },
    { how: "by name and user", auth: { applicationCredentialName: DEFAULT_APP_CREDENTIAL.name, applicationCredentialSecret: DEFAULT_APP_CREDENTIAL.secret, username: "admin", userDomainName: "Default" } },
  ])("with an application credential $how", async ({ auth }) => {
    const { proxy } = await recordedSimulator({});
    const openstack = await connectOpenStack(config(proxy, auth), { logger });
    try {
      await openstack.compute.listServices();
    } finally {
      openstack.close();
    }
    expect(uncovered(proxy)).toEqual([]);
  });

  it("would name a request the table lacks", () => {
    const unknown = simRequestSignature("GET", "/compute/v2.1/os-hypervisors/detail?with_servers=true", undefined);
    expect(table.has(unknown)).toBe(false);
    const evacuateToHost = simRequestSignature("POST", `/compute/v2.1/servers/${MISSING}/action`, { evacuate: { host: "compute-1" } });
    expect(table.has(evacuateToHost)).toBe(false);
    expect(table.has(simRequestSignature("POST", `/compute/v2.1/servers/${MISSING}/action`, { evacuate: {} }))).toBe(true);
  });
});
