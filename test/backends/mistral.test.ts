// Mistral 15 on the real Nova lab: our workflow recovers a fenced compute through MistralDriver, also with the API down at fencing time and with mistral-engine killed mid-run.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { novaHa } from "../../src/cli/nova-ha.js";
import { createMistralApi } from "../../src/openstack/mistral/mistral-api.js";
import { MistralDriver } from "../../src/recovery/drivers/mistral-driver.js";
import { requireLab, type LabSession } from "../nova/lab.js";
import { getServer, waitForServer } from "../nova/lab-compute.js";
import { driveToEnd, evacuationsPerInstance, fenceCompute, LAB_ENV, labBackendSession, labScript, restoreHost, verifyRecovered } from "./backend-lab.js";
import { pino } from "pino";
import { attrdUpdater } from "../../src/pacemaker/attrd.js";

const WORKFLOW = resolve(import.meta.dirname, "../../share/workflows/nova-ha-host-evacuate.yaml");
let lab: LabSession;
let backend: Awaited<ReturnType<typeof labBackendSession>>;
let driver: MistralDriver;

beforeAll(async () => {
  lab = await requireLab();
  await labScript("mistral-up.sh");
  const cli = { env: LAB_ENV, makeLog: () => pino({ level: "silent" }), attrd: () => attrdUpdater() };
  const installed = await novaHa(["mistral", "install-workflow", "--file", WORKFLOW], cli);
  expect(installed.stderr ?? "").toBe("");
  expect(installed.stdout).toMatch(/^workflow nova-ha-host-evacuate (created|updated) /);
  backend = await labBackendSession("mistral");
  driver = new MistralDriver(createMistralApi(backend.session));
});
afterAll(() => backend?.close());

describe("Mistral back-end on the real lab", () => {
  it("install-workflow updates the workflow that exists", async () => {
    const cli = { env: LAB_ENV, makeLog: () => pino({ level: "silent" }), attrd: () => attrdUpdater() };
    const again = await novaHa(["mistral", "install-workflow", "--file", WORKFLOW], cli);
    expect(again.stdout).toMatch(/^workflow nova-ha-host-evacuate updated /);
    expect(readFileSync(WORKFLOW, "utf8")).toContain("nova-ha-host-evacuate:");
  });

  it("recovers a fenced compute: every server evacuated once, on another host, in its old state", async () => {
    const fenced = await fenceCompute(lab, 2);
    try {
      const run = await driveToEnd(driver, fenced.driverHost, 300_000);
      console.log(`mistral: fenced -> ${run.last.state} in ${(run.ms / 1000).toFixed(1)} s; ${JSON.stringify(run.seen)}`);
      expect(run.last).toMatchObject({ state: "done", recovered: fenced.servers.length, failed: 0 });
      expect((await verifyRecovered(lab, fenced)).filter((r) => !r.ok)).toEqual([]);
      const evacuations = await evacuationsPerInstance(lab, fenced.driverHost.host, fenced.driverHost.fencedAt);
      expect(fenced.servers.map((s) => evacuations.get(s.id))).toEqual(fenced.servers.map(() => 1));
      // Asked again (another controller, a later monitor): the same execution, nothing sent again.
      expect(await driver.advance(fenced.driverHost, new AbortController().signal)).toEqual(run.last);
    } finally {
      await restoreHost(lab, 2, fenced.servers);
    }
  });

  it("stays pending while mistral-api is down at fencing time, then recovers once it is back", async () => {
    await labScript("backends-down.sh", ["mistral-api"]);
    let fenced;
    try {
      fenced = await fenceCompute(lab, 3);
      const whileDown = await driver.advance(fenced.driverHost, new AbortController().signal);
      expect(whileDown.state).toBe("pending");
      expect(whileDown.detail).toMatch(/^Mistral could not be asked, retrying: /);
    } finally {
      await labScript("mistral-up.sh");
    }
    try {
      const run = await driveToEnd(driver, fenced.driverHost, 300_000);
      console.log(`mistral, API back: ${run.last.state} in ${(run.ms / 1000).toFixed(1)} s`);
      expect(run.last).toMatchObject({ state: "done", recovered: fenced.servers.length, failed: 0 });
      const evacuations = await evacuationsPerInstance(lab, fenced.driverHost.host, fenced.driverHost.fencedAt);
      expect(fenced.servers.map((s) => evacuations.get(s.id))).toEqual(fenced.servers.map(() => 1));
    } finally {
      await restoreHost(lab, 3, fenced.servers);
    }
  });

  it("finishes after mistral-engine is killed mid-run and restarted, each server evacuated once", async () => {
    const fenced = await fenceCompute(lab, 1);
    try {
      const started = await driver.advance(fenced.driverHost, new AbortController().signal);
      expect(started.state).toBe("running");
      await labScript("backends-down.sh", ["mistral-engine", "--kill"]);
      await new Promise((r) => setTimeout(r, 5_000));
      expect((await driver.advance(fenced.driverHost, new AbortController().signal)).ref).toBe(started.ref);
      await labScript("mistral-up.sh");
      const run = await driveToEnd(driver, fenced.driverHost, 300_000);
      console.log(`mistral, engine killed: ${run.last.state} ${run.last.detail ?? ""} ${(run.ms / 1000).toFixed(1)} s after the restart`);
      expect(run.last).toMatchObject({ state: "done", recovered: fenced.servers.length, failed: 0 });
      const evacuations = await evacuationsPerInstance(lab, fenced.driverHost.host, fenced.driverHost.fencedAt);
      expect(fenced.servers.map((s) => evacuations.get(s.id))).toEqual(fenced.servers.map(() => 1));
    } finally {
      await labScript("mistral-up.sh");
      await restoreHost(lab, 1, fenced.servers);
    }
  });
  it("ends ERROR with a reason per instance when evacuations fail, after a bounded number of rounds (on_shared_storage with the fake driver)", async () => {
    // With Nova's fake driver, onSharedStorage=true fails every evacuation ("Invalid state of instance files on shared storage").
    const fenced = await fenceCompute(lab, 3, true);
    try {
      const run = await driveToEnd(driver, fenced.driverHost, 300_000);
      console.log(`mistral, evacuations failing: ${run.last.state} in ${(run.ms / 1000).toFixed(1)} s; ${run.last.detail ?? ""}`);
      expect(run.last).toMatchObject({ state: "failed", recovered: 0, failed: fenced.servers.length });
      for (const s of fenced.servers) expect(run.last.detail).toContain(`${s.id}: status ERROR`);
      const evacuations = await evacuationsPerInstance(lab, fenced.driverHost.host, fenced.driverHost.fencedAt);
      // max_attempts = 2 rounds: each server evacuated exactly twice, never more.
      expect(fenced.servers.map((s) => evacuations.get(s.id))).toEqual(fenced.servers.map(() => 2));
      // A new failure id (the operator's retry) without shared storage recovers them.
      const retry = { ...fenced.driverHost, failureId: `${fenced.driverHost.failureId}-retry`, onSharedStorage: false };
      expect((await driveToEnd(driver, retry, 300_000)).last).toMatchObject({ state: "done", recovered: fenced.servers.length, failed: 0 });
    } finally {
      await restoreHost(lab, 3, fenced.servers);
      for (const s of fenced.servers.filter((x) => x.status === "SHUTOFF")) {
        const now = await getServer(lab, s.id);
        if (now?.status === "ACTIVE") {
          await lab.nova(`/servers/${s.id}/action`, { method: "POST", version: "2.1", body: { "os-stop": null } });
          await waitForServer(lab, s.id, { status: "SHUTOFF" });
        }
      }
    }
  });
});
