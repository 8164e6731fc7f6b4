// npx tsx bench/backends-lab.ts: the same failure (compute-N killed, fenced by the built fence_compute off) recovered by the built
// NovaEvacuate through each recovery back-end on the real Nova lab, with Masakari and Mistral (test/lab/backends); prints
// fenced → done per run and the medians as markdown. A lab figure: the simulator cannot host Masakari or Mistral.
import { Command, type CommanderError, InvalidArgumentError } from "commander";
import { oneLine } from "../src/kit/agent-error.js";
import { expectRecoveredOnce, killAndFence, monitorUntilDone, offMaintenance, prepareAgentsLab, type PreparedAgentsLab, restartAndUnfence } from "../test/backends/agents-lab.js";
import { labScript, restoreHost } from "../test/backends/backend-lab.js";
import { type LabSession } from "../test/nova/lab.js";
import { type NovaServer, serversOnHost } from "../test/nova/lab-compute.js";
import { describeMachine, loadNow } from "./harness/machine.js";
import { table } from "./harness/markdown.js";
import { median } from "./harness/stats.js";

/** masakari.conf [DEFAULT] as Debian packages it (masakari-up.sh's knobs); the lab's own defaults are docs/deploy.md's settings. */
const MASAKARI_PACKAGED = {
  MASAKARI_WAIT_SERVICE: "180", MASAKARI_DUP_INTERVAL: "180", MASAKARI_RETRY_INTERVAL: "120",
  MASAKARI_EXPIRED_INTERVAL: "86400", MASAKARI_EXPIRED_CHECK: "600",
};

/** The rows, declared once: NovaEvacuate's parameters and the Masakari settings each runs with. */
const ROWS = [
  { id: "nova", label: "ours (`recovery_driver=nova`)", params: {}, packaged: false },
  { id: "mistral", label: "Mistral, our workflow (`recovery_driver=mistral`)", params: { recovery_driver: "mistral" }, packaged: false },
  { id: "masakari", label: "Masakari, docs/deploy.md's settings (`recovery_driver=masakari`)", params: { recovery_driver: "masakari" }, packaged: false },
  { id: "masakari-packaged", label: "Masakari, packaged defaults (`recovery_driver=masakari`)", params: { recovery_driver: "masakari" }, packaged: true },
] as const;
type RowId = (typeof ROWS)[number]["id"];

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20) throw new InvalidArgumentError("must be an integer from 0 to 20");
  return n;
}

function rows(value: string): RowId[] {
  const ids = ROWS.map((r) => r.id as string);
  const list = value.split(",").map((v) => v.trim()).filter(Boolean);
  for (const id of list) if (!ids.includes(id)) throw new InvalidArgumentError(`unknown back-end ${id} (one of ${ids.join(", ")})`);
  return list as RowId[];
}

function compute(value: string): number {
  if (!["1", "2", "3"].includes(value)) throw new InvalidArgumentError("must be 1, 2 or 3 (the lab's computes)");
  return Number(value);
}

/** One run: kill and fence compute-N, NovaEvacuate's monitors until attrd says done; verify, unfence, put the lab back. */
async function oneRun(ctx: PreparedAgentsLab, row: (typeof ROWS)[number], n: number): Promise<{ ms: number; servers: number }> {
  const fenced = await killAndFence(ctx.lab, ctx.attrd, n);
  const fencedAt = Date.now();
  try {
    // The lab's fake virt driver fails every evacuation with onSharedStorage=true: its instances are on local disks.
    const resource = await ctx.novaEvacuate({ no_shared_storage: "true", ...row.params });
    await monitorUntilDone(resource, ctx.attrd, fenced.host, 900_000);
    const ms = Date.now() - fencedAt;
    await expectRecoveredOnce(ctx.lab, fenced);
    await restartAndUnfence(ctx.lab, n);
    return { ms, servers: fenced.servers.length };
  } finally {
    await offMaintenance(ctx.masakari, fenced.host);
    await restoreHost(ctx.lab, n, fenced.servers);
  }
}

/**
 * Tags the servers of these computes evacuable by instance metadata for the bench's time, and returns the undoing. Masakari and
 * our workflow evacuate every server of a host; ours evacuates the tagged ones once the cloud tags any (the lab tags a flavor),
 * so without this it would recover one server of two: not the same failure.
 */
async function tagEvacuable(lab: LabSession, computes: readonly number[]): Promise<() => Promise<void>> {
  const servers: NovaServer[] = [];
  for (const s of (await Promise.all(computes.map((n) => serversOnHost(lab, `compute-${n}`)))).flat()) {
    if ((await lab.nova(`/servers/${s.id}/metadata`)).body?.metadata?.evacuable !== undefined) continue;
    await lab.nova(`/servers/${s.id}/metadata`, { method: "POST", body: { metadata: { evacuable: "true" } } });
    servers.push(s);
  }
  return async () => {
    for (const s of servers) await lab.nova(`/servers/${s.id}/metadata/evacuable`, { method: "DELETE" });
  };
}

/** Restarts Masakari with the packaged settings, or back with the lab's (docs/deploy.md's). */
async function masakariWith(packaged: boolean): Promise<void> {
  await labScript("backends-down.sh", ["masakari"]);
  await labScript("masakari-up.sh", [], packaged ? MASAKARI_PACKAGED : {});
}

async function main(): Promise<void> {
  const command = new Command("backends-lab")
    .description("fenced → done through each recovery back-end on the real Nova lab (nova-up.sh running; masakari-up.sh and mistral-up.sh are run)")
    .option("--runs <n>", "runs per back-end", count, 2)
    .option("--packaged-runs <n>", "runs of Masakari with its packaged defaults (about 4 minutes each)", count, 1)
    .option("--only <list>", `comma-separated subset of ${ROWS.map((r) => r.id).join(",")}`, rows)
    .option("--compute <n>", "the compute killed in every run (the packaged Masakari row: the next one)", compute, 2)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith("error: ") ? `backends-lab: ${text.slice(7)}` : text) });
  try {
    command.parse();
  } catch (error) {
    // --help exits 0; a wrong option is a usage error (2), said in one line.
    process.exit((error as CommanderError).exitCode === 0 ? 0 : 2);
  }
  const flags = command.opts<{ runs: number; packagedRuns: number; only?: RowId[]; compute: number }>();
  const chosen = ROWS.filter((r) => !flags.only || flags.only.includes(r.id));
  const machine = describeMachine();
  const started = new Date().toISOString();
  const ctx = await prepareAgentsLab({ mistral: chosen.some((r) => r.id === "mistral") });
  const results = new Map<RowId, Array<{ ms: number; servers: number }>>();
  // Masakari refuses (409) a notification of a host within duplicate_notification_detection_interval (180 s packaged) of its
  // last one, even a finished one: the packaged row fails the next compute, which holds the same two servers' shapes.
  const computeOf = (row: (typeof ROWS)[number]): number => (row.packaged ? (flags.compute % 3) + 1 : flags.compute);
  const run = async (row: (typeof ROWS)[number]): Promise<void> => {
    const result = await oneRun(ctx, row, computeOf(row));
    results.set(row.id, [...(results.get(row.id) ?? []), result]);
    process.stderr.write(`${row.id}: fenced -> done ${(result.ms / 1000).toFixed(1)} s (${result.servers} servers, load ${loadNow()})\n`);
  };
  const untag = await tagEvacuable(ctx.lab, [...new Set(chosen.map(computeOf))]);
  try {
    // The rows with the lab's settings alternate; the packaged Masakari comes last, between two restarts of Masakari.
    for (let i = 0; i < flags.runs; i++) for (const row of chosen.filter((r) => !r.packaged)) await run(row);
    const packaged = chosen.find((r) => r.packaged);
    if (packaged && flags.packagedRuns > 0) {
      await masakariWith(true);
      try {
        for (let i = 0; i < flags.packagedRuns; i++) await run(packaged);
      } finally {
        await masakariWith(false);
      }
    }
  } finally {
    await untag();
    ctx.close();
  }
  const seconds = (ms: number): string => (ms / 1000).toFixed(1);
  const body = table(["back-end", "failed compute", "runs", "fenced → done, each run (s)", "median (s)"], chosen.filter((r) => results.has(r.id)).map((r) => {
    const each = results.get(r.id) ?? [];
    return [r.label, `compute-${computeOf(r)}`, String(each.length), each.map((x) => seconds(x.ms)).join(", "), seconds(median(each.map((x) => x.ms)))];
  }));
  process.stdout.write([
    `Lab figure, ${started}: a compute killed and fenced, ${results.values().next().value?.[0]?.servers ?? "?"} servers on it; `
    + `commit ${machine.commit}; ${machine.cpus} × ${machine.cpuModel}, ${machine.ramGiB} GiB; load at the start ${machine.load}, at the end ${loadNow()}.`,
    "", body, "",
  ].join("\n"));
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`backends-lab: ${oneLine(error)}\n`);
  process.exit(1);
});
