// tryExclusiveLock: one holder at a time, across processes; a holder that dies gives the lock back.
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tryExclusiveLock } from "../../../src/kit/exclusive-lock.js";

/** A fresh lock path. */
async function lockPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "nova-ha-lock-")), "pass.lock");
}

describe("tryExclusiveLock", () => {
  it("gives the lock to one holder at a time, and again once released", async () => {
    const path = await lockPath();
    const first = await tryExclusiveLock(path);
    expect(first).toBeTypeOf("function");
    expect(await tryExclusiveLock(path)).toBeUndefined();
    first?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await tryExclusiveLock(path);
    expect(again).toBeTypeOf("function");
    again?.();
  });

  it("is free again once the process holding it is killed", async () => {
    const path = await lockPath();
    const module = new URL("../../../src/kit/exclusive-lock.ts", import.meta.url).pathname;
    const script = `import(${JSON.stringify(module)}).then((m) => m.tryExclusiveLock(${JSON.stringify(path)})).then(() => { console.log("held"); setInterval(() => {}, 1000); });`;
    const holder = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve) => holder.stdout.once("data", resolve));
    expect(await tryExclusiveLock(path)).toBeUndefined();
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const taken = await tryExclusiveLock(path);
    expect(taken).toBeTypeOf("function");
    taken?.();
  });

  it("says in one line why it cannot take a lock it cannot create", async () => {
    await expect(tryExclusiveLock("/nonexistent-dir/x/pass.lock")).rejects.toThrow(/flock could not take the lock \/nonexistent-dir\/x\/pass.lock: /);
  });
});
