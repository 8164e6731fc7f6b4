// The built bin/nova-ha as an operator runs it: OS_* credentials, attrd_updater on PATH, exit codes, one-line errors.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAKE_BIN } from "../../fakes/fake-attrd.js";
import { startOcfHarness, type OcfHarness } from "../agents/ocf-harness.js";

const BUNDLE = resolve(import.meta.dirname, "../../../bin/nova-ha");
/** Where `#!/usr/bin/env node` finds node, and nothing else (Debian's attrd_updater is in /usr/sbin). */
const NODE_DIR = dirname(process.execPath);
let h: OcfHarness;
let home: string;

/** Runs the bundle with nothing of the test process in its environment but what a shell on a cluster node has. */
function novaHa(args: string[], extra: Record<string, string> = {}) {
  const env = {
    PATH: `${FAKE_BIN}${delimiter}${NODE_DIR}`, HOME: home, FAKE_ATTRD_DIR: process.env.FAKE_ATTRD_DIR ?? "",
    OS_AUTH_URL: h.sim.authUrl, OS_USERNAME: "admin", OS_PASSWORD: "secret", OS_PROJECT_NAME: "admin", ...extra,
  };
  return execa(BUNDLE, args, { env, extendEnv: false, reject: false, timeout: 30_000, cwd: home });
}

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} does not exist: run npm run build first`);
  h = await startOcfHarness();
  home = mkdtempSync(join(tmpdir(), "nova-ha-home-"));
  h.sim.cloud.seed({ hosts: 3, serversPerHost: 2 });
});
afterAll(async () => {
  await h.stop();
  rmSync(home, { recursive: true, force: true });
});

it("reports a fenced host as fenced, with attrd's yes, in the table and in JSON (exit 0)", async () => {
  await h.fence("compute-2");
  const table = await novaHa(["status"]);
  expect(table.exitCode, table.stderr).toBe(0);
  expect(table.stderr).toBe("");
  expect(table.stdout.split("\n")).toEqual([
    expect.stringMatching(/^HOST +STATE +STATUS +FORCED_DOWN +ATTRD +PHASE +DETAIL$/),
    expect.stringMatching(/^compute-2 +down +disabled +yes +yes +fenced +fenced at /),
  ]);
  const json = await novaHa(["status", "--json", "--all"]);
  expect(json.exitCode).toBe(0);
  const hosts = JSON.parse(json.stdout).hosts as { host: string; phase: string }[];
  expect(hosts.map((host) => [host.host, host.phase])).toEqual([["compute-1", "ok"], ["compute-2", "fenced"], ["compute-3", "ok"]]);
});

it("says what is wrong in one line, never a stack trace or the password, with exit 2 for usage and 1 for a failure", async () => {
  const usage = await novaHa(["status", "--al"]);
  expect(usage).toMatchObject({ exitCode: 2, stdout: "", stderr: "nova-ha: unknown option '--al' (did you mean --all?); see nova-ha --help" });
  const refused = await novaHa(["status"], { OS_PASSWORD: "wrong-password-123" });
  expect(refused.exitCode).toBe(1);
  expect(refused.stdout).toBe("");
  expect(refused.stderr).toMatch(/^nova-ha: Keystone rejected the credentials \(HTTP 401[^\n]*$/);
  expect(refused.stderr).not.toContain("wrong-password-123");
});

it("without attrd_updater on PATH reports Nova's side and exits 3", async () => {
  const run = await novaHa(["status"], { PATH: NODE_DIR });
  expect(run.exitCode).toBe(3);
  expect(run.stdout).toMatch(/^compute-2 +down +disabled +yes +\? +fenced/m);
  expect(run.stderr).toBe("nova-ha: attrd not readable, evacuate flags unknown: attrd_updater is not installed here: run nova-ha on a cluster node");
});
