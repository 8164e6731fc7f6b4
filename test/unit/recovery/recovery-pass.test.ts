// One NovaEvacuate pass against the simulator: which hosts it picks up, and the state it leaves in attrd and Nova.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OpenStackConnection } from "../../../src/openstack/connect.js";
import { tryExclusiveLock } from "../../../src/kit/exclusive-lock.js";
import { parseNovaMarker } from "../../../src/recovery/host/nova-marker.js";
import { recoveryPass, type PassDeps } from "../../../src/recovery/recovery-pass.js";
import { EVACUABLE } from "../../sim/index.js";
import { MemoryAttrd } from "./memory-attrd.js";
import { connect, doubleEvacuations, evacuatePosts, fenceInSim, quiet, SIM_LATENCY_MS, simRun, startFastSimulator, useSimulator, type Simulator } from "./sim-harness.js";

const NODE = "ctl-1";

describe("recoveryPass against the simulator", () => {
  let sim: Simulator;
  let openstack: OpenStackConnection;
  useSimulator((bench) => ({ sim, openstack } = bench));
  beforeEach(() => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 6, shutoffEvery: 3 });
    sim.cloud.resetCounts();
  });
  afterEach(() => {
    sim.cloud.config.evacuateLatencyMs = SIM_LATENCY_MS;
    sim.cloud.config.unschedulable = {};
  });

  /** The pass's dependencies with this attrd. */
  function deps(attrd: MemoryAttrd, extra: Partial<PassDeps> = {}): PassDeps {
    return { openstack, attrd, log: quiet, node: NODE, failures: new Map(), ...extra };
  }

  /** The Nova marker of a host's nova-compute service. */
  function markerOf(host: string): ReturnType<typeof parseNovaMarker> {
    return parseNovaMarker(sim.cloud.services().find((service) => service.host === host && service.binary === "nova-compute")?.disabledReason);
  }

  it.each<{ title: string; attrd: Record<string, string>; marker: boolean; writes: (at: string) => string[][] }>([
    { title: "attrd evacuate=yes", attrd: { "compute-1": "yes" }, marker: false, writes: (at: string) => [["compute-1", at], ["compute-1", "no"]] },
    { title: "a stale in-progress value <node>@<epoch> in attrd", attrd: { "compute-1": "ctl-2@1714557600" }, marker: false, writes: () => [["compute-1", "no"]] },
    { title: "Nova's marker alone, attrd having lost the value", attrd: {}, marker: true, writes: (at: string) => [["compute-1", at], ["compute-1", "no"]] },
  ])("recovers a host flagged by $title and records the outcome in attrd and Nova", async ({ attrd: initial, marker, writes }) => {
    await fenceInSim(sim, openstack, "compute-1", { marker });
    const attrd = new MemoryAttrd(initial);
    const phases: string[] = [];
    const started = Math.floor(Date.now() / 1000);
    const result = await recoveryPass(
      deps(attrd, { onProgress: () => void phases.push(JSON.stringify(markerOf("compute-1"))) }),
      simRun(),
    );

    expect(result.skipped).toEqual([]);
    expect(result.attrdUnavailable).toBe(false);
    expect(result.reports).toHaveLength(1);
    expect(result.reports[0]).toMatchObject({ host: "compute-1", done: true, recovered: 6, failed: 0 });
    expect(sim.cloud.serversOnHost("compute-1")).toEqual([]);

    const inProgress = attrd.writes.find(([, value]) => value !== "no")?.[1] ?? `${NODE}@${started}`;
    expect(inProgress).toMatch(new RegExp(`^${NODE}@\\d+$`));
    expect(Number(inProgress.split("@")[1])).toBeGreaterThanOrEqual(started);
    expect(attrd.writes).toEqual(writes(inProgress));
    expect(attrd.values.get("compute-1")).toBe("no");

    const during = phases.map((text) => JSON.parse(text) as ReturnType<typeof parseNovaMarker>);
    expect(during.length).toBeGreaterThan(0);
    for (const seen of during) expect(seen).toMatchObject({ kind: "ours", phase: "evacuating", fields: { by: NODE } });
    expect(markerOf("compute-1")).toMatchObject({ kind: "ours", phase: "evacuated", fields: { recovered: "6", failed: "0", skipped: "0" } });
  });

  it("records as the failure time Nova's own time of fence_compute's marker, not the fencing node's clock", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    const fenced = markerOf("compute-1");
    expect(fenced).toMatchObject({ kind: "ours", phase: "fenced" });
    const [service] = await openstack.compute.listServices({ host: "compute-1" });
    let evacuating: ReturnType<typeof parseNovaMarker> | undefined;
    await recoveryPass(deps(new MemoryAttrd({ "compute-1": "yes" }), { onProgress: () => void (evacuating ??= markerOf("compute-1")) }), simRun());
    expect(evacuating).toMatchObject({ kind: "ours", phase: "evacuating", fields: { since: new Date(`${service?.updatedAt ?? ""}Z`).toISOString() } });
  });

  it("finishes from Nova's marker when attrd loses its value mid-recovery, without evacuating anything twice", async () => {
    sim.cloud.config.evacuateLatencyMs = 400;
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const first = await recoveryPass(deps(attrd), simRun({ deadline: Date.now() + 150 }));
    expect(first.reports[0]).toMatchObject({ done: false });
    expect(markerOf("compute-1")).toMatchObject({ kind: "ours", phase: "evacuating" });

    attrd.values.clear(); // the remote node reconnected: attrd dropped every value of compute-1
    const second = await recoveryPass(deps(attrd), simRun());
    expect(second.reports[0]).toMatchObject({ host: "compute-1", done: true, recovered: 6 });
    expect(attrd.values.get("compute-1")).toBe("no");
    expect(markerOf("compute-1")).toMatchObject({ kind: "ours", phase: "evacuated" });
    expect(evacuatePosts(sim).size).toBe(6);
    expect(doubleEvacuations(sim)).toEqual([]);
  });

  it("records a host done as soon as it is, while another host of the same pass is still being recovered", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    await fenceInSim(sim, openstack, "compute-2");
    sim.cloud.injectFailure({ kind: "slow-rebuild", host: "compute-2", delayMs: 1_500 });
    const attrd = new MemoryAttrd({ "compute-1": "yes", "compute-2": "yes" });
    let seenWhileSlowRan: { flag?: string; marker: string; slowHostLeft: number } | undefined;
    const result = await recoveryPass(deps(attrd, {
      onProgress: () => {
        if (seenWhileSlowRan || attrd.values.get("compute-1") !== "no") return;
        const marker = markerOf("compute-1");
        seenWhileSlowRan = { flag: attrd.values.get("compute-1"), marker: marker.kind === "ours" ? marker.phase : marker.kind, slowHostLeft: sim.cloud.serversOnHost("compute-2").length };
      },
    }), simRun());

    expect(result.reports.map((report) => [report.host, report.done, report.recovered])).toEqual([["compute-1", true, 6], ["compute-2", true, 6]]);
    // compute-1 was "no" and evacuated in Nova while compute-2's instances were still on it, rebuilding.
    expect(seenWhileSlowRan).toEqual({ flag: "no", marker: "evacuated", slowHostLeft: 6 });
    expect(attrd.values.get("compute-2")).toBe("no");
    expect(markerOf("compute-2")).toMatchObject({ kind: "ours", phase: "evacuated" });
    // Each host's in-progress value came before its "no", and each was written once.
    for (const host of ["compute-1", "compute-2"]) {
      expect(attrd.writes.filter(([written]) => written === host).map(([, value]) => (value === "no" ? "no" : "in progress"))).toEqual(["in progress", "no"]);
    }
  });

  it("takes in a host fenced while the pass runs, recovers it in the same pass, and never evacuates twice", async () => {
    // compute-2 is about to fail: an evacuation sent to it would wait for it to come back (Nova's queued rebuild), and
    // a second request meanwhile could rebuild the instance twice; so no evacuation of compute-1 goes there.
    sim.cloud.config.unschedulable = { "compute-2": true };
    await fenceInSim(sim, openstack, "compute-1");
    sim.cloud.injectFailure({ kind: "slow-rebuild", host: "compute-1", delayMs: 1_000 });
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    let fencing: Promise<void> | undefined;
    const result = await recoveryPass(deps(attrd, {
      onProgress: () => {
        // compute-2 fails after the pass picked up compute-1: fence_compute flags it and forces it down.
        fencing ??= fenceInSim(sim, openstack, "compute-2").then(() => void attrd.values.set("compute-2", "yes"));
      },
    }), simRun({ pollIntervalMs: 100 }));
    await fencing;

    expect(result.reports.map((report) => [report.host, report.done, report.recovered])).toEqual([["compute-1", true, 6], ["compute-2", true, 6]]);
    expect(sim.cloud.serversOnHost("compute-2")).toEqual([]);
    expect(attrd.values.get("compute-2")).toBe("no");
    expect(attrd.writes.filter(([host]) => host === "compute-2").map(([, value]) => value)).toEqual([expect.stringMatching(new RegExp(`^${NODE}@\\d+$`)), "no"]);
    expect(markerOf("compute-2")).toMatchObject({ kind: "ours", phase: "evacuated" });
    expect(doubleEvacuations(sim)).toEqual([]);
  });

  it("lets one of two passes started together recover the host, and the other leave it alone", async () => {
    sim.cloud.config.evacuateLatencyMs = 300;
    await fenceInSim(sim, openstack, "compute-1");
    const lock = join(mkdtempSync(join(tmpdir(), "nova-ha-pass-")), "pass.lock");
    const exclusive = () => tryExclusiveLock(lock);
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const results = await Promise.all([recoveryPass(deps(attrd, { exclusive }), simRun()), recoveryPass(deps(attrd, { exclusive }), simRun())]);

    expect(results.map((result) => result.reports.length).sort()).toEqual([0, 1]);
    expect(results.some((result) => result.busy)).toBe(true);
    expect([...evacuatePosts(sim).values()]).toEqual(Array(6).fill(1));
    expect(doubleEvacuations(sim)).toEqual([]);
    expect(attrd.values.get("compute-1")).toBe("no");
  });

  it("keeps the selection decided when the host was picked up, in Nova's marker, even once the tags change", async () => {
    sim.cloud.seed({ hosts: 3, serversPerHost: 6, taggedImage: true });
    const image = sim.cloud.images().find((item) => item.name === EVACUABLE.imageName);
    if (!image) throw new Error("no tagged image");
    const onHost = sim.cloud.serversOnHost("compute-1");
    const tagged = onHost.filter((server) => server.imageId === image.id).map((server) => server.uuid);
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.length).toBeLessThan(onHost.length);
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    // Long enough that the second pass looks before any destination claims: Nova then shows these evacuations only by
    // their task state (a just-accepted record has no updated_at, and changes-since skips it).
    sim.cloud.config.evacuateLatencyMs = 3_000;
    const first = await recoveryPass(deps(attrd), simRun({ deadline: Date.now() + 500 }));
    expect(first.reports[0]).toMatchObject({ done: false });
    expect(markerOf("compute-1")).toMatchObject({ kind: "ours", phase: "evacuating", fields: { select: "tagged" } });

    // The image loses its tag before the next monitor: a fresh look would find nothing tagged and take everything.
    image.tags = [];
    const result = await recoveryPass(deps(attrd), simRun());
    expect(result.reports[0]).toMatchObject({ done: true, recovered: tagged.length, skipped: onHost.length - tagged.length });
    expect(new Set(evacuatePosts(sim).keys())).toEqual(new Set(tagged));
  });

  it("leaves a service enabled that a peer's unfencing re-enabled while the recovery ran, and still clears attrd", async () => {
    sim.cloud.config.evacuateLatencyMs = 400;
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    let unfenced: Promise<unknown> | undefined;
    await recoveryPass(deps(attrd, {
      onProgress: () => {
        unfenced ??= openstack.compute.listServices({ host: "compute-1" }).then(([service]) => service && openstack.compute.enable(service));
      },
    }), simRun());
    await unfenced;
    const [service] = await openstack.compute.listServices({ host: "compute-1" });
    expect(service).toMatchObject({ status: "enabled", disabledReason: null });
    expect(attrd.values.get("compute-1")).toBe("no");
  });

  it("does not take in, while it runs, a flagged host that is not fenced, and warns about it once", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    sim.cloud.injectFailure({ kind: "slow-rebuild", host: "compute-1", delayMs: 1_000 });
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const result = await recoveryPass(deps(attrd, { onProgress: () => void attrd.values.set("compute-2", "yes") }), simRun({ pollIntervalMs: 100 }));

    expect(result.reports.map((report) => report.host)).toEqual(["compute-1"]);
    expect(result.skipped).toEqual([{ host: "compute-2", reason: expect.stringMatching(/not fenced/) }]);
    expect(sim.cloud.migrations({ sourceCompute: "compute-2" })).toEqual([]);
    expect(attrd.values.get("compute-2")).toBe("yes");
  });

  it("waits evacuate_delay from the first pick-up before evacuating, across passes", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const pickedUp = Date.now();
    const first = await recoveryPass(deps(attrd), simRun({ evacuateDelayMs: 1_000, deadline: Date.now() + 400 }));
    expect(first.reports[0]).toMatchObject({ done: false, pending: 6, submitted: 0 });
    expect(evacuatePosts(sim).size).toBe(0);

    const resumedAt = Date.now();
    const second = await recoveryPass(deps(attrd), simRun({ evacuateDelayMs: 1_000 }));
    expect(second.reports[0]).toMatchObject({ done: true, recovered: 6 });
    const posts = sim.cloud.requests().filter((entry) => entry.method === "POST" && entry.path.endsWith("/action"));
    const firstPost = Math.min(...posts.map((entry) => entry.at));
    expect(firstPost).toBeGreaterThanOrEqual(pickedUp + 1_000);
    expect(firstPost).toBeLessThan(resumedAt + 1_000); // the delay did not start over with the second pass
  });

  it("works from Nova's markers alone when attrd cannot be read", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    attrd.broken = true;
    const result = await recoveryPass(deps(attrd), simRun());
    expect(result.attrdUnavailable).toBe(true);
    expect(result.reports[0]).toMatchObject({ host: "compute-1", done: true, recovered: 6 });
    expect(markerOf("compute-1")).toMatchObject({ kind: "ours", phase: "evacuated" });
  });

  it("matches attrd's short node name to Nova's fully qualified host", async () => {
    sim.cloud.seed({ hosts: ["compute-1.example.com", "compute-2.example.com"], serversPerHost: 3 });
    await fenceInSim(sim, openstack, "compute-1.example.com", { marker: false });
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    const result = await recoveryPass(deps(attrd), simRun());
    expect(result.reports[0]).toMatchObject({ host: "compute-1.example.com", done: true, recovered: 3 });
    expect(attrd.writes.map(([host]) => host)).toEqual(["compute-1", "compute-1"]);
    expect(attrd.values.get("compute-1")).toBe("no");
  });

  it.each([
    { title: "whose nova-compute runs", prepare: () => undefined },
    { title: "that is dead but neither forced down nor yet reported down", prepare: () => sim.cloud.killHost("compute-2") },
  ])("leaves alone a flagged host $title", async ({ prepare }) => {
    prepare();
    const attrd = new MemoryAttrd({ "compute-2": "yes" });
    const result = await recoveryPass(deps(attrd), simRun());
    expect(result.reports).toEqual([]);
    expect(result.skipped).toEqual([{ host: "compute-2", reason: expect.stringContaining("not fenced") }]);
    expect(evacuatePosts(sim).size).toBe(0);
    expect(sim.cloud.serversOnHost("compute-2")).toHaveLength(6);
    expect(markerOf("compute-2")).toEqual({ kind: "none" });
    expect(attrd.writes).toEqual([]);
  });

  it("reports a flagged host Nova does not know", async () => {
    const result = await recoveryPass(deps(new MemoryAttrd({ "compute-9": "yes", "compute-1": "no" })), simRun());
    expect(result.reports).toEqual([]);
    expect(result.skipped).toEqual([{ host: "compute-9", reason: expect.stringContaining("no nova-compute service") }]);
  });

  it("ignores a host whose recovery Nova's marker says is finished", async () => {
    await fenceInSim(sim, openstack, "compute-1");
    const attrd = new MemoryAttrd({ "compute-1": "yes" });
    await recoveryPass(deps(attrd), simRun());
    sim.cloud.resetCounts();
    const again = await recoveryPass(deps(attrd), simRun());
    expect(again.reports).toEqual([]);
    expect(sim.cloud.counts().byService.compute).toBe(1);
  });
});

describe("an idle recoveryPass", () => {
  it("costs exactly one Nova request once the token cache is warm", async () => {
    const sim = await startFastSimulator();
    const dir = mkdtempSync(join(tmpdir(), "nova-ha-pass-"));
    const cachePath = join(dir, "token.json");
    try {
      (await connect(sim, cachePath)).close(); // authenticates and negotiates, then fills the cache
      sim.cloud.resetCounts();
      const openstack = await connect(sim, cachePath);
      try {
        const result = await recoveryPass({ openstack, attrd: new MemoryAttrd({ "compute-1": "no" }), log: quiet, node: NODE }, simRun());
        expect(result).toEqual({ reports: [], skipped: [], attrdUnavailable: false });
        const counts = sim.cloud.counts();
        expect(counts.total).toBe(1);
        expect(Object.keys(counts.byRoute)).toEqual(["GET /compute/v2.1/os-services"]);
        expect(openstack.requestCounts).toMatchObject({ compute: 1 });
      } finally {
        openstack.close();
      }
    } finally {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
