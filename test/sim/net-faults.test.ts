import { describe, expect, it } from "vitest";
import { NetFaultBook } from "./net-faults.js";
import { Prng } from "./prng.js";
import { call } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 5, evacuateLatencyMs: 20 }, { hosts: 2, serversPerHost: 2 });

describe("network faults", () => {
  it("answers 503 to every request of a service in an outage, and counts it", async () => {
    fx.sim.cloud.netFaults.set({ outages: [{ service: "identity", fromMs: Date.now() - 1000, toMs: Date.now() + 60_000, mode: "503" }] });
    await expect(fx.client.login()).rejects.toThrow("login failed: 503");
    expect(fx.sim.cloud.netFaults.injected()).toEqual({ "outage:identity": 1 });
    fx.sim.cloud.netFaults.set({});
    await expect(fx.client.login()).resolves.toMatch(/^gAAAAAB/);
  });

  it("closes the connection without an answer for a reset", async () => {
    const token = await fx.client.login();
    fx.sim.cloud.netFaults.set({ faultRate: 1, kinds: ["reset"], services: ["compute"] });
    await expect(call(`${fx.sim.baseUrl}/compute/v2.1/os-services`, { headers: { "X-Auth-Token": token } })).rejects.toThrow();
    fx.sim.cloud.netFaults.set({});
  });

  it("does the work and loses the answer when a fault hits after an evacuate", async () => {
    await fx.client.login();
    fx.sim.cloud.killHost("compute-1");
    const service = fx.sim.cloud.computeService("compute-1");
    if (service) service.forcedDown = true;
    const [victim] = fx.sim.cloud.serversOnHost("compute-1");
    fx.sim.cloud.netFaults.set({ faultRate: 1, kinds: ["500"], services: ["compute"], afterRate: 1 });
    expect((await fx.client.evacuate(victim?.uuid ?? "")).status).toBe(500);
    fx.sim.cloud.netFaults.set({});
    expect(fx.sim.cloud.evacuateRecords.all(victim?.uuid)).toMatchObject([{ accepted: true, status: 200, sourceHost: "compute-1" }]);
    expect((await fx.client.evacuate(victim?.uuid ?? "")).status).toBe(200);
    expect(fx.sim.cloud.evacuateRecords.acceptedByInstance().get(victim?.uuid ?? "")).toBe(2);
  });

  it("draws latencies around the median, capped, and the same ones from the same seed", () => {
    const draw = (): number[] => {
      const book = new NetFaultBook(new Prng(3));
      book.set({ latency: { medianMs: 20, sigma: 0.5, maxMs: 60 } });
      return Array.from({ length: 400 }, () => book.latencyMs());
    };
    const a = draw();
    expect(a).toEqual(draw());
    const sorted = [...a].sort((x, y) => x - y);
    expect(sorted[200]).toBeGreaterThan(15);
    expect(sorted[200]).toBeLessThan(26);
    expect(Math.max(...a)).toBeLessThanOrEqual(60);
  });
});
