// fence_compute's input and connection edge cases: stdin spellings, bad options and lines, Keystone down, TLS verification.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { FAKE_USER, startFakeCloud, type FakeCloud } from "../openstack/fake-cloud.js";
import { createTlsFixture, type TlsFixture } from "../openstack/tls-fixture.js";
import { startFenceHarness, SIM_PASSWORD, type FenceHarness, type InputMode } from "./fence-harness.js";

const MODES: readonly InputMode[] = ["argv", "stdin"];

let h: FenceHarness;

beforeAll(async () => {
  h = await startFenceHarness();
});

afterAll(async () => {
  await h.stop();
});

const options = (extra: Record<string, string>): Record<string, string> => ({ ...h.credentials(), ...extra });

describe("fence_compute input handling", () => {
  it("reads hyphenated and underscored stdin keys alike", async () => {
    const stdin = [
      `auth-url=${h.sim.authUrl}`, "username=admin", `password=${SIM_PASSWORD}`, "tenant-name=admin",
      "user-domain=Default", "project_domain=Default", "endpoint-type=internalURL", "record-only=1",
      "compute-domain=example.com", "no_shared_storage=0", "instance-filtering=0", "insecure=0",
      "action=status", "port=compute-1", "nodename=compute-1", "# a comment", "", "foo=bar",
    ].join("\n");
    const run = await h.runRaw(fenceCompute, [], stdin);
    expect(run).toMatchObject({ exitCode: 0, stdout: "Status: ON\n" });
    expect(run.log).toMatch(/ignoring unknown option 'foo'/);
  });

  it("refuses an unknown command-line option in one line", async () => {
    const run = await h.runRaw(fenceCompute, ["--bogus", "-o", "status", "-n", "compute-1"]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: .*--bogus.*\n$/);
    expect(run.stderr?.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("refuses a malformed stdin line", async () => {
    const run = await h.runRaw(fenceCompute, [], `action=status\nport=compute-1\nthis line has no equals sign\n`);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: stdin line 3 is not key=value/);
  });

  it("refuses reboot: a fabric agent only fences off and unfences on", async () => {
    const run = await h.run(fenceCompute, "stdin", options({ action: "reboot", plug: "compute-1" }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: Unrecognised action 'reboot'/);
  });

  it("says in one line that Keystone cannot be reached", async () => {
    const run = await h.run(fenceCompute, "stdin", options({ action: "monitor", auth_url: "http://127.0.0.1:9/v3", connect_timeout: "2" }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: .*Keystone.*\n$/);
    expect(run.stderr?.split("\n").filter(Boolean)).toHaveLength(1);
    expect(run.stderr).not.toContain(SIM_PASSWORD);
  });
});

describe("fence_compute over TLS", () => {
  let tls: TlsFixture;
  let cloud: FakeCloud;

  beforeAll(async () => {
    tls = createTlsFixture();
    cloud = await startFakeCloud({ tls: { key: tls.key, cert: tls.cert } });
    cloud.route("GET /compute/v2.1/os-services", () => ({ body: { services: [] } }));
  });

  afterAll(async () => {
    await cloud.close();
    tls.remove();
  });

  const tlsOptions = (extra: Record<string, string>): Record<string, string> => ({
    auth_url: cloud.authUrl, username: FAKE_USER.username, password: FAKE_USER.password, tenant_name: FAKE_USER.projectName,
    action: "monitor", ...extra,
  });

  it.each(MODES)("insecure=0 keeps certificate verification on (%s; peer bug B2)", async (mode) => {
    const run = await h.run(fenceCompute, mode, tlsOptions({ insecure: "0" }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: .*(certificate|TLS)/i);
  });

  it.each(MODES)("insecure=1 turns it off (%s)", async (mode) => {
    expect(await h.run(fenceCompute, mode, tlsOptions({ insecure: "1" }))).toMatchObject({ exitCode: 0 });
  });

  it("a CA bundle makes the server trusted with verification on", async () => {
    expect(await h.run(fenceCompute, "stdin", tlsOptions({ insecure: "false", ca_bundle: tls.caPath }))).toMatchObject({ exitCode: 0 });
  });
});
