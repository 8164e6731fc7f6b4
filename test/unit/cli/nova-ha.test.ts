// `nova-ha status` in-process against the simulator and the recorded fake attrd: a host's whole recovery, bad input, secrets.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { novaEvacuate } from "../../../src/agents/nova-evacuate.js";
import { novaHa } from "../../../src/cli/nova-ha.js";
import { runFenceAgent } from "../../../src/kit/fence/dispatch.js";
import type { Outcome } from "../../../src/kit/runtime.js";
import { attrdUpdater } from "../../../src/pacemaker/attrd.js";
import { DEFAULT_APP_CREDENTIAL } from "../../sim/identity-store.js";
import { startOcfHarness, type OcfHarness } from "../agents/ocf-harness.js";
import { captureLog } from "../kit/fixtures/capture-log.js";

let h: OcfHarness;
let dir: string;
const MONITOR = { OCF_RESKEY_CRM_meta_interval: "10000", OCF_RESKEY_CRM_meta_timeout: "60000" };

/** An operator's shell: OS_* for the simulator's admin, a HOME with no clouds.yaml. */
function shell(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { HOME: dir, OS_AUTH_URL: h.sim.authUrl, OS_USERNAME: "admin", OS_PASSWORD: "secret", OS_PROJECT_NAME: "admin", ...extra };
}

/** Runs nova-ha in-process; returns its outcome and what it logged. */
async function novaHaRun(argv: string[], env = shell()): Promise<Outcome & { log: string }> {
  const log = captureLog(dir, "nova-ha");
  const outcome = await novaHa(argv, { env, makeLog: log.make, attrd: () => attrdUpdater() });
  return { ...outcome, log: log.text() };
}

/** The table's rows as cells, without the title line. */
function rows(stdout: string | undefined): string[][] {
  return (stdout ?? "").trimEnd().split("\n").slice(1).map((line) => line.split(/ {2,}/));
}

/** The JSON report's host of that name. */
async function jsonHost(host: string): Promise<Record<string, any>> {
  const run = await novaHaRun(["status", "--json", host]);
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout ?? "").hosts[0];
}

/** Writes a clouds.yaml holding one cloud `name` with the simulator's application credential; returns its path. */
function cloudsYaml(name: string): string {
  const path = join(dir, `clouds-${name}.yaml`);
  writeFileSync(path, [
    "clouds:", `  ${name}:`, "    auth_type: v3applicationcredential", "    auth:", `      auth_url: ${h.sim.authUrl}`,
    `      application_credential_id: ${DEFAULT_APP_CREDENTIAL.id}`, `      application_credential_secret: ${DEFAULT_APP_CREDENTIAL.secret}`, "",
  ].join("\n"));
  return path;
}

/** Expects a usage or run failure: that exit code, nothing on stdout, one line on stderr, no stack trace. */
function expectOneLineFailure(run: Outcome, exitCode: number, says: RegExp): void {
  expect(run.exitCode).toBe(exitCode);
  expect(run.stdout ?? "").toBe("");
  expect(run.stderr).toMatch(/^nova-ha: [^\n]+\n$/);
  expect(run.stderr).toMatch(says);
  expect(run.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
}

beforeAll(async () => {
  h = await startOcfHarness();
  dir = mkdtempSync(join(tmpdir(), "nova-ha-cli-"));
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  h.sim.cloud.clock.resetOffset();
  h.sim.cloud.config.evacuateLatencyMs = 50;
  h.sim.cloud.seed({ hosts: 3, serversPerHost: 4 });
  h.attrd.reset();
});

describe("nova-ha status through a host's recovery", () => {
  it("says in one line that no host needs attention, and lists every host as ok with --all", async () => {
    const quiet = await novaHaRun(["status"]);
    expect(quiet).toMatchObject({ exitCode: 0, stdout: "no host needs attention: 3 nova-compute services up and enabled, none flagged in attrd (--all lists them)\n" });
    const all = await novaHaRun(["status", "--all"]);
    expect(all.exitCode).toBe(0);
    expect(rows(all.stdout)).toEqual(["compute-1", "compute-2", "compute-3"].map((host) => [host, "up", "enabled", "no", "-", "ok", "up and enabled"]));
  });

  it("follows compute-1 from fenced through evacuating and evacuated back to ok", async () => {
    await h.fence("compute-1");
    const fenced = await novaHaRun(["status"]);
    expect(fenced.exitCode).toBe(0);
    expect(rows(fenced.stdout)).toEqual([["compute-1", "down", "disabled", "yes", "yes", "fenced", expect.stringMatching(/^fenced at \S+: NovaEvacuate starts/)]]);

    h.sim.cloud.config.evacuateLatencyMs = 2500;
    const params = { ...h.credentials(), poll_interval: "1" };
    expect((await h.run(novaEvacuate, "start", params)).exitCode).toBe(0);
    expect((await h.run(novaEvacuate, "monitor", { ...params, pass_budget: "1" }, MONITOR)).exitCode).toBe(0);
    const evacuating = await jsonHost("compute-1");
    expect(evacuating).toMatchObject({ phase: "evacuating", attrd: { node: "compute-1", value: expect.stringMatching(/@\d+$/) }, nova: { forcedDown: true, marker: { phase: "evacuating" } } });
    expect(evacuating.detail).toMatch(/^NovaEvacuate on \S+ is recovering its instances \(since \S+\)$/);

    expect((await h.run(novaEvacuate, "monitor", params, MONITOR)).exitCode).toBe(0);
    const evacuated = await jsonHost("compute-1");
    expect(evacuated).toMatchObject({ phase: "evacuated", attrd: { value: "no" }, nova: { marker: { phase: "evacuated", recovered: "4", failed: "0" } } });

    h.sim.cloud.reviveHost("compute-1");
    const stdin = Object.entries({ ...h.credentials(), action: "on", port: "compute-1" }).map(([key, value]) => `${key}=${value}`).join("\n");
    const on = await runFenceAgent(fenceCompute, [], async () => stdin, new AbortController().signal, captureLog(dir, "fence").make);
    expect(on.exitCode, on.stderr).toBe(0);
    expect((await novaHaRun(["status"])).stdout).toMatch(/^no host needs attention: 3 /);
    expect(await jsonHost("compute-1")).toMatchObject({ phase: "ok", attrd: { value: "no" }, nova: { state: "up", status: "enabled", forcedDown: false } });
  });

  it("tells an operator's reason, a dead host nobody fenced, a flag Nova cannot see and a node Nova has no service for apart", async () => {
    const compute2 = h.sim.cloud.computeService("compute-2");
    if (!compute2) throw new Error("the seed has no compute-2");
    Object.assign(compute2, { disabled: true, disabledReason: "disk swap" });
    h.sim.cloud.killHost("compute-3");
    h.sim.cloud.clock.advance(61_000);
    h.attrd.set("compute-1", "yes");
    h.attrd.set("compute-9", "yes");
    const run = await novaHaRun(["status"]);
    expect(run.exitCode).toBe(0);
    expect(rows(run.stdout).map((row) => [row[0], row[4], row[5]])).toEqual([
      ["compute-1", "yes", "blocked"], ["compute-2", "-", "disabled"], ["compute-3", "-", "down"], ["compute-9", "yes", "unmatched"],
    ]);
    expect(run.stdout).toContain('disabled by someone else: "disk swap"');
  });

  it("shows named hosts whatever their phase, a cluster node name standing for its Nova host", async () => {
    h.sim.cloud.seed({ hosts: ["compute-1.example.com", "compute-2.example.com"], serversPerHost: 1 });
    h.attrd.set("compute-2", "no");
    const run = await novaHaRun(["status", "compute-2"]);
    expect(run.exitCode).toBe(0);
    expect(rows(run.stdout)).toEqual([["compute-2.example.com", "up", "enabled", "no", "no (compute-2)", "ok", "up and enabled"]]);
  });

  it("still reports Nova when attrd cannot be read: flags ?, one line on stderr, exit 3", async () => {
    await h.fence("compute-2");
    h.attrd.failQueries(true);
    const run = await novaHaRun(["status"]);
    expect(run.exitCode).toBe(3);
    expect(rows(run.stdout)).toEqual([["compute-2", "down", "disabled", "yes", "?", "fenced", expect.any(String)]]);
    expect(run.stderr).toMatch(/^nova-ha: attrd not readable, evacuate flags unknown: .*Transport endpoint is not connected\n$/);
  });
});

describe("nova-ha bad input", () => {
  it.each([
    { argv: ["status", "--jsn"], says: /^nova-ha: unknown option '--jsn' \(did you mean --json\?\); see nova-ha --help$/m },
    { argv: ["stats"], says: /^nova-ha: unknown command 'stats' \(did you mean status\?\)/ },
    { argv: ["status", "--interface", "intranet"], says: /argument 'intranet' is invalid\. Allowed choices are public, internal/ },
    { argv: ["status", "--cloud"], says: /option '--cloud <name>' argument missing/ },
    { argv: ["status", "compute-7"], says: /^nova-ha: Nova has no nova-compute service for host compute-7 \(known: compute-1, compute-2, compute-3\)$/m },
  ])("$argv is a usage error (exit 2) in one line", async ({ argv, says }) => {
    expectOneLineFailure(await novaHaRun(argv), 2, says);
  });

  it("no command prints the help on stderr, exit 2", async () => {
    const run = await novaHaRun([]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout ?? "").toBe("");
    expect(run.stderr).toMatch(/^Usage: nova-ha \[options\] \[command\]/);
  });

  it("--help and --version answer on stdout with exit 0", async () => {
    expect(await novaHaRun(["status", "--help"])).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^Usage: nova-ha status \[options\] \[hosts\.\.\.\]/) });
    expect(await novaHaRun(["--version"])).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it.each([
    { title: "no credentials at all", env: () => ({ HOME: dir }), says: /auth_url is not set .*OS_AUTH_URL/ },
    { title: "a cloud missing from clouds.yaml", env: () => shell({ OS_CLIENT_CONFIG_FILE: cloudsYaml("staging") }), argv: ["--cloud", "prod"], says: /cloud .prod. is not in \S+ \(clouds there: staging\)/ },
    { title: "Keystone not listening", env: () => shell({ OS_AUTH_URL: "http://127.0.0.1:1/v3" }), says: /cannot reach Keystone at http:\/\/127\.0\.0\.1:1/ },
  ])("$title fails in one line with what to fix (exit 1)", async ({ env, argv = [], says }) => {
    expectOneLineFailure(await novaHaRun(["status", ...argv], env()), 1, says);
  });

  it("a password Keystone refuses fails in one line that, like the verbose log, never shows it", async () => {
    const run = await novaHaRun(["status", "--verbose"], shell({ OS_PASSWORD: "wrong-password-123" }));
    expectOneLineFailure(run, 1, /Keystone rejected the credentials \(HTTP 401/);
    expect(run.log).toMatch(/auth\/tokens/);
    expect(`${run.stderr}${run.log}`).not.toContain("wrong-password-123");
  });
});

describe("nova-ha credentials", () => {
  it("reads an application credential from clouds.yaml (--cloud) and keeps its secret out of output and the verbose log", async () => {
    const clouds = cloudsYaml("sim");
    await h.fence("compute-3");
    const run = await novaHaRun(["status", "--cloud", "sim", "--verbose", "--interface", "public"], { HOME: dir, OS_CLIENT_CONFIG_FILE: clouds });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(rows(run.stdout).map((row) => row[0])).toEqual(["compute-3"]);
    expect(run.log).toMatch(/os-services/);
    expect(`${run.stdout}${run.stderr ?? ""}${run.log}`).not.toContain(DEFAULT_APP_CREDENTIAL.secret);
  });
});
