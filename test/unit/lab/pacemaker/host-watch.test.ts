// HostWatch merges attrd's log with what it polls, so a value that lived shorter than a poll is still seen.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ServiceView } from "../../../sim/cloud-state.js";
import { HostWatch } from "../../../lab/pacemaker/host-watch.js";
import { Timeline } from "../../../lab/lab-timeline.js";
import type { SimControl } from "../../../lab/pacemaker/sim-process.js";

const HOST = "compute-1";
const service: ServiceView = {
  id: 1, uuid: "svc-1", host: HOST, binary: "nova-compute", status: "disabled", state: "down", forcedDown: true,
  disabledReason: "nova-ha:fenced at=x by=vm", reasonHistory: [], lastHeartbeat: 0,
};
/** A simulator with one service and no servers: only the flag matters here. */
const nova = { servers: async () => [], services: async () => [service], migrations: async () => [] } as unknown as SimControl;

/** attrd's log line for one write, as pacemaker-attrd prints it. */
function setting(from: string, to: string): string {
  return `Nov 21 11:11:52.329 vm pacemaker-attrd     [1] (update_attr_on_host) \tnotice: Setting evacuate[${HOST}]: ${from} -> ${to} | from vm with no write delay\n`;
}

describe("HostWatch flags", () => {
  const dirs: string[] = [];
  const watches: HostWatch[] = [];
  afterEach(async () => {
    for (const watch of watches.splice(0)) await watch.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A watch over a log file of our own and an attrd whose value the test sets. */
  async function watchWith(): Promise<{ watch: HostWatch; log: string; attrd: { value?: string }; timeline: Timeline }> {
    const dir = mkdtempSync(join(tmpdir(), "host-watch-"));
    dirs.push(dir);
    const log = join(dir, "pacemaker.log");
    writeFileSync(log, "an older line from before the watch\n");
    const attrd: { value?: string } = {};
    const probe = { attrd: async () => new Map(attrd.value === undefined ? [] : [[HOST, attrd.value]]) };
    const timeline = new Timeline();
    const watch = await HostWatch.start(HOST, probe, nova, timeline, 60_000, log);
    watches.push(watch);
    return { watch, log, attrd, timeline };
  }

  it("keeps an in-progress value that attrd logged and a purge removed before the next poll", async () => {
    const { watch, log, attrd, timeline } = await watchWith();
    appendFileSync(log, setting("(unset)", "yes"));
    attrd.value = "yes";
    await watch.pollNow();
    appendFileSync(log, setting("yes", "vm@1795259512"));
    attrd.value = undefined; // the reconnect's purge: attrd logs no Setting line for it
    await watch.pollNow();
    appendFileSync(log, setting("(unset)", "no"));
    attrd.value = "no";
    await watch.pollNow();
    expect(watch.flags).toEqual(["yes", "vm@1795259512", "", "no"]);
    expect(timeline.at(`${HOST} flag in progress`)).toBeDefined();
  });

  it("reads a line only once it is complete, and no line twice", async () => {
    const { watch, log, attrd } = await watchWith();
    const line = setting("(unset)", "yes");
    appendFileSync(log, line.slice(0, 40));
    await watch.pollNow();
    expect(watch.flags).toEqual([]);
    appendFileSync(log, line.slice(40));
    attrd.value = "yes";
    await watch.pollNow();
    await watch.pollNow();
    expect(watch.flags).toEqual(["yes"]);
  });
});
