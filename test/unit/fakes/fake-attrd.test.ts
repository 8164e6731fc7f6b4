// The fake attrd is atomic like attrd: a value written while another process reads is seen old or new, never empty.
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { FAKE_BIN, useFakeAttrd } from "../../fakes/fake-attrd.js";

const attrd = useFakeAttrd();
afterAll(() => attrd.remove());

/** Runs the fake attrd_updater with `args`; resolves with its stdout. */
function attrdUpdater(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${FAKE_BIN}/attrd_updater`, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
}

describe("the fake attrd_updater", () => {
  it("never shows a value half-written: queries racing updates and the tests' own writes read yes or no, never empty", async () => {
    attrd.set("compute-1", "no");
    const seen = new Set<string>();
    let writing = true;
    // A test's writes (fake-attrd.ts) and the agents' (the shell fake) alternate, as fast as they can.
    const writer = (async () => {
      for (let i = 0; i < 100; i++) {
        attrd.set("compute-1", i % 2 === 0 ? "yes" : "no");
        await attrdUpdater(["-n", "evacuate", "-N", "compute-1", "-U", i % 2 === 0 ? "no" : "yes"]);
      }
      writing = false;
    })();
    const readers = [0, 1, 2].map(async () => {
      while (writing) seen.add(/value="([^"]*)"/.exec(await attrdUpdater(["-n", "evacuate", "-N", "compute-1", "-Q"]))?.[1] ?? "?");
    });
    await Promise.all([writer, ...readers]);
    expect([...seen].sort()).toEqual(["no", "yes"]);
  }, 60_000);
});
