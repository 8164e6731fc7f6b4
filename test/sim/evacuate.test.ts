import { describe, expect, it } from "vitest";
import { eventually } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 5, evacuateLatencyMs: 30 }, { hosts: 4, serversPerHost: 3, shutoffEvery: 3 });

/** Kills a host's nova-compute and forces its service down through the API. */
async function fence(host: string): Promise<void> {
  fx.sim.cloud.killHost(host);
  const uuid = fx.sim.cloud.computeService(host)?.uuid;
  expect((await fx.client.nova(`/os-services/${uuid}`, { method: "PUT", version: "2.53", body: { forced_down: true } })).status).toBe(200);
}

/** Runs `fn` with a longer evacuation latency, for steps that must happen mid-evacuation. */
async function withLatency(ms: number, fn: () => Promise<void>): Promise<void> {
  fx.sim.cloud.config.evacuateLatencyMs = ms;
  try {
    await fn();
  } finally {
    fx.sim.cloud.config.evacuateLatencyMs = 30;
  }
}

const firstOn = (host: string, vmState = "active") => {
  const s = fx.sim.cloud.serversOnHost(host).find((x) => x.vmState === vmState);
  if (!s) throw new Error(`no ${vmState} server on ${host}`);
  return s;
};

describe("an accepted evacuation", () => {
  it("rebuilds an ACTIVE server on another host and records the migration", async () => {
    await fence("compute-1");
    const server = firstOn("compute-1");
    await withLatency(400, async () => {
      const a = await fx.client.evacuate(server.uuid);
      expect(a.status).toBe(200);
      expect(a.body).toBeUndefined();
      expect(fx.sim.cloud.migrations({ sourceCompute: "compute-1" })).toMatchObject([{ status: "accepted", migrationType: "evacuation", destCompute: null, updatedAt: null }]);
      const during = (await fx.client.nova(`/servers/${server.uuid}`, { version: "2.53" })).body.server;
      expect(during).toMatchObject({ status: "REBUILD", "OS-EXT-STS:task_state": "rebuilding", "OS-EXT-SRV-ATTR:host": "compute-1" });
    });
    await fx.sim.cloud.waitIdle();
    const after = (await fx.client.nova(`/servers/${server.uuid}`, { version: "2.53" })).body.server;
    expect(after).toMatchObject({ status: "ACTIVE", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 1 });
    expect(after["OS-EXT-SRV-ATTR:host"]).not.toBe("compute-1");
    expect(fx.sim.cloud.migrations({ sourceCompute: "compute-1" })).toMatchObject([{ status: "done", destCompute: after["OS-EXT-SRV-ATTR:host"] }]);
  });

  it("keeps a stopped server SHUTOFF", async () => {
    await fence("compute-1");
    const server = firstOn("compute-1", "stopped");
    expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ vmState: "stopped", powerState: 4, taskState: null });
    expect(fx.sim.cloud.server(server.uuid)?.host).not.toBe("compute-1");
  });

  it("lands stopped from microversion 2.95", async () => {
    fx.sim.cloud.config.maxMicroversion = "2.95";
    try {
      await fence("compute-1");
      const server = firstOn("compute-1");
      expect((await fx.client.evacuate(server.uuid, {}, "2.95")).status).toBe(200);
      await fx.sim.cloud.waitIdle();
      expect(fx.sim.cloud.server(server.uuid)?.vmState).toBe("stopped");
    } finally {
      fx.sim.cloud.config.maxMicroversion = "2.93";
    }
  });

  it("spreads evacuations over up and enabled hosts only", async () => {
    await fence("compute-1");
    fx.sim.cloud.killHost("compute-2");
    fx.sim.cloud.clock.advance(61_000);
    const svc3 = fx.sim.cloud.computeService("compute-3");
    if (svc3) svc3.disabled = true;
    for (const s of fx.sim.cloud.serversOnHost("compute-1")) expect((await fx.client.evacuate(s.uuid)).status).toBe(200);
    await fx.sim.cloud.waitIdle();
    fx.sim.cloud.clock.resetOffset();
    expect(fx.sim.cloud.serversOnHost("compute-4")).toHaveLength(6);
  });

  it("goes to the named host", async () => {
    await fence("compute-1");
    const server = firstOn("compute-1");
    expect((await fx.client.evacuate(server.uuid, { host: "compute-3" })).status).toBe(200);
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.server(server.uuid)?.host).toBe("compute-3");
  });
});

describe("held evacuations (config evacuateHold)", () => {
  it("stop before they land while held, whatever the latency, and land once released through the control API", async () => {
    await fence("compute-1");
    const server = firstOn("compute-1");
    expect((await fx.client.control("/config", "PUT", { evacuateHold: true })).body.evacuateHold).toBe(true);
    try {
      expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
      await eventually(() => (fx.sim.cloud.server(server.uuid)?.taskState === "rebuild_spawning" ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 300)); // ten times the latency
      expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ host: "compute-1", taskState: "rebuild_spawning" });
      expect(fx.sim.cloud.migrations({ sourceCompute: "compute-1" })).toMatchObject([{ status: "pre-migrating" }]);
      expect(fx.sim.cloud.idle()).toBe(false);
    } finally {
      await fx.client.control("/config", "PUT", { evacuateHold: false });
    }
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ vmState: "active", taskState: null });
    expect(fx.sim.cloud.server(server.uuid)?.host).not.toBe("compute-1");
    expect(fx.sim.cloud.migrations({ sourceCompute: "compute-1" })).toMatchObject([{ status: "done" }]);
  });
});

describe("evacuate refusals", () => {
  it("answers 400 while the source compute service is up", async () => {
    const server = firstOn("compute-1");
    const a = await fx.client.evacuate(server.uuid);
    expect(a.status).toBe(400);
    expect(a.body).toEqual({ badRequest: { code: 400, message: "Compute service of compute-1 is still in use." } });
  });

  it("accepts a killed host only after service_down_time", async () => {
    fx.sim.cloud.killHost("compute-1");
    const server = firstOn("compute-1");
    expect((await fx.client.evacuate(server.uuid)).status).toBe(400);
    fx.sim.cloud.clock.advance(61_000);
    try {
      expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
    } finally {
      fx.sim.cloud.clock.resetOffset();
    }
  });

  it.each(["paused", "suspended", "shelved"])("answers 409 for a %s server", async (vmState) => {
    await fence("compute-1");
    const server = firstOn("compute-1");
    fx.sim.cloud.setServerState(server.uuid, { vmState });
    const a = await fx.client.evacuate(server.uuid);
    expect(a.status).toBe(409);
    expect(a.body.conflictingRequest.message).toBe(`Cannot 'evacuate' instance ${server.uuid} while it is in vm_state ${vmState}`);
  });

  it.each([
    ["onSharedStorage missing below 2.14", {}, "2.11", 400, "Invalid input for field/attribute evacuate. Value: {}. 'onSharedStorage' is a required property"],
    ["onSharedStorage from 2.14", { onSharedStorage: false }, "2.14", 400, "Invalid input for field/attribute evacuate. Value: {'onSharedStorage': False}. Additional properties are not allowed ('onSharedStorage' was unexpected)"],
    ["force without a host", { force: true }, "2.29", 400, "Can't force to a non-provided destination"],
    ["the same host", { host: "compute-1" }, "2.53", 400, "The target host can't be the same one."],
    ["an unknown host", { host: "nowhere" }, "2.53", 404, "Compute host nowhere not found."],
  ])("refuses %s", async (_what, args, version, status, message) => {
    await fence("compute-1");
    const a = await fx.client.evacuate(firstOn("compute-1").uuid, args, version);
    expect(a.status).toBe(status);
    expect(Object.values(a.body as Record<string, { message: string }>)[0]?.message).toBe(message);
  });

  it("answers 404 for an unknown server", async () => {
    expect((await fx.client.evacuate("00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("accepts a second evacuate while one is in flight (Zed ignores task_state), and both rebuilds then clash", async () => {
    await fence("compute-1");
    const server = firstOn("compute-1");
    await withLatency(300, async () => {
      expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
      expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
    });
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.migrations({ sourceCompute: "compute-1" }).map((m) => m.status)).toEqual(["failed", "failed"]);
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ vmState: "error", host: "compute-1" });
  });
});

describe("the pre-Zed task_state check", () => {
  it("answers 409 to a second evacuate while the first is in flight", async () => {
    fx.sim.cloud.config.evacuateChecksTaskState = true;
    try {
      await fence("compute-1");
      const server = firstOn("compute-1");
      await withLatency(300, async () => {
        expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
        const again = await fx.client.evacuate(server.uuid);
        expect(again.status).toBe(409);
        expect(again.body.conflictingRequest.message).toBe(`Cannot 'evacuate' instance ${server.uuid} while it is in task_state rebuilding`);
      });
    } finally {
      fx.sim.cloud.config.evacuateChecksTaskState = false;
    }
  });
});

describe("onSharedStorage below 2.14", () => {
  it("returns a generated admin password and rebuilds without shared storage", async () => {
    await fence("compute-1");
    const a = await fx.client.evacuate(firstOn("compute-1").uuid, { onSharedStorage: false }, "2.11");
    expect(a.status).toBe(200);
    expect(a.body.adminPass).toMatch(/^[A-Za-z0-9]{12}$/);
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.migrations()[0]?.status).toBe("done");
  });

  it("ends in ERROR on the source when shared storage is claimed but absent (InvalidSharedStorage)", async () => {
    await fence("compute-1");
    const server = firstOn("compute-1");
    const a = await fx.client.evacuate(server.uuid, { onSharedStorage: true }, "2.11");
    expect(a.body).toEqual({ adminPass: null });
    await fx.sim.cloud.waitIdle();
    const shown = (await fx.client.nova(`/servers/${server.uuid}`, { version: "2.53" })).body.server;
    expect(shown).toMatchObject({ status: "ERROR", "OS-EXT-SRV-ATTR:host": "compute-1", "OS-EXT-STS:task_state": null });
    expect(shown.fault.message).toBe("Invalid state of instance files on shared storage");
    expect(fx.sim.cloud.migrations()[0]).toMatchObject({ status: "failed", destCompute: expect.stringMatching(/^compute-[234]$/) });
  });
});

describe("evacuations that cannot complete", () => {
  it("sets migration error and server ERROR when no host is valid", async () => {
    await fence("compute-1");
    for (const h of ["compute-2", "compute-3", "compute-4"]) {
      const svc = fx.sim.cloud.computeService(h);
      if (svc) svc.disabled = true;
    }
    const server = firstOn("compute-1");
    expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.migrations()[0]?.status).toBe("error");
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ vmState: "error", taskState: null, host: "compute-1" });
    expect(fx.sim.cloud.server(server.uuid)?.fault?.message).toBe("No valid host was found. There are not enough hosts available.");
  });

  it("leaves the server in REBUILD when the destination dies mid-rebuild, until the source restarts", async () => {
    await fence("compute-1");
    const server = firstOn("compute-1");
    await withLatency(400, async () => {
      expect((await fx.client.evacuate(server.uuid, { host: "compute-2" })).status).toBe(200);
    });
    await eventually(() => (fx.sim.cloud.migrations()[0]?.status === "pre-migrating" ? true : undefined));
    fx.sim.cloud.killHost("compute-2");
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ host: "compute-1", vmState: "active" });
    expect(fx.sim.cloud.server(server.uuid)?.taskState).toMatch(/^rebuild/);
    expect(fx.sim.cloud.migrations()[0]?.status).toBe("pre-migrating");
    expect(fx.sim.cloud.idle()).toBe(true);
    fx.sim.cloud.reviveHost("compute-1");
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ vmState: "error", taskState: null });
    expect(fx.sim.cloud.migrations()[0]?.status).toBe("completed");
  });
});

describe("unschedulable hosts (config unschedulable)", () => {
  it("are never picked as a destination, set through the control API, and still run their own servers", async () => {
    await fence("compute-1");
    const servers = fx.sim.cloud.serversOnHost("compute-1");
    const excluded = { "compute-2": true, "compute-3": true };
    expect((await fx.client.control("/config", "PUT", { unschedulable: excluded })).body.unschedulable).toEqual(excluded);
    try {
      for (const server of servers) expect((await fx.client.evacuate(server.uuid)).status).toBe(200);
      await fx.sim.cloud.waitIdle();
    } finally {
      await fx.client.control("/config", "PUT", { unschedulable: {} });
    }
    expect(servers.map((server) => fx.sim.cloud.server(server.uuid)?.host)).toEqual(servers.map(() => "compute-4"));
    expect(fx.sim.cloud.serversOnHost("compute-2")).toHaveLength(3);
  });
});
