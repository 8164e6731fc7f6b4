// A stand-in nova-compute process: heartbeats one host to the simulator every N seconds until SIGTERM/SIGINT.
import { Command, InvalidArgumentError } from "commander";

/** Posts one heartbeat; resolves to the HTTP status, or an error message. */
export async function postHeartbeat(baseUrl: string, host: string, timeoutMs: number, cancel?: AbortSignal): Promise<number | string> {
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await fetch(`${baseUrl.replace(/\/+$/, "")}/_sim/heartbeat/${encodeURIComponent(host)}`, {
      method: "POST",
      signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout,
    });
    await res.arrayBuffer();
    return res.status;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a positive number");
  return n;
}

async function main(): Promise<void> {
  const opts = new Command("fake-nova-compute")
    .description("heartbeat a simulated nova-compute service")
    .requiredOption("--url <url>", "simulator base URL, e.g. http://198.51.100.1:5050")
    .requiredOption("--host <name>", "Nova host name to heartbeat")
    .option("--interval <s>", "seconds between heartbeats", seconds, 10)
    .parse(process.argv)
    .opts<{ url: string; host: string; interval: number }>();
  const periodMs = opts.interval * 1000;
  const cancel = new AbortController();
  let lastProblem: string | undefined;
  const beat = async (): Promise<void> => {
    const result = await postHeartbeat(opts.url, opts.host, Math.min(periodMs, 5000), cancel.signal);
    if (cancel.signal.aborted) return;
    const problem = result === 200 ? undefined : `heartbeat for ${opts.host} failed: ${String(result)}`;
    if (problem !== undefined && problem !== lastProblem) process.stderr.write(`fake-nova-compute: ${problem}\n`);
    if (problem === undefined && lastProblem !== undefined) process.stderr.write(`fake-nova-compute: heartbeat for ${opts.host} recovered\n`);
    lastProblem = problem;
  };
  const timer = setInterval(() => void beat(), periodMs);
  const stop = (): void => {
    clearInterval(timer);
    cancel.abort();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await beat();
}

main().catch((e: unknown) => {
  process.stderr.write(`fake-nova-compute: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
