// Measures the real Nova lab for the simulator: API response times, and evacuations of k servers at once from a
// crashed compute. Writes test/sim/calibration.json and prints a table on stderr. Needs the lab up (nova-up.sh).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type LabSession, requireLab } from "../../nova/lab.js";
import { computeControl, computeService, restoreCompute } from "../../nova/lab-compute.js";
import { measureCalls } from "./calibrate-calls.js";
import { type GroupResult, type Tracked, evacuateTogether, fenceSource, summarizeGroup } from "./calibrate-evacuations.js";
import { now, table } from "./calibrate-stats.js";
import { CALIBRATION_PREFIX, bootOn, deleteCalibrationServers, moveServersBack, moveServersOff } from "./calibrate-victim.js";

const USAGE = `usage: npx tsx test/lab/calibration/nova-calibrate.ts [options]
  --victim N          compute crashed for the evacuations (default 3)
  --probe N           compute whose service the call timings force down and up (default 1)
  --calls N           samples per API call (default 30)
  --singles N         evacuations of one server alone (default 6)
  --groups K,K,...    servers evacuated at once, one run each (default 4,8,16)
  --poll-ms N         poll interval while evacuations run (default 250)
  --skip-calls, --skip-evacuations
  --out FILE          (default test/sim/calibration.json)`;

/** Nova's major version → OpenStack release. */
const RELEASES: Record<number, string> = { 25: "Yoga", 26: "Zed", 27: "2023.1 Antelope", 28: "2023.2 Bobcat", 29: "2024.1 Caracal" };

const T0 = now();
const progress = (line: string): void => {
  process.stderr.write(`[${((now() - T0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
};

function options() {
  const { values } = parseArgs({
    options: {
      victim: { type: "string", default: "3" },
      probe: { type: "string", default: "1" },
      calls: { type: "string", default: "30" },
      singles: { type: "string", default: "6" },
      groups: { type: "string", default: "4,8,16" },
      "poll-ms": { type: "string", default: "250" },
      "skip-calls": { type: "boolean", default: false },
      "skip-evacuations": { type: "boolean", default: false },
      out: { type: "string", default: resolve(import.meta.dirname, "../../sim/calibration.json") },
      help: { type: "boolean", default: false },
    },
  });
  const int = (name: string, text: string): number => {
    if (!/^\d+$/.test(text)) throw new Error(`--${name} wants a whole number, not ${text}\n${USAGE}`);
    return Number(text);
  };
  return {
    help: values.help,
    victim: int("victim", values.victim),
    probe: int("probe", values.probe),
    calls: int("calls", values.calls),
    singles: int("singles", values.singles),
    groups: values.groups.split(",").filter(Boolean).map((k) => int("groups", k)),
    pollMs: int("poll-ms", values["poll-ms"]),
    skipCalls: values["skip-calls"],
    skipEvacuations: values["skip-evacuations"],
    out: values.out,
  };
}

/** The Nova release the lab runs: Debian's package version and the API's newest microversion. */
async function novaRelease(lab: LabSession): Promise<string> {
  const pkg = execFileSync("dpkg-query", ["-W", "-f=${Version}", "python3-nova"], { encoding: "utf8" }).trim();
  const major = Number(pkg.replace(/^\d+:/, "").split(".")[0]);
  const max = (await lab.nova("")).body?.version?.version ?? "?";
  return `${RELEASES[major] ?? "unknown"} (python3-nova ${pkg}, microversions up to ${max})`;
}

/** Compute hosts other than `except` that are up and enabled: where evacuated servers can land. */
async function targetHosts(lab: LabSession, except: string): Promise<string[]> {
  const services = (await lab.nova("/os-services?binary=nova-compute", { version: "2.53" })).body.services as any[];
  return services.filter((s) => s.host !== except && s.state === "up" && s.status === "enabled" && !s.forced_down).map((s) => s.host).sort();
}

/** Every server of the lab but the calibration's, as "name status host", sorted: to check that the run restored them. */
async function labServers(lab: LabSession): Promise<string[]> {
  const servers = (await lab.nova("/servers/detail?all_tenants=1", { version: "2.53" })).body.servers as any[];
  return servers
    .filter((s) => !String(s.name).startsWith(CALIBRATION_PREFIX))
    .map((s) => `${s.name} ${s.status} ${s["OS-EXT-SRV-ATTR:host"]}`)
    .sort();
}

/** Boots the servers, crashes and fences the victim, evacuates singles one by one, then each group at once; restores. */
async function measureEvacuations(lab: LabSession, opts: ReturnType<typeof options>): Promise<Record<string, GroupResult>> {
  const host = `compute-${opts.victim}`;
  const targets = await targetHosts(lab, host);
  if (targets.length === 0) throw new Error(`no compute other than ${host} is up and enabled`);
  const runs: { k: number; prefix: string; names: string[] }[] = [
    ...Array.from({ length: opts.singles }, (_, i) => ({ k: 1, prefix: `calib-s${i + 1}-`, names: [`calib-s${i + 1}-1`] })),
    ...opts.groups.map((k) => ({ k, prefix: `calib-${k}-`, names: Array.from({ length: k }, (_, i) => `calib-${k}-${i + 1}`) })),
  ];
  const moved = await moveServersOff(lab, host, targets, progress);
  const results = new Map<number, { tracked: Tracked[][]; gaps: number[] }>();
  try {
    const ids = await bootOn(lab, host, runs.flatMap((r) => r.names), progress);
    await fenceSource(lab, host, async () => void (await computeControl("kill", opts.victim)));
    progress(`${host} killed, forced down and disabled; evacuating to ${targets.join(", ")}`);
    for (const run of runs) {
      const { tracked, gapsMs } = await evacuateTogether(lab, run.names.map((n) => ids.get(n) as string), run.prefix, host, opts.pollMs);
      const slot = results.get(run.k) ?? { tracked: [], gaps: [] };
      slot.tracked.push(tracked);
      slot.gaps.push(...gapsMs);
      results.set(run.k, slot);
      const ms = tracked.map((t) => (t.doneAt as number) - t.sentAt);
      const dests = [...new Set(tracked.map((t) => t.dest))].join(", ");
      progress(`k=${run.k}: done in ${(Math.max(...ms) / 1000).toFixed(2)} s (fastest ${(Math.min(...ms) / 1000).toFixed(2)} s), to ${dests}`);
    }
  } finally {
    progress(`restoring ${host}: start, force up, enable; deleting the calibration servers; moving its servers back`);
    await restoreCompute(lab, opts.victim);
    await deleteCalibrationServers(lab);
    await moveServersBack(lab, host, moved, progress);
  }
  return Object.fromEntries([...results].map(([k, r]) => [String(k), summarizeGroup(k, r.tracked, r.gaps)]));
}

function printTables(calls: Record<string, { n: number; medianMs: number; p90Ms: number; maxMs: number }>, evacuation: Record<string, GroupResult>): void {
  const callRows = Object.entries(calls).map(([route, s]) => [route, s.n, s.medianMs, s.p90Ms, s.maxMs]);
  if (callRows.length) process.stderr.write(`\n${table(["call", "n", "median ms", "p90 ms", "max ms"], callRows)}\n`);
  const evacRows = Object.values(evacuation).map((g) => [g.k, g.n, g.medianMs, g.p90Ms, g.maxMs, g.makespanMs, g.post.medianMs, g.post.maxMs, g.resolutionMs]);
  const header = ["k at once", "n", "median ms", "p90 ms", "max ms", "makespan ms", "POST median", "POST max", "± ms"];
  if (evacRows.length) process.stderr.write(`\n${table(header, evacRows)}\n`);
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.help) return void process.stderr.write(`${USAGE}\n`);
  const lab = await requireLab();
  const loadStart = loadavg();
  progress(`lab reachable; load ${loadStart.map((l) => l.toFixed(2)).join(" ")}`);
  for (const n of new Set([opts.victim, opts.probe])) await restoreCompute(lab, n);
  await deleteCalibrationServers(lab);
  const release = await novaRelease(lab);
  const before = await labServers(lab);
  const measured = opts.skipCalls ? undefined : await measureCalls(lab, `compute-${opts.probe}`, opts.calls, progress);
  const evacuation = opts.skipEvacuations ? {} : await measureEvacuations(lab, opts);
  const result = {
    measuredAt: new Date().toISOString(),
    command: ["npx tsx test/lab/calibration/nova-calibrate.ts", ...process.argv.slice(2)].join(" "),
    machine: {
      nproc: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryMiB: Math.round(totalmem() / 2 ** 20),
      loadAvgStart: loadStart.map((l) => Math.round(l * 100) / 100),
      loadAvgEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    novaRelease: release,
    method: {
      calls: `each call ${opts.calls} times, one at a time, over a kept-alive connection; client-side, request sent to body read; ` +
        `reads round-robin; service changes on ${measured?.context.host ?? "-"} (${measured?.context.serversOnHost ?? 0} servers on it) in a cycle that leaves it up`,
      evacuation: `servers booted on compute-${opts.victim}, which is then killed (nova-compute.sh kill), forced down and disabled; ` +
        `k evacuate POSTs (microversion 2.93, body {}) sent at once; each server polled every ${opts.pollMs} ms until ACTIVE on another host ` +
        `with task_state null; duration = POST sent to done (± resolutionMs); k = 1: ${opts.singles} runs one after another`,
      lab: "Keystone with password_hash_rounds = 4 (production bcrypt costs more per login); FakeDriver computes; one worker per service",
    },
    calls: measured?.calls ?? {},
    evacuation,
  };
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  printTables(result.calls, evacuation);
  const after = await labServers(lab);
  const changed = [...before.filter((s) => !after.includes(s)).map((s) => `was ${s}`), ...after.filter((s) => !before.includes(s)).map((s) => `now ${s}`)];
  progress(changed.length ? `the lab's servers changed: ${changed.join("; ")}` : `the lab's ${after.length} servers are as before`);
  progress(`wrote ${opts.out}; load ${result.machine.loadAvgEnd.join(" ")}`);
}

main().catch((error: unknown) => {
  progress(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
