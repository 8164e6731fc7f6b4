// fence_evacuate end to end in-process: every action with argv and with stdin, evacuating through the engine into the simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { fenceEvacuate } from "../../../src/agents/fence-evacuate.js";
import { startFenceHarness, type FenceHarness, type InputMode } from "./fence-harness.js";

const MODES: readonly InputMode[] = ["argv", "stdin"];
const HOST = "compute-1";

let h: FenceHarness;

beforeAll(async () => {
  h = await startFenceHarness();
  h.sim.cloud.config.evacuateLatencyMs = 40;
  h.sim.cloud.config.evacuateJitterMs = 20;
});

afterAll(async () => {
  await h.stop();
});

beforeEach(() => {
  h.sim.cloud.config.maxMicroversion = "2.93";
  h.sim.cloud.seed({ hosts: 3, serversPerHost: 4 });
  h.sim.cloud.resetCounts();
  h.attrd.reset();
});

const options = (extra: Record<string, string>): Record<string, string> => ({ ...h.credentials(), ...extra });

/** What fence_compute leaves behind: nova-compute dead, forced down, disabled with our marker. */
async function fence(host = HOST): Promise<void> {
  h.sim.cloud.killHost(host);
  const run = await h.run(fenceCompute, "stdin", options({ action: "off", plug: host }));
  if (run.exitCode !== 0) throw new Error(`fence_compute off failed: ${run.stderr ?? ""}`);
  h.sim.cloud.resetCounts();
}

/** Evacuate requests the simulator received. */
function evacuateRequests(): number {
  return h.sim.cloud.requests().filter((entry) => entry.method === "POST" && /\/servers\/[^/]+\/action$/.test(entry.path)).length;
}

describe.each(MODES)("fence_evacuate with %s input", (mode) => {
  it("off evacuates every instance of a fenced host and, with wait, sees each one recovered elsewhere", async () => {
    await fence();
    const before = h.sim.cloud.serversOnHost(HOST);
    const run = await h.run(fenceEvacuate, mode, options({ action: "off", plug: HOST, wait: "1" }));
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered OFF\n" });
    expect(h.sim.cloud.serversOnHost(HOST)).toEqual([]);
    for (const server of before) {
      const now = h.sim.cloud.server(server.uuid);
      expect(now?.host).not.toBe(HOST);
      expect(now?.taskState).toBeNull();
    }
    expect(run.log).toMatch(/Resurrection of instances from compute-1 complete/);
  });

  it("reboot is off", async () => {
    await fence();
    const run = await h.run(fenceEvacuate, mode, options({ action: "reboot", plug: HOST }));
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Rebooted\n" });
    expect(evacuateRequests()).toBe(4);
  });

  it("the default action is reboot", async () => {
    await fence();
    expect(await h.run(fenceEvacuate, mode, options({ plug: HOST }))).toMatchObject({ exitCode: 0, stdout: "Success: Rebooted\n" });
  });

  it("refuses to evacuate a host that is not fenced", async () => {
    const run = await h.run(fenceEvacuate, mode, options({ action: "off", plug: "compute-2" }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: Cannot resurrect instances from compute-2: its nova-compute service is up and not forced down/);
    expect(evacuateRequests()).toBe(0);
  });

  it("refuses on in one line, before contacting anything", async () => {
    const run = await h.run(fenceEvacuate, mode, options({ action: "on", plug: HOST }));
    expect(run).toMatchObject({ exitCode: 1, stderr: "Failed: Action on is not supported by this agent\n" });
    expect(h.sim.cloud.counts().total).toBe(0);
  });

  it("status, list, list-status and monitor answer like fence_compute", async () => {
    expect(await h.run(fenceEvacuate, mode, options({ action: "status", plug: HOST }))).toMatchObject({ exitCode: 0, stdout: "Status: ON\n" });
    await fence();
    expect(await h.run(fenceEvacuate, mode, options({ action: "status", plug: HOST }))).toMatchObject({ exitCode: 2, stdout: "Status: OFF\n" });
    expect(await h.run(fenceEvacuate, mode, options({ action: "list" }))).toMatchObject({ exitCode: 0, stdout: "compute-1,\ncompute-2,\ncompute-3,\n" });
    expect((await h.run(fenceEvacuate, mode, options({ action: "list-status" }))).stdout).toBe("compute-1,,OFF\ncompute-2,,ON\ncompute-3,,ON\n");
    const monitor = await h.run(fenceEvacuate, mode, options({ action: "monitor" }));
    expect(monitor.exitCode).toBe(0);
    expect(monitor.stdout ?? "").toBe("");
  });

  it("validate-all checks the plug and the credentials", async () => {
    expect(await h.run(fenceEvacuate, mode, options({ action: "validate-all", plug: HOST }))).toMatchObject({ exitCode: 0 });
    expect((await h.run(fenceEvacuate, mode, options({ action: "validate-all" }))).exitCode).toBe(1);
    const { auth_url: _url, ...noUrl } = options({ action: "validate-all", plug: HOST });
    const run = await h.run(fenceEvacuate, mode, noUrl);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: auth_url is not set/);
  });

  it("fails, naming the instance, when one cannot be evacuated", async () => {
    h.sim.cloud.seed({ hosts: 2, serversPerHost: 4, pausedEvery: 4 });
    await fence();
    const paused = h.sim.cloud.serversOnHost(HOST).find((server) => server.vmState === "paused");
    const run = await h.run(fenceEvacuate, mode, options({ action: "off", plug: HOST }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: Resurrection of instances from compute-1 failed: 1 of 4 instances failed: /);
    expect(run.stderr).toContain(paused?.uuid ?? "no paused server");
  });
});

describe("fence_evacuate selection and storage", () => {
  it("instance_filtering=0 on stdin evacuates nothing and succeeds (the peer evacuated everything)", async () => {
    await fence();
    const run = await h.runRaw(fenceEvacuate, [], `${Object.entries(options({ action: "off", plug: HOST })).map(([k, v]) => `${k}=${v}`).join("\n")}\ninstance_filtering=0\n`);
    expect(run.exitCode).toBe(0);
    expect(evacuateRequests()).toBe(0);
    expect(h.sim.cloud.serversOnHost(HOST)).toHaveLength(4);
  });

  it.each([
    ["stdin", "0", "shared storage: onSharedStorage=true (the peer sent false)", true],
    ["argv", "1", "local disks: onSharedStorage=false", false],
  ] as const)("below microversion 2.14, %s no_shared_storage=%s means %s", async (mode, value, _meaning, shared) => {
    h.sim.cloud.config.maxMicroversion = "2.13";
    h.sim.cloud.seed({ hosts: 3, serversPerHost: 3, sharedStorage: shared });
    await fence();
    const run = await h.run(fenceEvacuate, mode, options({ action: "off", plug: HOST, no_shared_storage: value, wait: "1" }));
    expect(run).toMatchObject({ exitCode: 0 });
    expect(h.sim.cloud.serversOnHost(HOST)).toEqual([]);
  });

  it("evacuates only tagged instances when something is tagged", async () => {
    h.sim.cloud.seed({ hosts: 3, serversPerHost: 6, taggedFlavor: true, taggedFlavorEvery: 3 });
    await fence();
    const run = await h.run(fenceEvacuate, "stdin", options({ action: "off", plug: HOST }));
    expect(run.exitCode).toBe(0);
    expect(evacuateRequests()).toBe(2);
  });

  it("turns a host with 200 instances, SHUTOFF and ERROR ones among them, into 200 instances recovered elsewhere", async () => {
    h.sim.cloud.seed({ hosts: 4, serversPerHost: 200, shutoffEvery: 5, errorEvery: 7 });
    await fence();
    const before = new Map(h.sim.cloud.serversOnHost(HOST).map((server) => [server.uuid, server]));
    expect(before.size).toBe(200);
    const run = await h.run(fenceEvacuate, "stdin", options({ action: "off", plug: HOST, wait: "1", concurrency: "100" }));
    expect(run.stderr ?? "").toBe("");
    expect(run.exitCode).toBe(0);
    const after = [...before.keys()].map((id) => h.sim.cloud.server(id));
    expect(after.filter((server) => server?.host === HOST || server?.taskState)).toEqual([]);
    const shutoff = [...before.values()].filter((server) => server.vmState === "stopped").map((server) => server.uuid);
    expect(shutoff.length).toBeGreaterThan(0);
    for (const id of shutoff) expect(h.sim.cloud.server(id)?.vmState).toBe("stopped");
    const wasError = [...before.values()].filter((server) => server.vmState === "error").map((server) => server.uuid);
    expect(wasError.length).toBeGreaterThan(0);
    for (const id of wasError) expect(h.sim.cloud.server(id)?.vmState).toBe("active");
  }, 60_000);
});
