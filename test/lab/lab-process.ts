// Processes of the lab: commands run to completion, and background children started and stopped by their own PID.
import { spawn } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";

/** What a finished command gave back. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they came. */
  readonly all: string;
  readonly ms: number;
}

/** How to run a command. */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Start from an empty environment plus `env` (as Pacemaker's daemons run agents). */
  cleanEnv?: boolean;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** The PATH every lab command gets, as a service manager would set it. */
export const SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

/** Runs a command to completion; never throws for a non-zero exit (the caller asserts the exit code). */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const started = Date.now();
  const result = await execa(command, args, {
    reject: false,
    all: true,
    env: { PATH: SYSTEM_PATH, ...options.env },
    extendEnv: !options.cleanEnv,
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 120_000,
    ...(options.input !== undefined ? { input: options.input } : { stdin: "ignore" as const }),
  });
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  if (result.exitCode === undefined) {
    const reason = result.timedOut ? `timed out after ${options.timeoutMs ?? 120_000} ms` : (result.shortMessage ?? "could not run");
    return { exitCode: -1, stdout: text(result.stdout), stderr: `${command}: ${reason}\n${text(result.stderr)}`, all: text(result.all), ms: Date.now() - started };
  }
  return { exitCode: result.exitCode, stdout: text(result.stdout), stderr: text(result.stderr), all: text(result.all), ms: Date.now() - started };
}

/** Runs a command and returns its stdout; throws with its output when it exits non-zero. */
export async function runOk(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.exitCode !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.exitCode}:\n${result.all.trim().split("\n").slice(-30).join("\n")}`);
  }
  return result.stdout;
}

/** A process's command name, state letter and parent PID, from /proc/<pid>/stat; undefined when it is gone. */
export function processStat(pid: number): { name: string; state: string; ppid: number } | undefined {
  try {
    const m = /^\d+ \((.*)\) (\S) (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return m ? { name: m[1]!, state: m[2]!, ppid: Number(m[3]) } : undefined;
  } catch {
    return undefined;
  }
}

/** True when a process with this PID exists, is not a zombie, and its command line contains `marker`. */
export function processAlive(pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").includes(marker);
  } catch {
    return false;
  }
}

/** Starts a detached background process (own session, output appended to `logFile`) and returns its PID. */
export function spawnDetached(command: string, args: readonly string[], logFile: string, env: Record<string, string>): number {
  const log = openSync(logFile, "a", 0o640);
  try {
    const child = spawn(command, args, { detached: true, stdio: ["ignore", log, log], env: { PATH: SYSTEM_PATH, ...env }, cwd: "/" });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Stops one process by PID (SIGTERM, then SIGKILL after `graceMs`), only if it still runs `marker`. */
export async function stopProcess(pid: number, marker: string, graceMs = 5000): Promise<void> {
  if (!processAlive(pid, marker)) return;
  process.kill(pid, "SIGTERM");
  const until = Date.now() + graceMs;
  while (Date.now() < until && processAlive(pid, marker)) await sleep(100);
  if (processAlive(pid, marker)) process.kill(pid, "SIGKILL");
}
