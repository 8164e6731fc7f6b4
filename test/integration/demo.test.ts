// The README's main command, end to end: `bash scripts/demo.sh` without a terminal, to the end and interrupted.
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lab/lab-bundles.js";
import { releaseSharedLab } from "./lab-fixture.js";

/** Processes and namespaces of the lab still present: empty when everything was torn down. */
async function leftovers(): Promise<string[]> {
  const pacemaker = await execa("pgrep", ["-a", "pacemaker"], { reject: false });
  const corosync = await execa("pgrep", ["-a", "corosync"], { reject: false });
  const tools = await execa("pgrep", ["-af", "nova-sim\\.mjs|lab-nova-compute\\.mjs"], { reject: false });
  const netns = await execa("ip", ["netns", "list"], { reject: false });
  return [
    ...pacemaker.stdout.split("\n"),
    ...corosync.stdout.split("\n"),
    ...tools.stdout.split("\n"),
    ...netns.stdout.split("\n").filter((line) => line.startsWith("nha-")),
  ].filter((line) => line.trim() !== "" && !line.includes("<defunct>")); // PID 1 here reaps orphans late
}

/** The demo as a user runs it, with stdout a pipe (plain progress lines). */
function demo(...args: string[]) {
  return execa("bash", ["scripts/demo.sh", "--instances", "12", ...args], { cwd: REPO_ROOT, all: true, reject: false, timeout: 540_000, env: { NO_COLOR: "1" } });
}

describe("npm run demo", () => {
  // The demo brings up its own lab: the one the other files share must be down (lab-order.ts runs the demo first).
  beforeAll(releaseSharedLab, 300_000);

  it("recovers every instance of the failed node, prints the timeline and the summary, and leaves nothing running", async () => {
    expect(await leftovers(), "a lab is already running; the demo needs the machine to itself").toEqual([]);
    const run = await demo();
    const out = run.all ?? "";
    expect(run.exitCode, out.slice(-4000)).toBe(0);
    expect(out).not.toMatch(/\x1b\[/);
    const timeline = out.slice(out.indexOf("timeline (seconds after compute-1 was powered off)"));
    for (const label of [
      "compute-1 powered off", "fenced by its power device (power-compute-1 off)", "fence_compute off (fence-nova)",
      "first evacuation accepted by Nova", "all 4 instances recovered", "flag cleared in attrd",
      "unfenced (fence-nova on): evacuation done", "NovaCompute started nova-compute on compute-1",
      "compute-1's nova-compute up, enabled, not forced down",
    ]) expect(timeline).toContain(label);
    // the order the agents promise: fenced before any evacuation, recovered before the unfencing lets the node back
    const position = (label: string): number => timeline.indexOf(label);
    expect(position("fence_compute off")).toBeLessThan(position("first evacuation"));
    expect(position("all 4 instances recovered")).toBeLessThan(position("unfenced"));
    expect(position("unfenced")).toBeLessThan(position("NovaCompute started"));
    expect(out).toMatch(/recovered\s+4 of 4: 3 ACTIVE again, 1 SHUTOFF kept SHUTOFF; failed 0/);
    expect(out).toMatch(/Nova requests\s+[1-9]\d* API requests since the power-off/);
    expect(out).toMatch(/RESULT: all 4 instances recovered in [\d.]+ s; compute-1 back in service\./);
    expect(out).toMatch(/tearing the lab down… done in/);
    expect(await leftovers()).toEqual([]);
  }, 600_000);

  it("tears the lab down and exits 130 when interrupted during the recovery", async () => {
    expect(await leftovers()).toEqual([]);
    const child = demo();
    let output = "";
    let sent = false;
    child.all?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (!sent && output.includes("== compute-1 powered off")) sent = child.kill("SIGINT");
    });
    const run = await child;
    const out = run.all ?? "";
    expect(out).toContain("== compute-1 powered off");
    expect(run.exitCode, out.slice(-3000)).toBe(130);
    const last = out.trimEnd().split("\n").at(-1) ?? "";
    expect(last).toMatch(/^Ctrl-C: tearing the lab down… done in [\d.]+ s\.$/);
    // a fencing in flight must not hold Pacemaker's shutdown (it did for 62 s when the simulator was stopped first)
    expect(Number(/done in ([\d.]+) s/.exec(last)?.[1])).toBeLessThan(30);
    expect(out).not.toContain("RESULT:");
    expect(await leftovers()).toEqual([]);
  }, 600_000);
});
