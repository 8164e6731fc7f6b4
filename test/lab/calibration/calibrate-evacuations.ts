// Timed evacuations in the real Nova lab: k servers evacuated at once from a crashed, forced-down compute.
import { type LabSession, ZED_MAX } from "../../nova/lab.js";
import { computeService } from "../../nova/lab-compute.js";
import { type Summary, now, roundMs, summarize } from "./calibrate-stats.js";

/** The task states an evacuation passes through on the destination, in order. */
const TASK_STATES = ["rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"] as const;

/** Evacuations of one group size: per-instance durations, the makespan, and the evacuate POST itself. */
export interface GroupResult extends Summary {
  k: number;
  /** First POST sent to the last server done (for k = 1: the median over the single runs). */
  makespanMs: number;
  /** Time from POST sent until Nova answered it. */
  post: Summary;
  /** Time from POST sent until the server was first seen in each task state (states passed between two polls are not seen). */
  taskStates: Record<string, Summary>;
  /** Half the median gap between two poll readings: the uncertainty of each duration. */
  resolutionMs: number;
  /** Where the servers landed: host → count (Nova's scheduler chose; no host was asked for). */
  destinations: Record<string, number>;
  /** For k > 1: when each server was done, from the first POST, ascending (the shape of the queue). */
  completionsMs?: number[];
}

/** One server being evacuated: when its POST went out and was answered, when it was seen in which state. */
export interface Tracked {
  id: string;
  sentAt: number;
  answeredAt?: number;
  doneAt?: number;
  /** The host it landed on. */
  dest?: string;
  seen: Map<string, number>;
}

/** The time a poll read the database, estimated as the middle of its round trip. */
interface PollReading {
  at: number;
  servers: Map<string, { status: string; host: string | null; taskState: string | null; fault?: unknown }>;
}

/** Lists the servers whose name starts with `prefix`, with the time of the reading. */
async function poll(lab: LabSession, prefix: string): Promise<PollReading> {
  const sent = now();
  const answer = await lab.nova(`/servers/detail?all_tenants=1&name=${encodeURIComponent(`^${prefix}`)}`, { version: ZED_MAX });
  if (answer.status !== 200) throw new Error(`polling ${prefix}*: HTTP ${answer.status}`);
  const servers = new Map(
    (answer.body.servers as any[]).map((s) => [
      s.id as string,
      { status: s.status, host: s["OS-EXT-SRV-ATTR:host"] ?? null, taskState: s["OS-EXT-STS:task_state"] ?? null, fault: s.fault },
    ]),
  );
  return { at: (sent + now()) / 2, servers };
}

/**
 * Evacuates the servers `ids` (named `prefix`*) from `source` all at once: every POST is sent at the same time, then
 * the servers are polled every `pollMs` until each is ACTIVE on another host with no task state. A change seen by a
 * poll is dated halfway between that reading and the one before. Fails on a refused POST, an ERROR, or after 5 min.
 */
export async function evacuateTogether(
  lab: LabSession,
  ids: readonly string[],
  prefix: string,
  source: string,
  pollMs: number,
): Promise<{ tracked: Tracked[]; gapsMs: number[] }> {
  const tracked: Tracked[] = ids.map((id) => ({ id, sentAt: 0, seen: new Map() }));
  const posts = Promise.all(
    tracked.map(async (t) => {
      t.sentAt = now();
      const answer = await lab.nova(`/servers/${t.id}/action`, { method: "POST", version: ZED_MAX, body: { evacuate: {} } });
      t.answeredAt = now();
      if (answer.status !== 200) throw new Error(`evacuate ${t.id}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    }),
  );
  const first = tracked[0]?.sentAt ?? now();
  let previous = first;
  const gapsMs: number[] = [];
  let failure: unknown;
  posts.catch((error) => (failure = error));
  while (tracked.some((t) => t.doneAt === undefined)) {
    if (failure) throw failure;
    if (now() - first > 300_000) throw new Error(`evacuations from ${source} not done after 300 s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const reading = await poll(lab, prefix);
    const at = (previous + reading.at) / 2;
    gapsMs.push(reading.at - previous);
    previous = reading.at;
    for (const t of tracked) {
      const s = reading.servers.get(t.id);
      if (!s || t.answeredAt === undefined || t.doneAt !== undefined) continue;
      if (s.status === "ERROR") throw new Error(`server ${t.id} went to ERROR: ${JSON.stringify(s.fault)}`);
      if (s.taskState && !t.seen.has(s.taskState)) t.seen.set(s.taskState, at);
      if (s.status === "ACTIVE" && s.taskState === null && s.host !== null && s.host !== source) {
        t.doneAt = at;
        t.dest = s.host;
      }
    }
  }
  await posts;
  return { tracked, gapsMs };
}

/** Summarizes the runs of one group size (several runs of k = 1, one run otherwise) with the poll interval used. */
export function summarizeGroup(k: number, runs: readonly Tracked[][], pollGapsMs: readonly number[]): GroupResult {
  const all = runs.flat();
  const durations = all.map((t) => (t.doneAt as number) - t.sentAt);
  const makespans = runs.map((run) => Math.max(...run.map((t) => t.doneAt as number)) - Math.min(...run.map((t) => t.sentAt)));
  const taskStates = Object.fromEntries(
    TASK_STATES.map((state) => [state, summarize(all.flatMap((t) => (t.seen.has(state) ? [(t.seen.get(state) as number) - t.sentAt] : [])))]),
  );
  const destinations: Record<string, number> = {};
  for (const t of all) destinations[t.dest as string] = (destinations[t.dest as string] ?? 0) + 1;
  const first = Math.min(...all.map((t) => t.sentAt));
  return {
    k,
    ...summarize(durations),
    makespanMs: summarize(makespans).medianMs,
    post: summarize(all.map((t) => (t.answeredAt as number) - t.sentAt)),
    taskStates,
    resolutionMs: roundMs(summarize(pollGapsMs).medianMs / 2),
    destinations,
    ...(k > 1 ? { completionsMs: all.map((t) => roundMs((t.doneAt as number) - first)).sort((a, b) => a - b) } : {}),
  };
}

/** Crash `source` as a host failure looks to Nova after fencing: process killed, service forced down and disabled. */
export async function fenceSource(lab: LabSession, source: string, kill: () => Promise<void>): Promise<void> {
  await kill();
  const service = await computeService(lab, source);
  for (const body of [{ forced_down: true }, { status: "disabled", disabled_reason: "nova-calibrate" }]) {
    const answer = await lab.nova(`/os-services/${service.id}`, { method: "PUT", version: "2.53", body });
    if (answer.status !== 200) throw new Error(`PUT /os-services/${service.id} ${JSON.stringify(body)}: HTTP ${answer.status}`);
  }
}
