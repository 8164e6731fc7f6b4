// Every agent's OpenStack session is bounded by its operation's time: a hung Keystone or Nova cannot hold an action past it.
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { fenceEvacuate } from "../../../src/agents/fence-evacuate.js";
import { novaCompute } from "../../../src/agents/nova-compute.js";
import { novaEvacuate } from "../../../src/agents/nova-evacuate.js";
import { runFenceAgent } from "../../../src/kit/fence/dispatch.js";
import type { FenceAgent } from "../../../src/kit/fence/fence-agent.js";
import { captureLog, tempDir } from "../kit/fixtures/capture-log.js";
import { startOcfHarness, type OcfHarness } from "./ocf-harness.js";

let h: OcfHarness;
const logs = tempDir("openstack-session-");
/** A hang: far longer than any test, shorter than nothing. */
const HANG_MS = 120_000;
const EVACUATOR = { OCF_RESOURCE_INSTANCE: "nova-evacuate" };
const monitorEnv = (timeoutMs: number) => ({ ...EVACUATOR, OCF_RESKEY_CRM_meta_interval: "10000", OCF_RESKEY_CRM_meta_timeout: String(timeoutMs) });

beforeAll(async () => {
  h = await startOcfHarness();
});
afterAll(async () => h.stop());
beforeEach(() => {
  h.sim.cloud.seed({ hosts: 2, serversPerHost: 2 });
  h.attrd.reset();
});
afterEach(() => {
  h.sim.cloud.config.responseDelayMs = {};
});

/** Runs a fence agent with stdin options against the harness's simulator; returns its outcome and duration. */
async function fence(agent: FenceAgent, options: Record<string, string>) {
  const stdin = Object.entries({ ...h.credentials(), ...options }).map(([key, value]) => `${key}=${value}`).join("\n");
  const started = Date.now();
  const outcome = await runFenceAgent(agent, [], async () => stdin, new AbortController().signal, captureLog(logs, agent.name).make);
  return { ...outcome, elapsedMs: Date.now() - started };
}

describe("NovaEvacuate's monitor returns within its timeout", () => {
  it.each([
    ["Keystone hangs", "identity", /^ocf-exit-reason:Keystone did not answer POST \/\S*v3\/auth\/tokens before the operation's timeout/],
    ["Nova hangs", "compute", /^ocf-exit-reason:Nova did not answer GET \/[^ ]* before the operation's timeout/],
  ])("when %s, with one line that says so", async (_title, service, reason) => {
    await h.run(novaEvacuate, "start", h.credentials(), EVACUATOR);
    if (service === "compute") {
      // A first monitor leaves a token in the cache, so the next one goes straight to Nova.
      expect((await h.run(novaEvacuate, "monitor", h.credentials(), monitorEnv(20_000))).exitCode).toBe(0);
    }
    h.sim.cloud.config.responseDelayMs = { [service]: HANG_MS };
    const started = Date.now();
    const run = await h.run(novaEvacuate, "monitor", h.credentials(), monitorEnv(3_000));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(reason);
  });
});

describe("the compute fence agents bound each action by shell_timeout", () => {
  it.each([
    ["fence_compute status while Keystone hangs", fenceCompute, "identity", "status", /^Failed: Keystone did not answer POST \/\S*v3\/auth\/tokens before the operation's timeout/],
    ["fence_compute off while Nova hangs", fenceCompute, "compute", "off", /^Failed: Nova did not answer GET \/[^ ]* before the operation's timeout/],
    ["fence_evacuate monitor while Keystone hangs", fenceEvacuate, "identity", "monitor", /^Failed: Keystone did not answer/],
  ])("%s fails in time, so Pacemaker can still retry it", async (_title, agent, service, action, reason) => {
    // Nova hangs on the service list only, so Keystone and the version document still answer.
    if (service === "compute") h.sim.cloud.config.routeDelayMs = { "GET /compute/v2.1/os-services": HANG_MS };
    else h.sim.cloud.config.responseDelayMs = { [service]: HANG_MS };
    try {
      const run = await fence(agent, { action, port: "compute-1", shell_timeout: "2" });
      expect(run.elapsedMs).toBeLessThan(2_500);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(reason);
    } finally {
      h.sim.cloud.config.routeDelayMs = {};
    }
  });
});

describe("the waits for an evacuation are bounded by Pacemaker, not by shell_timeout", () => {
  it("fence_compute on outlasts shell_timeout while the evacuation is pending, then unfences", async () => {
    h.sim.cloud.killHost("compute-1");
    expect((await fence(fenceCompute, { action: "off", port: "compute-1" })).exitCode).toBe(0);
    setTimeout(() => h.attrd.set("compute-1", "no"), 2_500);
    const run = await fence(fenceCompute, { action: "on", port: "compute-1", shell_timeout: "1" });
    expect(run.elapsedMs).toBeGreaterThan(2_000);
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered ON\n" });
  });
});

describe("exit codes: 6 only for a configuration that cannot work on any node", () => {
  const nowhere = join(logs, "no-such-dir", "clouds.yaml");

  it.each([
    // Whether /etc/openstack/clouds.yaml exists on the test machine or not, this node has no such cloud.
    ["clouds.yaml is missing on this node", () => ({ cloud: "no-such-cloud-here" }), { OS_CLIENT_CONFIG_FILE: nowhere }, /cloud 'no-such-cloud-here' .*clouds\.yaml/],
    ["the catalog has no compute endpoint", () => ({ ...h.credentials(), region_name: "Nowhere" }), {}, /catalog has no compute/],
    ["Keystone cannot be reached", () => ({ ...h.credentials(), auth_url: "http://127.0.0.1:9/v3", connect_timeout: "1" }), {}, /Keystone/],
  ])("NovaEvacuate's monitor exits 1 (passing) when %s", async (_title, params, env, reason) => {
    await h.run(novaEvacuate, "start", h.credentials(), EVACUATOR);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const run = await h.run(novaEvacuate, "monitor", params(), monitorEnv(10_000));
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(reason);
    } finally {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    }
  });

  it("NovaEvacuate's validate-all still exits 6 when no credentials are given at all", async () => {
    expect((await h.run(novaEvacuate, "validate-all", {})).exitCode).toBe(6);
  });

  it("NovaCompute's monitor of a running gate does not need clouds.yaml at all", async () => {
    const gate = { ...h.credentials(), host: "compute-2", wait_only: "1" };
    expect((await h.run(novaCompute, "start", gate)).exitCode).toBe(0);
    process.env.OS_CLIENT_CONFIG_FILE = nowhere;
    try {
      const run = await h.run(novaCompute, "monitor", { host: "compute-2", wait_only: "1", cloud: "overcloud" }, { OCF_RESKEY_CRM_meta_interval: "10000" });
      expect(run).toMatchObject({ exitCode: 0 });
    } finally {
      delete process.env.OS_CLIENT_CONFIG_FILE;
      await h.run(novaCompute, "stop", gate);
    }
  });

  it("fence_compute monitor fails with exit 1, the fencing library's only failure code, when the catalog has no compute endpoint", async () => {
    const run = await fence(fenceCompute, { action: "monitor", region_name: "Nowhere" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: .*catalog has no compute/);
  });
});
