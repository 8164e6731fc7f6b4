// Following hosts on a recovery back-end: the real drivers against Masakari and Mistral fakes over HTTP.
import { afterEach, describe, expect, it } from "vitest";
import { createMasakariApi } from "../../../src/openstack/masakari/masakari-api.js";
import { createMistralApi } from "../../../src/openstack/mistral/mistral-api.js";
import { followBackends, type BackendDeps, type BackendTarget } from "../../../src/recovery/backend-recovery.js";
import { MasakariDriver } from "../../../src/recovery/drivers/masakari-driver.js";
import { executionIdOf, MistralDriver } from "../../../src/recovery/drivers/mistral-driver.js";
import type { RecoveryDriver } from "../../../src/recovery/drivers/recovery-driver.js";
import type { HostReport } from "../../../src/recovery/engine/recovery-report.js";
import { memoryLogger } from "../openstack/fake-server.js";
import { fakeMasakari } from "../openstack/masakari/fake-masakari.js";
import { startFakeBackends, type FakeBackends } from "../openstack/masakari/fake-backends.js";
import { fakeMistral } from "../openstack/mistral/fake-mistral.js";

const SINCE = new Date("2026-12-07T03:00:00.000Z");
const target = (host: string, extra: Partial<BackendTarget> = {}): BackendTarget => ({ host, driver: "masakari", since: SINCE, startedAt: Date.now(), ...extra });

let fake: FakeBackends | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Deps that record every hand-over and every host done. */
function recording(driverFor: (name: "masakari" | "mistral") => RecoveryDriver, extra: Partial<BackendDeps> = {}) {
  const log = memoryLogger();
  const handOvers: Array<[string, Record<string, string>]> = [];
  const done: Array<[HostReport, Record<string, string>]> = [];
  const deps: BackendDeps = {
    log: log.logger, driverFor, onSharedStorage: false, stallAfterMs: 60_000,
    onHandOver: async (host, fields) => void handOvers.push([host, fields]),
    onHostDone: async (report, fields) => void done.push([report, fields]),
    ...extra,
  };
  return { deps, handOvers, done, log };
}

/** The hand-overs recorded, each distinct one once (the pass is asked at every poll and writes only what changed). */
const distinct = (handOvers: Array<[string, Record<string, string>]>) =>
  handOvers.filter(([host, fields], i) => !handOvers.slice(0, i).some(([h, f]) => h === host && JSON.stringify(f) === JSON.stringify(fields)));

const run = (ms: number) => ({ deadline: Date.now() + ms, signal: new AbortController().signal, pollIntervalMs: 20 });

describe("followBackends", () => {
  it("hands a host to Masakari once, records the notification id, and records the host done when Masakari finishes", async () => {
    const m = fakeMasakari({ details: ["Successfully evacuate instances 'a,b' from host 'compute-2'"] });
    fake = await startFakeBackends((req) => {
      const reply = m.handler(req);
      // The third look at the notification sees it finished.
      if (m.notifications[0] && fake!.calls("masakari").filter((c) => c.path === "/notifications/n-1").length >= 3) m.notifications[0].status = "finished";
      return reply;
    });
    const driver = new MasakariDriver(createMasakariApi(fake.session("masakari")));
    const r = recording(() => driver);
    const reports = await followBackends(r.deps, [target("compute-2")], run(5_000));
    expect(reports).toEqual([expect.objectContaining({ host: "compute-2", done: true, recovered: 2, failed: 0 })]);
    expect(distinct(r.handOvers)).toEqual([["compute-2", { driver: "masakari", ref: "n-1", state: "running" }]]);
    expect(r.done).toEqual([[expect.objectContaining({ host: "compute-2", done: true }), { driver: "masakari", ref: "n-1", outcome: "done" }]]);
    expect(fake.calls("masakari").filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("leaves a host pending, recorded so, while the back-end is down, and stops at the deadline", async () => {
    fake = await startFakeBackends(() => ({ status: 503, body: {} }));
    const driver = new MasakariDriver(createMasakariApi(fake.session("masakari")));
    const r = recording(() => driver);
    const reports = await followBackends(r.deps, [target("compute-2")], run(300));
    expect(reports).toEqual([expect.objectContaining({ host: "compute-2", done: false, pending: 1 })]);
    expect(distinct(r.handOvers)).toEqual([["compute-2", { driver: "masakari", state: "pending" }]]);
    expect(r.done).toEqual([]);
    expect(r.log.text()).toContain("back-end not reachable or refusing; the host stays pending");
  });

  it("reports a recovery running past the stall limit as stalled, follows it on, and never sends it again", async () => {
    const m = fakeMasakari();
    m.notifications.push({ notification_uuid: "n-9", status: "running", type: "COMPUTE_HOST", generated_time: "2026-12-07T03:00:00.000000", source_host_uuid: "h-2" });
    fake = await startFakeBackends(m.handler);
    const driver = new MasakariDriver(createMasakariApi(fake.session("masakari")));
    const r = recording(() => driver, { stallAfterMs: 1_000 });
    const reports = await followBackends(r.deps, [target("compute-2", { ref: "n-9", startedAt: Date.now() - 5_000 })], run(200));
    expect(reports[0]).toMatchObject({ done: false, inProgress: 1 });
    expect(distinct(r.handOvers)).toEqual([["compute-2", { driver: "masakari", ref: "n-9", state: "stalled" }]]);
    expect(r.log.text()).toMatch(/stalled.*never started again/);
    expect(fake.calls("masakari").filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("follows a Mistral execution to its failure and records the outcome failed with its counts", async () => {
    const m = fakeMistral();
    fake = await startFakeBackends(m.handler);
    const driver = new MistralDriver(createMistralApi(fake.session("mistral")));
    const id = executionIdOf("compute-1", `compute-1@${SINCE.toISOString()}`);
    const r = recording(() => driver, {
      onHandOver: async () => {
        const e = m.executions.get(id);
        if (e) Object.assign(e, { state: "ERROR", output: JSON.stringify({ recovered: ["a"], failed: { b: "status ERROR" } }) });
      },
    });
    const reports = await followBackends(r.deps, [target("compute-1", { driver: "mistral" })], run(5_000));
    expect(reports[0]).toMatchObject({ host: "compute-1", done: true, recovered: 1, failed: 1 });
    expect(r.done.map(([, fields]) => fields)).toEqual([{ driver: "mistral", ref: id, outcome: "failed" }]);
  });

  it("takes in hosts found while it follows, and asks for them with the failure's time as id", async () => {
    const m = fakeMasakari();
    fake = await startFakeBackends(m.handler);
    const driver = new MasakariDriver(createMasakariApi(fake.session("masakari")));
    let offered = false;
    const r = recording(() => driver, {
      discover: async (known) => {
        if (offered || !known.has("compute-2")) return [];
        offered = true;
        return [target("compute-3")];
      },
    });
    await followBackends(r.deps, [target("compute-2")], run(300));
    expect(distinct(r.handOvers).map(([host, fields]) => [host, fields.ref])).toEqual([["compute-2", "n-1"], ["compute-3", "n-2"]]);
    expect(m.notifications.map((n) => n.generated_time)).toEqual(["2026-12-07T03:00:00.000000", "2026-12-07T03:00:00.000000"]);
  });
});
