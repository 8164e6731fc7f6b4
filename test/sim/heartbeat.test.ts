import { describe, expect, it } from "vitest";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 2, serviceDownTimeSeconds: 60 }, { hosts: 3, serversPerHost: 1, externalHeartbeat: ["compute-3"] });

async function stateOf(host: string): Promise<{ state: string; updated_at: string }> {
  const a = await fx.client.nova(`/os-services?binary=nova-compute&host=${host}`, { version: "2.53" });
  return a.body.services[0];
}

describe("heartbeats and service state", () => {
  it("keeps a live host up however much time passes", async () => {
    fx.sim.cloud.clock.advance(3_600_000);
    expect((await stateOf("compute-1")).state).toBe("up");
  });

  it("reports a killed host down only after service_down_time", async () => {
    fx.sim.cloud.killHost("compute-1");
    fx.sim.cloud.clock.advance(50_000);
    expect((await stateOf("compute-1")).state).toBe("up");
    fx.sim.cloud.clock.advance(11_000);
    expect((await stateOf("compute-1")).state).toBe("down");
    expect((await stateOf("compute-2")).state).toBe("up");
  });

  it("counts down from the last periodic report, not from the kill", async () => {
    fx.sim.cloud.clock.advance(19_000);
    fx.sim.cloud.killHost("compute-1");
    fx.sim.cloud.clock.advance(51_500);
    expect((await stateOf("compute-1")).state).toBe("down");
  });

  it("brings a revived host back up at once", async () => {
    fx.sim.cloud.killHost("compute-1");
    fx.sim.cloud.clock.advance(120_000);
    fx.sim.cloud.reviveHost("compute-1");
    expect((await stateOf("compute-1")).state).toBe("up");
  });

  it("keeps the frozen heartbeat as updated_at of a dead service", async () => {
    fx.sim.cloud.killHost("compute-2");
    const frozen = (await stateOf("compute-2")).updated_at;
    fx.sim.cloud.clock.advance(30_000);
    expect((await stateOf("compute-2")).updated_at).toBe(frozen);
    expect((await stateOf("compute-1")).updated_at).not.toBe(frozen);
  });
});

describe("externally heartbeated hosts", () => {
  it("go down without heartbeats and come up with one", async () => {
    fx.sim.cloud.clock.advance(61_000);
    expect((await stateOf("compute-3")).state).toBe("down");
    const posted = await fx.client.control("/heartbeat/compute-3", "POST");
    expect(posted.body).toEqual({ ok: true, recorded: true });
    expect((await stateOf("compute-3")).state).toBe("up");
    fx.sim.cloud.clock.advance(61_000);
    expect((await stateOf("compute-3")).state).toBe("down");
  });

  it("ignore heartbeats while killed and answer 404 for unknown hosts", async () => {
    fx.sim.cloud.killHost("compute-3");
    fx.sim.cloud.clock.advance(61_000);
    expect((await fx.client.control("/heartbeat/compute-3", "POST")).body.recorded).toBe(false);
    expect((await stateOf("compute-3")).state).toBe("down");
    expect((await fx.client.control("/heartbeat/nowhere", "POST")).status).toBe(404);
  });
});
