// The built fence_compute against the real Keystone + Nova lab: list, status, off and on, with stdin and argv input.
// No Pacemaker runs here: attrd is the recorded fake attrd_updater (test/fakes) put first on PATH.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatNovaMarker } from "../../src/recovery/host/nova-marker.js";
import { useFakeAttrd, type FakeAttrd } from "../fakes/fake-attrd.js";
import { BUNDLES, fenceArgv, fenceStdin, requireBundle, startFenceStdin } from "./bundles.js";
import { LAB_CLOUD, LAB_CLOUDS_YAML, type LabSession, ZED_MAX, requireLab, waitFor } from "./lab.js";
import { computeService, restoreCompute } from "./lab-compute.js";

/** The host this file fences: its nova-compute keeps running, so nothing is evacuated and unfencing is safe. */
const HOST = "compute-1";

let lab: LabSession;
let attrd: FakeAttrd;

/** The device options Pacemaker would send on stdin for the lab's admin. */
function device(extra: Record<string, string>): Record<string, string> {
  const c = lab.credentials;
  return { auth_url: c.authUrl, login: c.username, password: c.password, tenant_name: c.projectName, user_domain: c.userDomainName, ...extra };
}

/** argv without any secret: the credentials come from the lab's clouds.yaml. */
const argvEnv = { OS_CLIENT_CONFIG_FILE: LAB_CLOUDS_YAML };
const argvCloud = `--cloud=${LAB_CLOUD}`;

beforeAll(async () => {
  lab = await requireLab();
  requireBundle(BUNDLES.fenceCompute);
  attrd = useFakeAttrd();
  await restoreCompute(lab, 1);
});

afterAll(async () => {
  if (lab) await restoreCompute(lab, 1);
  attrd?.remove();
});

describe("fence_compute against the real Nova (fake attrd_updater, no Pacemaker)", () => {
  it("lists every nova-compute host Nova has, compute-1..3 included (stdin)", async () => {
    const run = await fenceStdin(device({ action: "list" }));
    expect(run.exitCode, run.stderr).toBe(0);
    const ids = run.stdout.trim().split("\n").map((line) => line.split(",")[0]);
    const services = (await lab.nova("/os-services?binary=nova-compute", { version: ZED_MAX })).body.services as { host: string }[];
    expect(ids.sort()).toEqual(services.map((s) => s.host).sort());
    expect(ids).toEqual(expect.arrayContaining(["compute-1", "compute-2", "compute-3"]));
  });

  it("reports a running host ON with exit 0 (argv, credentials from clouds.yaml)", async () => {
    const run = await fenceArgv(["--action=status", `--plug=${HOST}`, argvCloud], argvEnv);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe("Status: ON\n");
  });

  it("fails status for a host Nova does not know, naming the hosts it knows", async () => {
    const run = await fenceStdin(device({ action: "status", plug: "compute-99" }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/compute-99.*compute-1, compute-2, compute-3/);
  });

  it("off forces the service down and disables it with the nova-ha:fenced reason, and sets evacuate=yes in the fake attrd (stdin)", async () => {
    const started = Date.now();
    const run = await fenceStdin(device({ action: "off", plug: HOST }));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe("Success: Powered OFF\n");
    const service = await computeService(lab, HOST);
    expect(service).toMatchObject({ forced_down: true, status: "disabled", state: "down" });
    expect(service.disabled_reason).toMatch(/^nova-ha:fenced at=\S+ by=\S+/);
    const at = Date.parse(/at=(\S+)/.exec(service.disabled_reason ?? "")?.[1] ?? "");
    expect(at).toBeGreaterThanOrEqual(started - 1000);
    expect(attrd.value(HOST)).toBe("yes");
    expect(attrd.calls()).toContain(`-p -n evacuate -N ${HOST} -U yes`);
  });

  it("reports the fenced host OFF with exit 2, with stdin and with argv", async () => {
    const stdin = await fenceStdin(device({ action: "status", plug: HOST }));
    expect([stdin.exitCode, stdin.stdout]).toEqual([2, "Status: OFF\n"]);
    const argv = await fenceArgv(["-o", "status", "-n", HOST, argvCloud], argvEnv);
    expect([argv.exitCode, argv.stdout]).toEqual([2, "Status: OFF\n"]);
    const list = await fenceArgv(["--action=list-status", argvCloud], argvEnv);
    expect(list.stdout).toContain(`${HOST},,OFF\n`);
  });

  it("on waits while the evacuation is pending, then clears forced_down and enables the service (stdin)", async () => {
    const unfence = startFenceStdin(device({ action: "on", plug: HOST }), 120_000);
    // Pending: attrd says yes and Nova's marker says fenced; unfencing must not touch the service yet.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(unfence.exitCode, "fence_compute on returned while the evacuation was still pending").toBeNull();
    expect(await computeService(lab, HOST)).toMatchObject({ forced_down: true, status: "disabled" });

    // What NovaEvacuate writes when it is done with the host: attrd no, Nova marker evacuated.
    const service = await computeService(lab, HOST);
    const reason = formatNovaMarker("evacuated", new Date(), { recovered: 0, failed: 0, skipped: 0 });
    const marked = await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: ZED_MAX, body: { status: "disabled", disabled_reason: reason } });
    expect(marked.status).toBe(200);
    attrd.set(HOST, "no");

    const run = await unfence;
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(run.stdout).toBe("Success: Powered ON\n");
    const after = await computeService(lab, HOST);
    expect(after).toMatchObject({ forced_down: false, status: "enabled", disabled_reason: null });
    // The compute keeps reporting, so Nova counts it up again once forced_down is gone.
    await waitFor(`${HOST} to be up`, async () => ((await computeService(lab, HOST)).state === "up" ? true : undefined), 30_000);
    const status = await fenceStdin(device({ action: "status", plug: HOST }));
    expect([status.exitCode, status.stdout]).toEqual([0, "Status: ON\n"]);
  });
});
