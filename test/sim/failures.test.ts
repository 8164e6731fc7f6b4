import { beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "./index.js";
import { SimClient } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 9, evacuateLatencyMs: 20 }, { hosts: 3, serversPerHost: 8 });
beforeEach(() => {
  fx.sim.cloud.killHost("compute-1");
  const svc = fx.sim.cloud.computeService("compute-1");
  if (svc) svc.forcedDown = true;
});

const victims = () => fx.sim.cloud.serversOnHost("compute-1");

describe("failure injection", () => {
  it("answers HTTP 500 and does nothing for evacuate-500", async () => {
    const [target] = victims();
    fx.sim.cloud.injectFailure({ kind: "evacuate-500", server: target?.name ?? "" });
    const a = await fx.client.evacuate(target?.uuid ?? "");
    expect(a.status).toBe(500);
    expect(a.body.computeFault.message).toMatch(/^Unexpected API Error\./);
    expect(fx.sim.cloud.migrations()).toHaveLength(0);
    expect(fx.sim.cloud.server(target?.uuid ?? "")?.taskState).toBeNull();
  });

  it("answers HTTP 500 yet evacuates when the failure is marked applied", async () => {
    const [target] = victims();
    fx.sim.cloud.injectFailure({ kind: "evacuate-500", server: target?.uuid ?? "", applied: true, times: 1 });
    expect((await fx.client.evacuate(target?.uuid ?? "")).status).toBe(500);
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.migrations()[0]?.status).toBe("done");
    expect(fx.sim.cloud.server(target?.uuid ?? "")?.host).not.toBe("compute-1");
  });

  it("fails the rebuild (migration failed, server ERROR on the source) for migration-fail", async () => {
    fx.sim.cloud.injectFailure({ kind: "migration-fail", host: "compute-1", times: 2 });
    for (const s of victims().slice(0, 3)) expect((await fx.client.evacuate(s.uuid)).status).toBe(200);
    await fx.sim.cloud.waitIdle();
    expect(fx.sim.cloud.migrations().map((m) => m.status)).toEqual(["failed", "failed", "done"]);
    expect(victims().filter((s) => s.vmState === "error")).toHaveLength(2);
  });

  it("slows the rebuild down for slow-rebuild", async () => {
    const [target] = victims();
    fx.sim.cloud.injectFailure({ kind: "slow-rebuild", server: target?.uuid ?? "", delayMs: 150 });
    const started = Date.now();
    await fx.client.evacuate(target?.uuid ?? "");
    await fx.sim.cloud.waitIdle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(fx.sim.cloud.server(target?.uuid ?? "")?.vmState).toBe("active");
  });

  it("draws probabilistic failures the same way for the same seed", async () => {
    const outcome = async (target: Simulator): Promise<string[]> => {
      target.cloud.seed({ hosts: 3, serversPerHost: 8 });
      target.cloud.killHost("compute-1");
      const svc = target.cloud.computeService("compute-1");
      if (svc) svc.forcedDown = true;
      target.cloud.injectFailure({ kind: "migration-fail", probability: 0.5 });
      const c = new SimClient(target);
      for (const s of target.cloud.serversOnHost("compute-1")) await c.evacuate(s.uuid);
      await target.cloud.waitIdle();
      return target.cloud.migrations().map((m) => `${m.instanceUuid}:${m.status}`);
    };
    const first = await outcome(fx.sim);
    expect(first.some((o) => o.endsWith(":failed")) && first.some((o) => o.endsWith(":done"))).toBe(true);
    expect(await outcome(fx.sim)).toEqual(first);
    const twin = await startSimulator({ seed: 9, evacuateLatencyMs: 20 });
    const other = await startSimulator({ seed: 10, evacuateLatencyMs: 20 });
    try {
      expect(await outcome(twin)).toEqual(first);
      expect(await outcome(other)).not.toEqual(first);
    } finally {
      await twin.stop();
      await other.stop();
    }
  });
});
