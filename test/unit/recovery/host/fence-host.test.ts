// fenceHost against the simulator and the fake attrd: force down first, our marker, operators' reasons kept, always flagged.
import { beforeEach, describe, expect, it } from "vitest";
import type { ComputeApi } from "../../../../src/openstack/api.js";
import type { ComputeService } from "../../../../src/openstack/types.js";
import { attrdUpdater } from "../../../../src/pacemaker/attrd.js";
import { fenceHost } from "../../../../src/recovery/host/fence-host.js";
import { formatNovaMarker } from "../../../../src/recovery/host/nova-marker.js";
import { memoryLogger } from "../../openstack/fake-server.js";
import { useFenceBench } from "../fence-bench.js";
import { quiet } from "../sim-harness.js";

const HOST = "compute-1";
const NOW = new Date("2024-05-01T10:00:00.000Z");
const EARLIER = new Date("2024-04-30T08:00:00.000Z");

const bench = useFenceBench();
const service = (host = HOST): Promise<ComputeService> => bench.service(host);

beforeEach(() => {
  bench.sim.cloud.killHost(HOST);
});

/** A ComputeApi that records the name of each call before passing it on. */
function recording(compute: ComputeApi, calls: string[]): ComputeApi {
  return new Proxy(compute, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function deps(compute: ComputeApi = bench.openstack.compute, log = quiet) {
  return { compute, attrd: attrdUpdater(), log, nodeName: "controller-0", now: () => NOW };
}

describe("fenceHost", () => {
  it("forces the service down, then disables it with a pending marker, then flags evacuate=yes", async () => {
    const calls: string[] = [];
    const outcome = await fenceHost(deps(recording(bench.openstack.compute, calls)), await service());
    expect(outcome).toBe("disabled");
    expect(calls).toEqual(["forceDown", "disable"]);
    const after = await service();
    expect(after).toMatchObject({ forcedDown: true, state: "down", status: "disabled" });
    expect(after.disabledReason).toBe("nova-ha:fenced at=2024-05-01T10:00:00.000Z by=controller-0");
    expect(bench.attrd.value(HOST)).toBe("yes");
    expect(bench.attrd.calls()).toEqual([`-p -n evacuate -N ${HOST} -U yes`]);
  });

  it("does not hang on a Train-style Nova where disabling an unreachable, not yet down host blocks", async () => {
    bench.sim.cloud.config.rpcTimeoutMs = 5_000;
    try {
      const started = Date.now();
      await fenceHost(deps(), await service());
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      bench.sim.cloud.config.rpcTimeoutMs = 0;
    }
  });

  it("keeps the marker (and its time) of an earlier fencing, and still flags the host", async () => {
    const earlier = formatNovaMarker("fenced", EARLIER, { by: "controller-1" });
    await bench.openstack.compute.disable(await bench.openstack.compute.forceDown(await service(), true), earlier);
    const calls: string[] = [];
    expect(await fenceHost(deps(recording(bench.openstack.compute, calls)), await service())).toBe("kept-pending-marker");
    expect(calls).toEqual(["forceDown"]);
    expect((await service()).disabledReason).toBe(earlier);
    expect(bench.attrd.value(HOST)).toBe("yes");
  });

  it("writes a new marker over one that says the last evacuation finished", async () => {
    await bench.openstack.compute.disable(await service(), formatNovaMarker("evacuated", EARLIER));
    expect(await fenceHost(deps(), await service())).toBe("disabled");
    expect((await service()).disabledReason).toMatch(/^nova-ha:fenced at=2024-05-01T10:00:00.000Z/);
  });

  it("keeps an operator's reason on a host that was already down and disabled, and still flags it (peer bug B4)", async () => {
    await bench.openstack.compute.disable(await bench.openstack.compute.forceDown(await service(), true), "maintenance: disk swap");
    const log = memoryLogger();
    expect(await fenceHost(deps(bench.openstack.compute, log.logger), await service())).toBe("kept-foreign-reason");
    expect((await service()).disabledReason).toBe("maintenance: disk swap");
    expect(bench.attrd.value(HOST)).toBe("yes");
    expect(log.text()).toMatch(/keeping their reason/);
  });

  it("leaves a service disabled without a reason as it is, and flags it", async () => {
    const record = bench.sim.cloud.computeService(HOST);
    if (!record) throw new Error("no record");
    record.disabled = true;
    record.disabledReason = null;
    expect(await fenceHost(deps(), await service())).toBe("kept-no-reason");
    expect(await service()).toMatchObject({ status: "disabled", disabledReason: null, forcedDown: true });
    expect(bench.attrd.value(HOST)).toBe("yes");
  });

  it("fails, after the Nova steps, when attrd cannot be written", async () => {
    bench.attrd.failUpdates(true);
    await expect(fenceHost(deps(), await service())).rejects.toThrow(/attrd_updater could not set evacuate of compute-1 to yes/);
    expect(await service()).toMatchObject({ forcedDown: true, status: "disabled" });
  });

  it("fails before disabling or flagging anything when Nova refuses the force-down", async () => {
    const vanished = { ...(await service()), id: "9f0c2a4e-0000-4000-8000-000000000000" };
    const calls: string[] = [];
    await expect(fenceHost(deps(recording(bench.openstack.compute, calls)), vanished)).rejects.toThrow(/could not be found/);
    expect(calls).toEqual(["forceDown"]);
    expect(await service()).toMatchObject({ forcedDown: false, status: "enabled" });
    expect(bench.attrd.calls()).toEqual([]);
  });
});
