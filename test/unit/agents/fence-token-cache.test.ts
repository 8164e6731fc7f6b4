// The fence agents' token cache: a monitor every minute logs in once per token lifetime, not once per run.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { DEFAULT_RUN_DIR, fenceTokenCachePath } from "../../../src/agents/fence-token-cache.js";
import { startFenceHarness, type FenceHarness } from "./fence-harness.js";

let h: FenceHarness;
const runDir = mkdtempSync(join(tmpdir(), "fence-run-"));

beforeAll(async () => {
  h = await startFenceHarness();
});
afterAll(async () => {
  await h.stop();
});
afterEach(() => {
  process.env.NOVA_HA_RUN_DIR = "";
});

/** Keystone token requests the simulator served since the last reset. */
function logins(): number {
  return h.sim.cloud.counts().byRoute["POST /identity/v3/auth/tokens"] ?? 0;
}

describe("fenceTokenCachePath", () => {
  it.each([
    { env: {}, uid: 0, expected: join(DEFAULT_RUN_DIR, "fence-tokens.json") },
    { env: {}, uid: 1000, expected: undefined },
    { env: { NOVA_HA_RUN_DIR: "/tmp/x" }, uid: 1000, expected: "/tmp/x/fence-tokens.json" },
    { env: { NOVA_HA_RUN_DIR: "" }, uid: 0, expected: undefined },
  ])("env $env as uid $uid: $expected", ({ env, uid, expected }) => {
    expect(fenceTokenCachePath(env, uid)).toBe(expected);
  });
});

describe("fence_compute with the token cache on", () => {
  it("logs in on the first monitor only, and keeps the token in a 0600 file", async () => {
    process.env.NOVA_HA_RUN_DIR = runDir;
    h.sim.cloud.resetCounts();
    for (let i = 0; i < 3; i += 1) {
      const run = await h.run(fenceCompute, "stdin", { ...h.credentials(), action: "monitor" });
      expect(run.exitCode).toBe(0);
    }
    expect(logins()).toBe(1);
    expect(statSync(join(runDir, "fence-tokens.json")).mode & 0o777).toBe(0o600);
  });

  it("logs in every time with the cache off", async () => {
    process.env.NOVA_HA_RUN_DIR = "";
    h.sim.cloud.resetCounts();
    for (let i = 0; i < 2; i += 1) expect((await h.run(fenceCompute, "stdin", { ...h.credentials(), action: "monitor" })).exitCode).toBe(0);
    expect(logins()).toBe(2);
  });
});
