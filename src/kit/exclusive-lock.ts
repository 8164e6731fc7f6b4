// An exclusive lock between the processes of one node, held by flock(1): the kernel drops it when the holder dies, so
// a pass that crashed, was killed or timed out never keeps it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { oneLine } from "./agent-error.js";
import { childEnvironment } from "./child-env.js";

/** Gives a held lock back. */
export type ReleaseLock = () => void;

/** Exit code flock(1) gives when the lock is held elsewhere (-E). */
const HELD_ELSEWHERE = 75;

/**
 * Takes the lock on `path` (created if missing) without waiting; undefined when another process holds it. The lock
 * lives in a child `flock` whose standard input is this process: released when `release` closes it or this process
 * ends in any way.
 */
export async function tryExclusiveLock(path: string): Promise<ReleaseLock | undefined> {
  const child = spawn("flock", ["--nonblock", "--conflict-exit-code", String(HELD_ELSEWHERE), path, "sh", "-c", "echo held; exec cat >/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: childEnvironment(),
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const held = new Promise<boolean>((resolve) => {
    child.stdout.once("data", () => resolve(true));
    child.once("exit", () => resolve(false));
  });
  const [error] = await Promise.race([once(child, "error").catch((cause: unknown) => [cause]), held.then(() => [undefined])]) as [unknown];
  if (error) throw new Error(`cannot run flock to take the lock ${path}: ${oneLine(error)}`);
  if (!(await held)) {
    if (child.exitCode === HELD_ELSEWHERE) return undefined;
    throw new Error(`flock could not take the lock ${path}: ${stderr.trim().split("\n")[0] ?? `exit ${String(child.exitCode)}`}`);
  }
  // Neither the child nor its pipes keep this process alive.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as { unref?: () => void }[]) stream.unref?.();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    child.stdin.end();
  };
}
