// How NovaCompute runs nova-compute: a systemd unit, a command it supervises, or nothing (wait-only gate).
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { AgentError } from "../kit/agent-error.js";
import { childEnvironment } from "../kit/child-env.js";
import { echo } from "../kit/echo.js";

/** Starts, stops and checks nova-compute. */
export interface ServiceRunner {
  /** What it runs, for logs. */
  readonly description: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  isRunning(): Promise<boolean>;
}

/** nova-compute as a systemd unit. */
export function systemdRunner(unit: string): ServiceRunner {
  const systemctl = async (...args: string[]) => (await import("execa")).execa("systemctl", args, { reject: false, timeout: 120_000, stdin: "ignore", env: childEnvironment(), extendEnv: false });
  return {
    description: `systemd unit ${unit}`,
    async start() {
      const result = await systemctl("start", unit);
      if (result.exitCode !== 0) throw new AgentError(result.code === "ENOENT" ? "installed" : "generic", `systemctl start ${unit} failed: ${String(result.stderr).split("\n")[0] || `exit ${result.exitCode}`}`);
    },
    async stop() {
      const result = await systemctl("stop", unit);
      if (result.exitCode !== 0 && result.code !== "ENOENT") throw new AgentError("generic", `systemctl stop ${unit} failed: ${String(result.stderr).split("\n")[0]}`);
    },
    async isRunning() {
      return (await systemctl("is-active", "--quiet", unit)).exitCode === 0;
    },
  };
}

/** True when a process with this pid exists (and is not a zombie). */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return !/^\d+ \(.*\) Z/.test(stat);
}

/** nova-compute as a command NovaCompute starts in its own process group and records in a pid file. */
export function commandRunner(command: string, options: { pidFile: string; logFile: string; stopTimeoutMs: number }): ServiceRunner {
  const readPid = async () => {
    const pid = Number((await readFile(options.pidFile, "utf8").catch(() => "")).trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  };
  return {
    description: `command ${command.split(/\s+/)[0]}`,
    async start() {
      const log = openSync(options.logFile, "a", 0o640);
      const child = spawn("/bin/sh", ["-c", `exec ${command}`], { detached: true, stdio: ["ignore", log, log], env: childEnvironment() });
      if (child.pid === undefined) throw new AgentError("generic", `could not start ${echo(command)}`);
      child.unref();
      await writeFile(options.pidFile, `${child.pid}\n`);
      await sleep(300);
      if (!(await alive(child.pid))) throw new AgentError("generic", `${echo(command)} exited at once; see ${options.logFile}`);
    },
    async stop() {
      const pid = await readPid();
      if (pid !== undefined && (await alive(pid))) {
        const signalGroup = (signal: NodeJS.Signals) => { try { process.kill(-pid, signal); } catch { /* already gone */ } };
        signalGroup("SIGTERM");
        const until = Date.now() + options.stopTimeoutMs;
        while (Date.now() < until && (await alive(pid))) await sleep(200);
        if (await alive(pid)) signalGroup("SIGKILL");
      }
      await rm(options.pidFile, { force: true });
    },
    async isRunning() {
      const pid = await readPid();
      return pid !== undefined && (await alive(pid));
    },
  };
}
