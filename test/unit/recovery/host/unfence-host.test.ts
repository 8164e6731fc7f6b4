// Unfencing against the simulator and the fake attrd: the wait (attrd and Nova marker) and the lift (whose disable to undo).
import { describe, expect, it } from "vitest";
import type { ComputeService } from "../../../../src/openstack/types.js";
import { attrdUpdater } from "../../../../src/pacemaker/attrd.js";
import { formatNovaMarker } from "../../../../src/recovery/host/nova-marker.js";
import { liftFence, shownValue, waitForEvacuationDone } from "../../../../src/recovery/host/unfence-host.js";
import { memoryLogger } from "../../openstack/fake-server.js";
import { useFenceBench } from "../fence-bench.js";
import { quiet } from "../sim-harness.js";

const HOST = "compute-1";
const POLL_MS = 20;
/** How long a wait may take to see what it waits for: each poll spawns the fake attrd_updater, slow on a loaded machine. */
const SETTLES_MS = 5_000;
const PENDING = formatNovaMarker("fenced", new Date("2024-05-01T10:00:00Z"), { by: "controller-0" });
const EVACUATING = formatNovaMarker("evacuating", new Date("2024-05-01T10:01:00Z"), { by: "controller-0" });
const DONE = formatNovaMarker("evacuated", new Date("2024-05-01T10:05:00Z"));

const bench = useFenceBench();
const service = (host = HOST): Promise<ComputeService> => bench.service(host);

/** Puts the host in the state fence_compute leaves: forced down, disabled with `reason`. */
async function fenced(reason: string | null): Promise<void> {
  const forced = await bench.openstack.compute.forceDown(await service(), true);
  if (reason !== null) {
    await bench.openstack.compute.disable(forced, reason);
  } else {
    const record = bench.sim.cloud.computeService(HOST);
    if (!record) throw new Error("no record");
    record.disabled = true;
    record.disabledReason = null;
  }
}

/** Resolves to "done" or "still waiting" after `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<"done" | "still waiting"> {
  return Promise.race([promise.then(() => "done" as const), new Promise<"still waiting">((resolve) => setTimeout(() => resolve("still waiting"), ms))]);
}

function waitDeps(log = quiet) {
  return { compute: bench.openstack.compute, attrd: attrdUpdater(), log };
}

describe("waitForEvacuationDone", () => {
  it("returns at once for a host that was never flagged", async () => {
    const done = await waitForEvacuationDone(waitDeps(), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    expect(done.attrdValue).toBe("");
    expect(done.service?.host).toBe(HOST);
  });

  it("waits for attrd to say no while our fenced marker stands: no after it means a peer evacuator finished", async () => {
    await fenced(PENDING);
    bench.attrd.set(HOST, "yes");
    const waiting = waitForEvacuationDone(waitDeps(), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    expect(await settledWithin(waiting, 150)).toBe("still waiting");
    bench.attrd.set(HOST, "controller-0@1714557600");
    expect(await settledWithin(waiting, 150)).toBe("still waiting");
    bench.attrd.set(HOST, "no");
    expect(await settledWithin(waiting, SETTLES_MS)).toBe("done");
    const done = await waiting;
    expect(done.attrdValue).toBe("no");
    expect(done.service?.disabledReason).toBe(PENDING);
  });

  it("keeps waiting while our evacuating marker stands, whatever attrd says, until it says evacuated", async () => {
    await fenced(EVACUATING);
    bench.attrd.set(HOST, "no");
    const waiting = waitForEvacuationDone(waitDeps(), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    expect(await settledWithin(waiting, 150)).toBe("still waiting");
    bench.attrd.set(HOST, "");
    expect(await settledWithin(waiting, 150)).toBe("still waiting");
    await bench.openstack.compute.disable(await service(), DONE);
    expect(await settledWithin(waiting, SETTLES_MS)).toBe("done");
    expect((await waiting).service?.disabledReason).toBe(DONE);
  });

  it("takes a purged value for lost, not for no: with our fenced marker it waits and flags the host again for any evacuator", async () => {
    await fenced(PENDING);
    bench.attrd.set(HOST, "");
    const log = memoryLogger();
    const waiting = waitForEvacuationDone(waitDeps(log.logger), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    await expect.poll(() => bench.attrd.value(HOST), { timeout: 5_000 }).toBe("yes");
    expect(await settledWithin(waiting, 150)).toBe("still waiting");
    expect(log.text()).toMatch(/evacuate=yes written again/);
    bench.attrd.set(HOST, "no");
    expect(await settledWithin(waiting, SETTLES_MS)).toBe("done");
  });

  it("finishes on our evacuated marker when attrd's no was purged afterwards", async () => {
    await fenced(DONE);
    bench.attrd.set(HOST, "");
    const done = await waitForEvacuationDone(waitDeps(), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    expect(done.service?.disabledReason).toBe(DONE);
    expect(bench.attrd.value(HOST)).toBe("");
  });

  it("keeps waiting while attrd cannot be read (peer bug B6), and says why once", async () => {
    bench.attrd.set(HOST, "no");
    bench.attrd.failQueries(true);
    const log = memoryLogger();
    const waiting = waitForEvacuationDone(waitDeps(log.logger), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    await expect.poll(() => bench.attrd.calls().length, { timeout: 5_000 }).toBeGreaterThan(2);
    expect(await settledWithin(waiting, 50)).toBe("still waiting");
    expect(log.lines.filter((line) => /attrd cannot be read/.test(String(line.msg)))).toHaveLength(1);
    bench.attrd.failQueries(false);
    expect(await settledWithin(waiting, SETTLES_MS)).toBe("done");
  });

  it("decides from the Nova marker alone when the attrd value is unknown, and names the value once", async () => {
    bench.attrd.set(HOST, "true");
    const log = memoryLogger();
    const done = await waitForEvacuationDone(waitDeps(log.logger), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    expect(done.service?.host).toBe(HOST);
    const warnings = log.lines.filter((line) => /unknown attrd value evacuate='true'/.test(String(line.msg)));
    expect(warnings).toHaveLength(1);
  });

  it("replaces an unknown attrd value by yes while our fenced marker says a recovery is owed", async () => {
    await fenced(PENDING);
    bench.attrd.set(HOST, "x".repeat(5_000));
    const log = memoryLogger();
    const waiting = waitForEvacuationDone(waitDeps(log.logger), HOST, { signal: new AbortController().signal, pollMs: POLL_MS });
    await expect.poll(() => bench.attrd.value(HOST), { timeout: 5_000 }).toBe("yes");
    expect(await settledWithin(waiting, 150)).toBe("still waiting");
    expect(Math.max(...log.lines.map((line) => String(line.msg).length))).toBeLessThan(300);
    await bench.openstack.compute.disable(await service(), DONE);
    bench.attrd.set(HOST, "no");
    expect(await settledWithin(waiting, SETTLES_MS)).toBe("done");
  });

  it("stops with a clear error when aborted", async () => {
    bench.attrd.set(HOST, "yes");
    const abort = new AbortController();
    const waiting = waitForEvacuationDone(waitDeps(), HOST, { signal: abort.signal, pollMs: POLL_MS });
    setTimeout(() => abort.abort(new Error("SIGTERM")), 60);
    await expect(waiting).rejects.toThrow(/stopped while waiting for compute-1 to complete evacuations \(attrd evacuate=yes\)/);
  });
});

describe("liftFence", () => {
  it.each([
    ["our evacuated marker", DONE, "no", "enabled", "enabled"],
    ["our evacuated marker, attrd forgotten", DONE, "", "enabled", "enabled"],
    ["an operator's reason", "maintenance", "no", "left-disabled-foreign-reason", "disabled"],
    ["no reason, evacuated through attrd", null, "no", "enabled", "enabled"],
    ["no reason, never flagged", null, "", "left-disabled-no-reason", "disabled"],
  ] as const)("with %s: clears forced_down and reports %s", async (_label, reason, attrdValue, outcome, status) => {
    await fenced(reason);
    const result = await liftFence(waitDeps(), { attrdValue, service: await service() });
    expect(result).toEqual({ status: outcome, forcedDown: "cleared" });
    const after = await service();
    expect(after.forcedDown).toBe(false);
    expect(after.status).toBe(status);
    if (status === "disabled") expect(after.disabledReason).toBe(reason);
  });

  it("only clears forced_down of a service that is already enabled", async () => {
    await bench.openstack.compute.forceDown(await service(), true);
    expect(await liftFence(waitDeps(), { attrdValue: "", service: await service() })).toEqual({ status: "already-enabled", forcedDown: "cleared" });
    expect(await service()).toMatchObject({ forcedDown: false, status: "enabled" });
  });

  it("still enables the service when Nova refuses to clear forced_down yet", async () => {
    bench.sim.cloud.killHost(HOST);
    await fenced(DONE);
    const [server] = bench.sim.cloud.serversOnHost(HOST);
    if (!server) throw new Error("no server");
    await bench.openstack.compute.evacuate(server.uuid);
    await bench.sim.cloud.waitIdle();
    const log = memoryLogger();
    const result = await liftFence(waitDeps(log.logger), { attrdValue: "no", service: await service() });
    expect(result).toEqual({ status: "enabled", forcedDown: "still-set" });
    expect(await service()).toMatchObject({ forcedDown: true, status: "enabled" });
    expect(log.text()).toMatch(/forced_down stays set/);
  });

  it("tries its PUTs again after connection resets outlast the transport's retries, until Nova answers (chaos seed 20181)", async () => {
    await fenced(DONE);
    const fencedService = await service();
    // Every compute answer is lost, half of them after Nova did the work: more resets in a row than the transport retries.
    bench.sim.cloud.netFaults.set({ faultRate: 1, kinds: ["reset"], services: ["compute"], afterRate: 0.5 });
    const healed = setTimeout(() => bench.sim.cloud.netFaults.set({}), 2_500);
    const log = memoryLogger();
    const result = await liftFence(waitDeps(log.logger), { attrdValue: "no", service: fencedService }, { signal: new AbortController().signal, retryMs: 100 })
      .finally(() => {
        clearTimeout(healed);
        bench.sim.cloud.netFaults.set({});
      });
    expect(result.status).toBe("enabled");
    expect(result.forcedDown).not.toBe("still-set");
    expect(await service()).toMatchObject({ forcedDown: false, status: "enabled" });
    expect(log.text()).toMatch(/ECONNRESET.*trying again/);
  });

  it("stops trying when the operation is stopped, with the last error", async () => {
    await fenced(DONE);
    const fencedService = await service();
    bench.sim.cloud.netFaults.set({ faultRate: 1, kinds: ["reset"], services: ["compute"] });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error("SIGTERM")), 3_000);
    try {
      const log = memoryLogger();
      await expect(liftFence(waitDeps(log.logger), { attrdValue: "no", service: fencedService }, { signal: abort.signal, retryMs: 100 })).rejects.toThrow(/ECONNRESET/);
      // Several tries, one line per distinct failure: forced_down's, then (never reached here) the enable's.
      expect(log.text().match(/trying again/g)).toHaveLength(1);
    } finally {
      bench.sim.cloud.netFaults.set({});
    }
  });

  it("has nothing to lift for a host Nova does not list", async () => {
    expect(await liftFence(waitDeps(), { attrdValue: "", service: undefined })).toEqual({ status: "unknown-host", forcedDown: "was-clear" });
  });
});

describe("shownValue", () => {
  it("cuts a long value to one short line", () => {
    expect(shownValue(`a\nb${"x".repeat(500)}`)).toMatch(/^a bx{37}… \(503 characters\)$/);
    expect(shownValue("true")).toBe("true");
  });
});
