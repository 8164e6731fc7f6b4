// NovaEvacuate in-process: OCF actions, exit codes and a monitor that recovers a fenced host in the simulator.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { novaEvacuate } from "../../../src/agents/nova-evacuate.js";
import { parseNovaMarker } from "../../../src/recovery/host/nova-marker.js";
import { startOcfHarness, type OcfHarness } from "./ocf-harness.js";

let h: OcfHarness;
const MONITOR = { OCF_RESKEY_CRM_meta_interval: "10000", OCF_RESKEY_CRM_meta_timeout: "60000" };
const params = (extra: Record<string, string> = {}) => ({ ...h.credentials(), poll_interval: "1", ...extra });

beforeAll(async () => {
  h = await startOcfHarness();
});
afterAll(async () => h.stop());
beforeEach(async () => {
  h.sim.cloud.config.evacuateLatencyMs = 50;
  h.sim.cloud.seed({ hosts: 3, serversPerHost: 6, shutoffEvery: 3 });
  h.sim.cloud.resetCounts();
  h.attrd.reset();
  await h.run(novaEvacuate, "stop", params());
});


describe("NovaEvacuate actions", () => {
  it("meta-data and usage answer without any configuration", async () => {
    expect((await h.run(novaEvacuate, "meta-data", {})).stdout).toContain('<resource-agent name="NovaEvacuate"');
    expect(await h.run(novaEvacuate, "usage", {})).toMatchObject({ exitCode: 0 });
  });

  it("validate-all refuses a configuration without credentials with one line (OCF_ERR_CONFIGURED)", async () => {
    const run = await h.run(novaEvacuate, "validate-all", {});
    expect(run.exitCode).toBe(6);
    expect(run.stderr).toMatch(/^ocf-exit-reason:.*auth_url.*\n$/);
  });

  it("validate-all refuses a wrong type with the parameter's name", async () => {
    const run = await h.run(novaEvacuate, "validate-all", params({ concurrency: "many" }));
    expect(run).toMatchObject({ exitCode: 6, stderr: "ocf-exit-reason:parameter concurrency must be a whole number, got 'many'\n" });
  });

  it("validate-all refuses a recovery_driver it does not know, naming the ones it does", async () => {
    const run = await h.run(novaEvacuate, "validate-all", params({ recovery_driver: "heat" }));
    expect(run).toMatchObject({ exitCode: 6, stderr: "ocf-exit-reason:parameter recovery_driver must be one of nova, masakari, mistral, got 'heat'\n" });
    expect((await h.run(novaEvacuate, "validate-all", params({ recovery_driver: "masakari", backend_stall_timeout: "600" }))).exitCode).toBe(0);
  });

  it("validate-all accepts the peer's parameters", async () => {
    const run = await h.run(novaEvacuate, "validate-all", params({ no_shared_storage: "1", endpoint_type: "internalURL", evacuate_delay: "0", verbose: "0" }));
    expect(run.exitCode).toBe(0);
  });

  it("a probe of a stopped resource says not running without touching Nova", async () => {
    const run = await h.run(novaEvacuate, "monitor", params(), { OCF_RESKEY_CRM_meta_interval: "0" });
    expect(run.exitCode).toBe(7);
    expect(h.sim.cloud.counts().total).toBe(0);
  });

  it("start, monitor, stop, monitor follow the state file", async () => {
    expect((await h.run(novaEvacuate, "start", params())).exitCode).toBe(0);
    expect(existsSync(join(h.stateDir, "rsc.active"))).toBe(true);
    expect((await h.run(novaEvacuate, "monitor", params(), MONITOR)).exitCode).toBe(0);
    expect((await h.run(novaEvacuate, "stop", params())).exitCode).toBe(0);
    expect((await h.run(novaEvacuate, "stop", params())).exitCode).toBe(0);
    expect((await h.run(novaEvacuate, "monitor", params(), MONITOR)).exitCode).toBe(7);
  });

  it("an unsupported action is OCF_ERR_UNIMPLEMENTED", async () => {
    expect((await h.run(novaEvacuate, "promote", params())).exitCode).toBe(3);
  });

  it("a monitor whose credentials Keystone rejects fails with one line and no password", async () => {
    await h.run(novaEvacuate, "start", params());
    const run = await h.run(novaEvacuate, "monitor", params({ password: "wrong-password-123" }), MONITOR);
    expect(run.exitCode).toBe(1);
    expect(run.stderr?.split("\n").filter(Boolean)).toHaveLength(1);
    expect(`${run.stderr}${run.log}`).not.toContain("wrong-password-123");
  });
});

describe("NovaEvacuate monitor", () => {
  it("recovers every instance of a fenced host, then marks it done in attrd and Nova", async () => {
    await h.fence("compute-1");
    expect(h.attrd.value("compute-1")).toBe("yes");
    const before = h.sim.cloud.serversOnHost("compute-1").map((server) => ({ id: server.uuid, vmState: server.vmState }));
    expect(before.length).toBe(6);
    await h.run(novaEvacuate, "start", params());
    const run = await h.run(novaEvacuate, "monitor", params(), MONITOR);
    expect(run.exitCode).toBe(0);
    for (const { id, vmState } of before) {
      const server = h.sim.cloud.server(id);
      expect(server?.host).not.toBe("compute-1");
      expect(server?.vmState).toBe(vmState);
      expect(server?.taskState).toBeNull();
    }
    expect(h.attrd.value("compute-1")).toBe("no");
    const service = h.sim.cloud.services().find((item) => item.host === "compute-1");
    const marker = parseNovaMarker(service?.disabledReason);
    expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { recovered: "6", failed: "0" } });
    expect(run.log).toMatch(/host recovered/);
  });

  it("with recovery_driver=masakari and no Masakari in the catalog, leaves the host pending for a later monitor and evacuates nothing itself", async () => {
    await h.fence("compute-1");
    await h.run(novaEvacuate, "start", params());
    const run = await h.run(novaEvacuate, "monitor", params({ recovery_driver: "masakari", pass_budget: "2" }), MONITOR);
    expect(run.exitCode).toBe(0);
    expect(h.sim.cloud.serversOnHost("compute-1")).toHaveLength(6);
    expect(h.attrd.value("compute-1")).toMatch(/@\d+$/);
    const service = h.sim.cloud.services().find((item) => item.host === "compute-1");
    expect(parseNovaMarker(service?.disabledReason)).toMatchObject({ kind: "ours", phase: "evacuating", fields: { driver: "masakari", state: "pending" } });
    expect(run.log).toMatch(/Masakari could not be asked, retrying: .*instance-ha/);
  });

  it("an idle monitor with a warm token cache costs one Nova request", async () => {
    await h.run(novaEvacuate, "start", params());
    await h.run(novaEvacuate, "monitor", params(), MONITOR);
    h.sim.cloud.resetCounts();
    expect((await h.run(novaEvacuate, "monitor", params(), MONITOR)).exitCode).toBe(0);
    expect(h.sim.cloud.counts().total).toBe(1);
  });

  it("recovers from Nova's marker alone when attrd lost the flag", async () => {
    await h.fence("compute-2");
    h.attrd.reset();
    await h.run(novaEvacuate, "start", params());
    expect((await h.run(novaEvacuate, "monitor", params(), MONITOR)).exitCode).toBe(0);
    expect(h.sim.cloud.serversOnHost("compute-2")).toEqual([]);
    expect(h.attrd.value("compute-2")).toBe("no");
  });

  it("leaves alone a host attrd flags while its nova-compute is up", async () => {
    h.attrd.set("compute-3", "yes");
    await h.run(novaEvacuate, "start", params());
    const run = await h.run(novaEvacuate, "monitor", params(), MONITOR);
    expect(run.exitCode).toBe(0);
    expect(h.sim.cloud.serversOnHost("compute-3")).toHaveLength(6);
    expect(h.attrd.value("compute-3")).toBe("yes");
    expect(run.log).toMatch(/not fenced/);
  });

  it("returns within its budget and finishes the host in a later monitor", async () => {
    // Evacuations take 6 s; a monitor with a 1 s budget must return long before them (the bound leaves room for
    // Node's start-up and the records written after the budget, seconds on a loaded machine).
    h.sim.cloud.config.evacuateLatencyMs = 6_000;
    await h.fence("compute-1");
    await h.run(novaEvacuate, "start", params());
    const started = Date.now();
    const first = await h.run(novaEvacuate, "monitor", params({ pass_budget: "1" }), MONITOR);
    expect(first.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(h.attrd.value("compute-1")).toMatch(/@\d+$/);
    const second = await h.run(novaEvacuate, "monitor", params(), MONITOR);
    expect(second.exitCode).toBe(0);
    expect(h.attrd.value("compute-1")).toBe("no");
    const posts = h.sim.cloud.requests().filter((entry) => entry.method === "POST" && entry.path.endsWith("/action"));
    expect(posts).toHaveLength(6);
  });
});
