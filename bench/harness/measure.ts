// Runs one child under GNU time and reports its wall time, CPU time (user+sys) and peak RSS; tracks children for clean-up.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** GNU time; the only portable way to get a child's rusage (incl. the children it waited for) from Node. */
export const GNU_TIME = "/usr/bin/time";

/** What to run. */
export interface RunSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed (fence agents read key=value lines there). */
  stdin?: string;
  /** Killed (with its whole process group) after this long. */
  timeoutMs?: number;
  cwd?: string;
}

/** One measured invocation. */
export interface Measured {
  /** Exit status, or null when killed. */
  code: number | null;
  timedOut: boolean;
  wallMs: number;
  /** User + system CPU of the child and every descendant it waited for. */
  cpuMs: number;
  /** Peak resident set size of the largest process in the tree, in KiB. */
  maxRssKb: number;
  stdout: string;
  stderr: string;
  startedAt: number;
  endedAt: number;
}

/** Per stream; large enough for a 1,000-instance recovery's log (the figures parse it). */
const OUTPUT_LIMIT = 32 * 1024 * 1024;
const running = new Set<number>();
let workDir: string | undefined;
let counter = 0;

/** GNU time's output files live here; created on first use. */
function timeDir(): string {
  workDir ??= mkdtempSync(join(tmpdir(), "nova-ha-bench-time-"));
  return workDir;
}

/** Kills every child still running (their process groups) and removes the scratch directory. */
export function killAllChildren(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  running.clear();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}

function append(buffer: string, chunk: Buffer): string {
  return buffer.length >= OUTPUT_LIMIT ? buffer : buffer + chunk.toString("utf8");
}

/** Parses GNU time's "-f '%U %S %M'" line (the last line: "Command exited…" may precede it). */
export function parseTimeOutput(text: string): { cpuMs: number; maxRssKb: number } {
  const line = text.trim().split("\n").filter((l) => /^\d+(\.\d+)? \d+(\.\d+)? \d+$/.test(l.trim())).at(-1);
  if (!line) return { cpuMs: Number.NaN, maxRssKb: Number.NaN };
  const [user, sys, rss] = line.trim().split(" ").map(Number) as [number, number, number];
  return { cpuMs: Math.round((user + sys) * 1000), maxRssKb: rss };
}

/** Runs `spec` under GNU time in its own process group; never rejects for a non-zero exit. */
export function measure(spec: RunSpec): Promise<Measured> {
  const timeFile = join(timeDir(), `t${++counter}`);
  const args = ["-f", "%U %S %M", "-o", timeFile, "--", spec.command, ...spec.args];
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const start = process.hrtime.bigint();
    const child = spawn(GNU_TIME, args, { env: spec.env, cwd: spec.cwd, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    const timer = spec.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          if (pid !== undefined) process.kill(-pid, "SIGKILL");
        }, spec.timeoutMs)
      : undefined;
    child.stdout.on("data", (c: Buffer) => (stdout = append(stdout, c)));
    child.stderr.on("data", (c: Buffer) => (stderr = append(stderr, c)));
    child.stdin.on("error", () => undefined);
    child.stdin.end(spec.stdin ?? "");
    child.on("error", (error) => {
      if (timer) clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      reject(error);
    });
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (timer) clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      let usage = { cpuMs: Number.NaN, maxRssKb: Number.NaN };
      try {
        usage = parseTimeOutput(readFileSync(timeFile, "utf8"));
        rmSync(timeFile, { force: true });
      } catch {
        // killed before GNU time wrote its line
      }
      resolve({ code: timedOut ? null : code, timedOut, wallMs, ...usage, stdout, stderr, startedAt, endedAt: Date.now() });
    });
  });
}
