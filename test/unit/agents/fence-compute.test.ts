// fence_compute end to end in-process: every action with argv and with stdin, against the simulator and the fake attrd.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { formatNovaMarker } from "../../../src/recovery/host/nova-marker.js";
import type { ServiceView } from "../../sim/index.js";
import { startFenceHarness, type FenceHarness, type InputMode } from "./fence-harness.js";

const MODES: readonly InputMode[] = ["argv", "stdin"];
const EVACUATED = formatNovaMarker("evacuated", new Date("2024-05-01T10:05:00Z"));
const EVACUATING = formatNovaMarker("evacuating", new Date("2024-05-01T10:01:00Z"), { by: "controller-0" });

let h: FenceHarness;

beforeAll(async () => {
  h = await startFenceHarness();
});

afterAll(async () => {
  await h.stop();
});

beforeEach(() => {
  h.sim.cloud.seed({ hosts: 3, serversPerHost: 2 });
  h.sim.cloud.resetCounts();
  h.attrd.reset();
});

/** The simulator's nova-compute service of a host. */
function service(host: string): ServiceView {
  const found = h.sim.cloud.services().find((entry) => entry.host === host && entry.binary === "nova-compute");
  if (!found) throw new Error(`no service on ${host}`);
  return found;
}

/** Sets a service's record directly, as an operator or an earlier run would have left it. */
function setService(host: string, change: { disabled?: boolean; disabledReason?: string | null; forcedDown?: boolean }): void {
  const record = h.sim.cloud.computeService(host);
  if (!record) throw new Error(`no service on ${host}`);
  Object.assign(record, change);
}

const options = (extra: Record<string, string>): Record<string, string> => ({ ...h.credentials(), ...extra });

describe.each(MODES)("fence_compute with %s input", (mode) => {
  it("off forces the service down, disables it with a pending marker and flags evacuate=yes", async () => {
    h.sim.cloud.killHost("compute-1");
    const run = await h.run(fenceCompute, mode, options({ action: "off", plug: "compute-1" }));
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered OFF\n" });
    expect(service("compute-1")).toMatchObject({ forcedDown: true, state: "down", status: "disabled" });
    expect(service("compute-1").disabledReason).toMatch(/^nova-ha:fenced at=\d{4}-\d\d-\d\dT\S+Z by=\S+$/);
    expect(h.attrd.value("compute-1")).toBe("yes");
    expect(h.attrd.calls()).toEqual(["-p -n evacuate -N compute-1 -U yes"]);
    expect(service("compute-2")).toMatchObject({ forcedDown: false, status: "enabled" });
  });

  it("status reads ON for a running host and OFF (exit 2) once it is fenced", async () => {
    expect(await h.run(fenceCompute, mode, options({ action: "status", plug: "compute-2" }))).toMatchObject({ exitCode: 0, stdout: "Status: ON\n" });
    setService("compute-2", { forcedDown: true, disabled: true, disabledReason: "maintenance" });
    expect(await h.run(fenceCompute, mode, options({ action: "status", plug: "compute-2" }))).toMatchObject({ exitCode: 2, stdout: "Status: OFF\n" });
  });

  it("status of a host Nova does not know is a clear failure", async () => {
    const run = await h.run(fenceCompute, mode, options({ action: "status", plug: "compute-9" }));
    expect(run.exitCode).toBe(1);
    expect(run.stdout ?? "").toBe("");
    expect(run.stderr).toBe("Failed: Nova has no nova-compute service for host compute-9 (known: compute-1, compute-2, compute-3)\n");
  });

  it("list and list-status name every nova-compute host", async () => {
    setService("compute-3", { forcedDown: true, disabled: true });
    const list = await h.run(fenceCompute, mode, options({ action: "list" }));
    expect(list).toMatchObject({ exitCode: 0, stdout: "compute-1,\ncompute-2,\ncompute-3,\n" });
    const status = await h.run(fenceCompute, mode, options({ action: "list-status" }));
    expect(status).toMatchObject({ exitCode: 0, stdout: "compute-1,,ON\ncompute-2,,ON\ncompute-3,,OFF\n" });
  });

  it("monitor authenticates and makes one cheap Nova call, printing nothing", async () => {
    const run = await h.run(fenceCompute, mode, options({ action: "monitor" }));
    expect(run).toMatchObject({ exitCode: 0 });
    expect(run.stdout ?? "").toBe("");
    const routes = Object.keys(h.sim.cloud.counts().byRoute);
    expect(routes.filter((route) => route.includes("hypervisors"))).toEqual([]);
    expect(routes.filter((route) => route.includes("/servers"))).toEqual([]);
    expect(routes).toContain("GET /compute/v2.1/os-services");
  });

  it("on lifts the fence of a host whose evacuation is finished", async () => {
    h.sim.cloud.killHost("compute-1");
    await h.run(fenceCompute, mode, options({ action: "off", plug: "compute-1" }));
    h.attrd.set("compute-1", "no");
    setService("compute-1", { disabledReason: EVACUATED });
    const run = await h.run(fenceCompute, mode, options({ action: "on", plug: "compute-1" }));
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered ON\n" });
    expect(service("compute-1")).toMatchObject({ forcedDown: false, status: "enabled", disabledReason: null });
  });

  it("on goes on with a warning when a host recovered through Masakari cannot be taken off maintenance (no Masakari here)", async () => {
    h.sim.cloud.killHost("compute-1");
    await h.run(fenceCompute, mode, options({ action: "off", plug: "compute-1" }));
    h.attrd.set("compute-1", "no");
    setService("compute-1", { disabledReason: `${EVACUATED} driver=masakari ref=n-1 outcome=done` });
    const run = await h.run(fenceCompute, mode, options({ action: "on", plug: "compute-1" }));
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered ON\n" });
    expect(service("compute-1")).toMatchObject({ forcedDown: false, status: "enabled" });
    expect(run.log).toMatch(/instance-ha.*Masakari: could not take the host off maintenance/);
  });

  it("validate-all accepts a complete device and refuses one without a password", async () => {
    expect(await h.run(fenceCompute, mode, options({ action: "validate-all", plug: "compute-1" }))).toMatchObject({ exitCode: 0 });
    const { password: _password, ...withoutPassword } = options({ action: "validate-all", plug: "compute-1" });
    const run = await h.run(fenceCompute, mode, withoutPassword);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: password is not set/);
    expect(h.sim.cloud.counts().total).toBe(0);
  });

  it("off without a plug fails before contacting anything", async () => {
    const run = await h.run(fenceCompute, mode, options({ action: "off" }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: You have to enter plug number or machine identification/);
    expect(h.sim.cloud.counts().total).toBe(0);
  });

  it("accepts the deprecated login, passwd and port spellings", async () => {
    const { username, password, ...rest } = options({ action: "status" });
    const run = await h.run(fenceCompute, mode, { ...rest, login: username as string, passwd: password as string, port: "compute-1" });
    expect(run).toMatchObject({ exitCode: 0, stdout: "Status: ON\n" });
  });

  it.each(["2", "disabled", "Disabled"])("record_only=%s succeeds without touching Nova or attrd", async (value) => {
    const run = await h.run(fenceCompute, mode, options({ action: "off", plug: "compute-1", record_only: value }));
    expect(run).toMatchObject({ exitCode: 0 });
    expect(h.sim.cloud.counts().total).toBe(0);
    expect(h.attrd.calls()).toEqual([]);
  });

  it("record_only=1 (as TripleO sets it) fences and flags as usual", async () => {
    const run = await h.run(fenceCompute, mode, options({ action: "off", plug: "compute-1", record_only: "1" }));
    expect(run.exitCode).toBe(0);
    expect(h.attrd.value("compute-1")).toBe("yes");
  });

  it("a wrong password is one line that does not contain it", async () => {
    const wrong = "Wr0ng-Pa55word!";
    const run = await h.run(fenceCompute, mode, options({ action: "status", plug: "compute-1", password: wrong }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^Failed: .*Keystone.*\n$/);
    expect(run.stderr?.split("\n").filter(Boolean)).toHaveLength(1);
    for (const text of [run.stdout ?? "", run.stderr ?? "", run.log]) expect(text).not.toContain(wrong);
  });
});

describe("fence_compute off", () => {
  it("still flags a host that is already down and disabled by an operator, keeping their reason (peer bug B4)", async () => {
    h.sim.cloud.killHost("compute-1");
    setService("compute-1", { forcedDown: true, disabled: true, disabledReason: "maintenance: RAM swap" });
    const run = await h.run(fenceCompute, "stdin", options({ action: "off", plug: "compute-1" }));
    expect(run.exitCode).toBe(0);
    expect(service("compute-1")).toMatchObject({ forcedDown: true, status: "disabled", disabledReason: "maintenance: RAM swap" });
    expect(h.attrd.value("compute-1")).toBe("yes");
  });

  it("is idempotent: a second off keeps the first marker and flags again", async () => {
    h.sim.cloud.killHost("compute-1");
    await h.run(fenceCompute, "stdin", options({ action: "off", plug: "compute-1" }));
    const first = service("compute-1").disabledReason;
    h.attrd.set("compute-1", "controller-0@1714557600");
    expect((await h.run(fenceCompute, "argv", options({ action: "off", plug: "compute-1" }))).exitCode).toBe(0);
    expect(service("compute-1").disabledReason).toBe(first);
    expect(h.attrd.value("compute-1")).toBe("yes");
  });

  it("finds hosts in a cloud that registered some short and some FQDN", async () => {
    h.sim.cloud.seed({ hosts: ["compute-1", "compute-2.example.com", "compute-3.other.org"], serversPerHost: 1 });
    expect((await h.run(fenceCompute, "stdin", options({ action: "off", plug: "compute-2" }))).exitCode).toBe(0);
    expect(service("compute-2.example.com")).toMatchObject({ forcedDown: true, status: "disabled" });
    expect(h.attrd.value("compute-2.example.com")).toBe("yes");
    expect((await h.run(fenceCompute, "argv", options({ action: "status", plug: "compute-1.cluster.local" }))).stdout).toBe("Status: ON\n");
    expect((await h.run(fenceCompute, "argv", options({ action: "status", plug: "compute-3" }))).stdout).toBe("Status: ON\n");
  });

  it("refuses to guess between two hosts with the same short name, and follows domain", async () => {
    h.sim.cloud.seed({ hosts: ["compute-1.a.example", "compute-1.b.example"], serversPerHost: 1 });
    const run = await h.run(fenceCompute, "stdin", options({ action: "off", plug: "compute-1" }));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/compute-1\.a\.example, compute-1\.b\.example/);
    expect(h.attrd.calls()).toEqual([]);
    expect((await h.run(fenceCompute, "stdin", options({ action: "off", plug: "compute-1", domain: "b.example" }))).exitCode).toBe(0);
    expect(service("compute-1.b.example").forcedDown).toBe(true);
    expect(service("compute-1.a.example").forcedDown).toBe(false);
  });
});

describe("fence_compute on", () => {
  it("waits while our evacuator's marker says evacuating, then for it to say evacuated", async () => {
    h.sim.cloud.killHost("compute-1");
    await h.run(fenceCompute, "stdin", options({ action: "off", plug: "compute-1" }));
    let finished = false;
    const running = h.run(fenceCompute, "stdin", options({ action: "on", plug: "compute-1" })).finally(() => {
      finished = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    setService("compute-1", { disabledReason: EVACUATING });
    h.attrd.set("compute-1", "no");
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(finished).toBe(false);
    expect(service("compute-1").status).toBe("disabled");
    setService("compute-1", { disabledReason: EVACUATED });
    const run = await running;
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered ON\n" });
    expect(service("compute-1")).toMatchObject({ forcedDown: false, status: "enabled" });
    expect(run.log).toMatch(/Waiting for compute-1 to complete evacuations: attrd evacuate=yes/);
    expect(run.log).toMatch(/Waiting for compute-1 to complete evacuations: our evacuator is working/);
  }, 15_000);

  it("finishes once a peer evacuator writes no under our fenced marker (issue 14: it waited until its timeout)", async () => {
    h.sim.cloud.killHost("compute-1");
    await h.run(fenceCompute, "stdin", options({ action: "off", plug: "compute-1" }));
    expect(service("compute-1").disabledReason).toMatch(/^nova-ha:fenced /);
    const running = h.run(fenceCompute, "stdin", options({ action: "on", plug: "compute-1" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.attrd.set("compute-1", "compute-0@1714557600");
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.attrd.set("compute-1", "no");
    const run = await running;
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered ON\n" });
    expect(service("compute-1")).toMatchObject({ forcedDown: false, status: "enabled" });
  }, 15_000);

  it("does not take an attrd error for done (peer bug B6)", async () => {
    h.attrd.set("compute-1", "no");
    h.attrd.failQueries(true);
    const abort = new AbortController();
    const running = h.run(fenceCompute, "stdin", options({ action: "on", plug: "compute-1" }), abort.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    abort.abort(new Error("SIGTERM"));
    const run = await running;
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/stopped while waiting for compute-1 .*attrd cannot be read/);
  });

  it("leaves a service an operator disabled disabled, but clears forced_down", async () => {
    setService("compute-1", { forcedDown: true, disabled: true, disabledReason: "maintenance" });
    h.attrd.set("compute-1", "no");
    const run = await h.run(fenceCompute, "argv", options({ action: "on", plug: "compute-1" }));
    expect(run.exitCode).toBe(0);
    expect(service("compute-1")).toMatchObject({ forcedDown: false, status: "disabled", disabledReason: "maintenance" });
    expect(run.log).toMatch(/left disabled/);
  });

  it("waits out a Nova that resets every connection from the first call, as it waits out the rest (chaos seeds 100882, 101231)", async () => {
    h.attrd.set("compute-1", "no");
    setService("compute-1", { forcedDown: true, disabled: true, disabledReason: EVACUATED });
    h.sim.cloud.netFaults.set({ faultRate: 1, kinds: ["reset"], services: ["compute"] });
    const healed = setTimeout(() => h.sim.cloud.netFaults.set({}), 2_500);
    try {
      const run = await h.run(fenceCompute, "stdin", options({ action: "on", plug: "compute-1" }), new AbortController().signal);
      expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered ON\n" });
      expect(service("compute-1")).toMatchObject({ forcedDown: false, status: "enabled" });
      expect(run.log).toMatch(/unfencing compute-1: Nova did not answer; trying again/);
    } finally {
      clearTimeout(healed);
      h.sim.cloud.netFaults.set({});
    }
  }, 15_000);

  it("succeeds with a warning for a host Nova has not seen yet, so unfencing never blocks a new node", async () => {
    const run = await h.run(fenceCompute, "stdin", options({ action: "on", plug: "compute-new" }));
    expect(run).toMatchObject({ exitCode: 0, stdout: "Success: Powered ON\n" });
    expect(run.log).toMatch(/Nova has no nova-compute service for host compute-new.*nothing to unfence/);
  });
});
