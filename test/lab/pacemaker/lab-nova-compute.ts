// The lab's nova-compute: NovaCompute starts it (its `command`) inside a compute node's namespace; bundled to one .mjs.
// At start it does what a real nova-compute does once: report the restart to Nova, which then moves the host's `done`
// evacuation records to `completed` (so forced_down may be cleared). Then it heartbeats until SIGTERM/SIGINT.
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** Command-line options: --url <simulator base URL> [--host <nova host>] [--interval <seconds>]. */
interface Options {
  url: string;
  host: string;
  intervalMs: number;
}

/** The Pacemaker node this runs on (crm_node -n works on remote nodes too), or "". */
function localNode(): string {
  try {
    return execFileSync("crm_node", ["-n"], { encoding: "utf8", timeout: 5000 }).trim();
  } catch {
    return "";
  }
}

/**
 * Reads the options. The host defaults to the Pacemaker node NovaCompute runs on (the lab's Nova host names): its
 * CRM_meta_on_node when the cluster runs it, else crm_node -n (crm_resource --force-start passes no node).
 */
function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const url = (value("--url") ?? "").replace(/\/+$/, "");
  const host = value("--host") ?? (env.OCF_RESKEY_CRM_meta_on_node || localNode());
  const seconds = Number(value("--interval") ?? "2");
  if (!/^https?:\/\//.test(url) || !host || !(seconds > 0)) {
    throw new Error("usage: lab-nova-compute --url http://ADDR:PORT [--host NAME] [--interval SECONDS]");
  }
  return { url, host, intervalMs: seconds * 1000 };
}

/** POSTs to the simulator's control API; resolves to the status or the error message. */
async function post(url: string, signal: AbortSignal): Promise<number | string> {
  try {
    const res = await fetch(url, { method: "POST", signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) });
    await res.arrayBuffer();
    return res.status;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => stop.abort());
  const say = (text: string): void => void process.stderr.write(`${new Date().toISOString()} lab-nova-compute ${options.host}: ${text}\n`);
  const base = `${options.url}/_sim`;
  say(`started, restart reported: ${String(await post(`${base}/hosts/${encodeURIComponent(options.host)}/revive`, stop.signal))}`);
  let last: number | string = 0;
  while (!stop.signal.aborted) {
    const result = await post(`${base}/heartbeat/${encodeURIComponent(options.host)}`, stop.signal);
    if (result !== last && !stop.signal.aborted) say(`heartbeat: ${String(result)}`);
    last = result;
    await sleep(options.intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  say("stopped");
}

main().catch((error: unknown) => {
  process.stderr.write(`lab-nova-compute: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
