// NovaCompute in-process: it starts nova-compute only once its host's evacuation is finished, then lifts the fence.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { novaCompute } from "../../../src/agents/nova-compute.js";
import { novaEvacuate } from "../../../src/agents/nova-evacuate.js";
import { captureLog } from "../kit/fixtures/capture-log.js";
import { fakeMasakari } from "../openstack/masakari/fake-masakari.js";
import { startFakeBackends, type FakeBackends } from "../openstack/masakari/fake-backends.js";
import { startOcfHarness, type OcfHarness } from "./ocf-harness.js";

let h: OcfHarness;
const MONITOR = { OCF_RESKEY_CRM_meta_interval: "10000" };
const gate = (extra: Record<string, string> = {}) => ({ ...h.credentials(), host: "compute-1", wait_only: "1", ...extra });
const service = (host: string) => h.sim.cloud.services().find((item) => item.host === host);

beforeAll(async () => {
  h = await startOcfHarness();
});
afterAll(async () => h.stop());
beforeEach(async () => {
  h.sim.cloud.config.evacuateLatencyMs = 30;
  h.sim.cloud.seed({ hosts: 3, serversPerHost: 3 });
  h.attrd.reset();
  await h.run(novaCompute, "stop", gate());
});


describe("NovaCompute", () => {
  it("refuses a configuration that says neither how to run nova-compute nor wait_only", async () => {
    const run = await h.run(novaCompute, "validate-all", { ...h.credentials() });
    expect(run).toMatchObject({ exitCode: 6, stderr: "ocf-exit-reason:set systemd_unit, command, or wait_only=true\n" });
  });

  it("a host never fenced starts at once", async () => {
    expect((await h.run(novaCompute, "start", gate({ host: "compute-3" }))).exitCode).toBe(0);
    expect((await h.run(novaCompute, "monitor", gate({ host: "compute-3" }), MONITOR)).exitCode).toBe(0);
  });

  it("keeps waiting while the evacuation is pending, and gives up only at its timeout", async () => {
    await h.fence("compute-1");
    const started = Date.now();
    const run = await h.run(novaCompute, "start", gate(), { OCF_RESKEY_CRM_meta_timeout: "3000" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^ocf-exit-reason:stopped while waiting for compute-1 to complete evacuations/);
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect((await h.run(novaCompute, "monitor", gate(), MONITOR)).exitCode).toBe(7);
    expect(service("compute-1")).toMatchObject({ status: "disabled", forcedDown: true });
  });

  it("starts once NovaEvacuate recovered the host, and re-enables the service", async () => {
    await h.fence("compute-1");
    const evacuator = { OCF_RESOURCE_INSTANCE: "nova-evacuate" };
    await h.run(novaEvacuate, "start", { ...h.credentials(), poll_interval: "1" }, evacuator);
    expect((await h.run(novaEvacuate, "monitor", { ...h.credentials(), poll_interval: "1" }, { ...MONITOR, ...evacuator })).exitCode).toBe(0);
    expect(h.attrd.value("compute-1")).toBe("no");
    h.sim.cloud.reviveHost("compute-1");
    const run = await h.run(novaCompute, "start", gate());
    expect(run.exitCode).toBe(0);
    expect(service("compute-1")).toMatchObject({ status: "enabled", forcedDown: false, disabledReason: null });
    expect((await h.run(novaCompute, "monitor", gate(), MONITOR)).exitCode).toBe(0);
  });

  it("waits out a Nova that resets every connection, from the first call to the lift, within its timeout", async () => {
    await h.fence("compute-1");
    const evacuator = { OCF_RESOURCE_INSTANCE: "nova-evacuate" };
    await h.run(novaEvacuate, "start", { ...h.credentials(), poll_interval: "1" }, evacuator);
    expect((await h.run(novaEvacuate, "monitor", { ...h.credentials(), poll_interval: "1" }, { ...MONITOR, ...evacuator })).exitCode).toBe(0);
    h.sim.cloud.reviveHost("compute-1");
    // A failed start is fatal on its node (start-failure-is-fatal): nova-compute would stay down until a cleanup.
    h.sim.cloud.netFaults.set({ faultRate: 1, kinds: ["reset"], services: ["compute", "identity"] });
    const healed = setTimeout(() => h.sim.cloud.netFaults.set({}), 2_500);
    try {
      const run = await h.run(novaCompute, "start", gate(), { OCF_RESKEY_CRM_meta_timeout: "20000" });
      expect(run.stderr ?? "").toBe("");
      expect(run.exitCode).toBe(0);
      expect(service("compute-1")).toMatchObject({ status: "enabled", forcedDown: false });
    } finally {
      clearTimeout(healed);
      h.sim.cloud.netFaults.set({});
    }
  }, 30_000);

  it("leaves a service an operator disabled for another reason disabled", async () => {
    const api = await import("../../../src/openstack/connect.js");
    const { resolveCloudConfig } = await import("../../../src/openstack/cloud-config.js");
    const openstack = await api.connectOpenStack(
      resolveCloudConfig({ explicit: { authUrl: h.sim.authUrl, username: "admin", password: "secret", projectName: "admin", interface: "public" }, env: {} }),
      { logger: captureLog(h.stateDir).make(false) },
    );
    const [record] = await openstack.compute.listServices({ host: "compute-2" });
    await openstack.compute.disable(record!, "hardware maintenance, ticket 42");
    expect((await h.run(novaCompute, "start", gate({ host: "compute-2" }))).exitCode).toBe(0);
    expect(service("compute-2")).toMatchObject({ status: "disabled", disabledReason: "hardware maintenance, ticket 42" });
  });

  it("runs, watches and stops a command, escalating to SIGKILL when it ignores SIGTERM", async () => {
    const command = { ...h.credentials(), host: "compute-3", command: "sh -c 'trap \"\" TERM; while :; do sleep 1; done'", stop_timeout: "1" };
    expect((await h.run(novaCompute, "start", command)).exitCode).toBe(0);
    expect((await h.run(novaCompute, "monitor", command, MONITOR)).exitCode).toBe(0);
    const stopped = Date.now();
    expect((await h.run(novaCompute, "stop", command)).exitCode).toBe(0);
    expect(Date.now() - stopped).toBeGreaterThan(900);
    expect((await h.run(novaCompute, "monitor", command, MONITOR)).exitCode).toBe(7);
  });

  it("stops the command even when stop_timeout is malformed, with the default and a warning", async () => {
    const command = { ...h.credentials(), host: "compute-3", command: "sleep 300", stop_timeout: "1" };
    expect((await h.run(novaCompute, "start", command)).exitCode).toBe(0);
    const run = await h.run(novaCompute, "stop", { ...command, stop_timeout: "sixty seconds" });
    expect(run.exitCode).toBe(0);
    expect(run.log).toContain("parameter stop_timeout must be a whole number of seconds, got 'sixty seconds'; using its default 60");
    expect((await h.run(novaCompute, "monitor", command, MONITOR)).exitCode).toBe(7);
  });

  it("stops a command it started even after the configuration lost it", async () => {
    const command = { ...h.credentials(), host: "compute-3", command: "sleep 300", stop_timeout: "1" };
    expect((await h.run(novaCompute, "start", command)).exitCode).toBe(0);
    expect((await h.run(novaCompute, "stop", { ...h.credentials(), host: "compute-3" })).exitCode).toBe(0);
    expect((await h.run(novaCompute, "monitor", command, MONITOR)).exitCode).toBe(7);
  });

  it("starts the command without the password or any other secret in its environment", async () => {
    const dump = join(h.stateDir, "child-env.txt");
    const command = { ...h.credentials(), host: "compute-3", command: `sh -c 'env > ${dump}; exec sleep 300'`, stop_timeout: "1" };
    const secrets = { OCF_RESKEY_password: "secret", OS_PASSWORD: "os-pw", OS_TOKEN: "tok", MY_DB_PASSWORD: "db", KEEP_ME: "kept" };
    Object.assign(process.env, secrets);
    try {
      expect((await h.run(novaCompute, "start", command)).exitCode).toBe(0);
    } finally {
      for (const key of Object.keys(secrets)) delete process.env[key];
      await h.run(novaCompute, "stop", command);
    }
    const env = readFileSync(dump, "utf8");
    expect(env).toContain("KEEP_ME=kept");
    for (const name of ["OCF_RESKEY_password", "OS_PASSWORD", "OS_TOKEN", "MY_DB_PASSWORD"]) expect(env).not.toContain(`${name}=`);
  });

  it("returns from a monitor within its timeout while it owes an un-force and Nova hangs", async () => {
    expect((await h.run(novaCompute, "start", gate({ host: "compute-3" }))).exitCode).toBe(0);
    writeFileSync(join(h.stateDir, "rsc.unforce"), "compute-3\n");
    h.sim.cloud.config.responseDelayMs = { identity: 120_000, compute: 120_000 };
    try {
      const started = Date.now();
      const run = await h.run(novaCompute, "monitor", gate({ host: "compute-3" }), { ...MONITOR, OCF_RESKEY_CRM_meta_timeout: "2000" });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(run.exitCode).toBe(0);
      expect(run.log).toContain("could not clear forced_down yet");
    } finally {
      h.sim.cloud.config.responseDelayMs = {};
    }
  });

  it("reads its Nova host name from nova.conf when no host is given", async () => {
    const conf = join(h.stateDir, "nova.conf");
    writeFileSync(conf, "[DEFAULT]\nhost = compute-3\n[libvirt]\nhost = nope\n");
    await h.fence("compute-3");
    const run = await h.run(novaCompute, "start", { ...h.credentials(), wait_only: "1", nova_conf: conf }, { OCF_RESKEY_CRM_meta_timeout: "2500" });
    expect(run.stderr).toMatch(/compute-3/);
  });
});

describe("NovaCompute start and Masakari's maintenance", () => {
  const EVACUATED = "nova-ha:evacuated at=2026-12-07T03:01:00.000Z recovered=2 failed=0 skipped=0";
  let fake: FakeBackends | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    delete process.env.OS_CLIENT_CONFIG_FILE;
  });

  /** compute-1 fenced, recovered (marker `reason`, attrd no) and back; a Masakari reached through backend_cloud, compute-1 on maintenance. */
  async function recoveredHost(reason: string, masakari = fakeMasakari()) {
    masakari.hosts[0]!.on_maintenance = true;
    fake = await startFakeBackends(masakari.handler);
    const clouds = join(h.stateDir, "clouds.yaml");
    writeFileSync(clouds, `clouds:\n  masakari-lab:\n    auth:\n      auth_url: ${fake.server.url}/v3\n      username: admin\n      password: secret\n` +
      "      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n");
    process.env.OS_CLIENT_CONFIG_FILE = clouds;
    await h.fence("compute-1");
    h.attrd.set("compute-1", "no");
    Object.assign(h.sim.cloud.computeService("compute-1")!, { disabledReason: reason });
    h.sim.cloud.reviveHost("compute-1");
    return masakari;
  }
  const params = () => gate({ backend_cloud: "masakari-lab", endpoint_type: "publicURL" });

  it("takes a host our recovery through Masakari ended off maintenance, then re-enables it", async () => {
    const m = await recoveredHost(`${EVACUATED} driver=masakari ref=n-1 outcome=done`);
    const run = await h.run(novaCompute, "start", params());
    expect(run.exitCode).toBe(0);
    expect(m.hosts.map((host) => host.on_maintenance)).toEqual([false, false, false]);
    expect(service("compute-1")).toMatchObject({ status: "enabled", disabledReason: null });
    expect(run.log).toContain("Masakari: host taken off maintenance in its segment");
  });

  it.each([
    ["our own engine recovered", EVACUATED],
    ["Mistral recovered", `${EVACUATED} driver=mistral ref=e-1 outcome=done`],
  ])("leaves a maintenance alone on a host %s (an operator's, as far as we know)", async (_title, reason) => {
    const m = await recoveredHost(reason);
    expect((await h.run(novaCompute, "start", params())).exitCode).toBe(0);
    expect(m.hosts[0]!.on_maintenance).toBe(true);
    expect(fake!.calls("masakari")).toEqual([]);
  });

  it("leaves the maintenance alone with lift_fence=false: whoever lifts the fence later takes the host off it", async () => {
    const m = await recoveredHost(`${EVACUATED} driver=masakari ref=n-1 outcome=done`);
    expect((await h.run(novaCompute, "start", { ...params(), lift_fence: "false" })).exitCode).toBe(0);
    expect(m.hosts[0]!.on_maintenance).toBe(true);
  });

  it("starts anyway, with a warning, when Masakari refuses to take the host off maintenance", async () => {
    await recoveredHost(`${EVACUATED} driver=masakari ref=n-1 outcome=done`, fakeMasakari({ hostUpdateStatus: 500 }));
    const run = await h.run(novaCompute, "start", params());
    expect(run.exitCode).toBe(0);
    expect(service("compute-1")).toMatchObject({ status: "enabled" });
    expect(run.log).toMatch(/Masakari: could not take the host off maintenance/);
  });
});
