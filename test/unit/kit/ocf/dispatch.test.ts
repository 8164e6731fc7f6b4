import { describe, expect, it } from "vitest";
import { AgentError, type ErrorKind } from "../../../../src/kit/agent-error.js";
import { OCF, type OcfCode } from "../../../../src/kit/exit-codes.js";
import { OCF_CODE_OF_KIND, notRunning, ocfUsage, runResourceAgent } from "../../../../src/kit/ocf/dispatch.js";
import { ocfMetadata } from "../../../../src/kit/ocf/metadata.js";
import { captureLog, tempDir } from "../fixtures/capture-log.js";
import { makeResourceTestAgent, type ResourceTestOptions } from "../fixtures/resource-test-agent.js";

const dir = tempDir("kit-ocf-dispatch-");
const CONFIGURED = { OCF_RESOURCE_INSTANCE: "kit-test", OCF_RESKEY_state_file: "/run/kit-test.state" };
const PROBE = { ...CONFIGURED, OCF_RESKEY_CRM_meta_timeout: "20000" };
const RECURRING = { ...PROBE, OCF_RESKEY_CRM_meta_interval: "10000" };

/** Runs a fresh test agent for `argv` with `env`, capturing its log. */
async function run(argv: string[], env: NodeJS.ProcessEnv, options: ResourceTestOptions = {}) {
  const { agent, calls } = makeResourceTestAgent(options);
  const log = captureLog(dir, agent.name);
  const startedAt = Date.now();
  const outcome = await runResourceAgent(agent, argv, env, new AbortController().signal, log.make);
  return { outcome, calls, startedAt, endedAt: Date.now(), verbose: log.verbose, log: log.text() };
}

/** Stands in for the OpenStack client's configuration error. */
class FakeOpenStackConfigError extends Error {
  readonly kind = "config";
}

describe("runResourceAgent: protocol actions", () => {
  const { agent } = makeResourceTestAgent();

  it.each([["meta-data"], ["metadata"]])("%s prints the metadata with exit 0, even unconfigured", async (action) => {
    expect((await run([action], {})).outcome).toEqual({ exitCode: 0, stdout: ocfMetadata(agent) });
  });

  it.each([["usage"], ["help"], ["--help"]])("%s prints the usage line", async (action) => {
    expect((await run([action], {})).outcome).toEqual({ exitCode: 0, stdout: "usage: KitTest {start|stop|monitor|validate-all|meta-data|usage}\n" });
  });

  it("answers a missing action with the usage and exit 2", async () => {
    expect((await run([], CONFIGURED)).outcome).toEqual({ exitCode: 2, stdout: ocfUsage(agent), stderr: "ocf-exit-reason:no action given\n" });
  });

  it.each([["promote"], ["migrate_to"], ["reload"]])("answers the unsupported action %s with exit 3 and a reason", async (action) => {
    const { outcome, calls } = await run([action], CONFIGURED);
    expect(outcome).toEqual({ exitCode: 3, stderr: `ocf-exit-reason:action '${action}' is not supported by KitTest\n` });
    expect(calls.validated).toEqual([]);
  });
});

describe("runResourceAgent: configuration", () => {
  it.each([
    ["start succeeds", ["start"], CONFIGURED, { exitCode: 0 }, ["start"]],
    ["validate-all succeeds without running a handler", ["validate-all"], CONFIGURED, { exitCode: 0 }, []],
    ["start without the required parameter is not configured", ["start"], {},
      { exitCode: 6, stderr: "ocf-exit-reason:parameter state_file is required but not set\n" }, []],
    ["validate-all without the required parameter is not configured", ["validate-all"], { OCF_RESKEY_state_file: "" },
      { exitCode: 6, stderr: "ocf-exit-reason:parameter state_file is required but not set\n" }, []],
    ["a recurring monitor without the required parameter is not configured", ["monitor"], { OCF_RESKEY_CRM_meta_interval: "10000" },
      { exitCode: 6, stderr: "ocf-exit-reason:parameter state_file is required but not set\n" }, []],
    ["a probe without the required parameter reports not running", ["monitor"], { OCF_RESKEY_CRM_meta_timeout: "20000" }, { exitCode: 7 }, []],
    ["a probe with a badly typed parameter reports not running", ["monitor"], { ...PROBE, OCF_RESKEY_count: "many" }, { exitCode: 7 }, []],
    ["start with a badly typed parameter is not configured", ["start"], { ...CONFIGURED, OCF_RESKEY_count: "0" },
      { exitCode: 6, stderr: "ocf-exit-reason:parameter count must be at least 1, got 0\n" }, []],
    ["stop proceeds without the required parameter", ["stop"], {}, { exitCode: 0 }, ["stop"]],
    ["stop proceeds with a badly typed parameter", ["stop"], { ...CONFIGURED, OCF_RESKEY_enabled: "perhaps" }, { exitCode: 0 }, ["stop"]],
  ])("%s", async (_title, argv, env, expected, handled) => {
    const { outcome, calls } = await run(argv, env);
    expect(outcome).toEqual(expected);
    expect(calls.actions.map((context) => context.action)).toEqual(handled);
  });

  it("gives stop the default of a malformed parameter only, keeps every other value, and warns", async () => {
    const { calls, log, outcome } = await run(["stop"], { ...CONFIGURED, OCF_RESKEY_count: "many", OCF_RESKEY_grace: "45s" });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(calls.actions[0]?.params).toEqual({
      state_file: "/run/kit-test.state", count: 3, grace: 45, enabled: true, password: undefined, verbose: false, internal_knob: undefined,
    });
    expect(log).toContain("parameter count must be a whole number, got 'many'; using its default 3");
  });

  it("hands typed parameters to the handler", async () => {
    const { calls } = await run(["start"], { ...CONFIGURED, OCF_RESKEY_count: "5", OCF_RESKEY_grace: "45s", OCF_RESKEY_enabled: "no" });
    expect(calls.actions[0]?.params).toMatchObject({ state_file: "/run/kit-test.state", count: 5, grace: 45, enabled: false });
  });

  it.each([
    ["start fails with the validator's code", ["start"], CONFIGURED, { exitCode: 5, stderr: "ocf-exit-reason:needs /usr/bin/kit-helper\n" }, 1],
    ["a recurring monitor fails with the validator's code", ["monitor"], RECURRING, { exitCode: 5, stderr: "ocf-exit-reason:needs /usr/bin/kit-helper\n" }, 1],
    ["validate-all fails with the validator's code", ["validate-all"], CONFIGURED, { exitCode: 5, stderr: "ocf-exit-reason:needs /usr/bin/kit-helper\n" }, 1],
    ["a probe reports not running", ["monitor"], PROBE, { exitCode: 7 }, 1],
    ["stop does not run the validator", ["stop"], CONFIGURED, { exitCode: 0 }, 0],
  ])("when the agent's validator fails, %s", async (_title, argv, env, expected, validations) => {
    const validate = async () => Promise.reject(new AgentError("installed", "needs /usr/bin/kit-helper"));
    const { outcome, calls } = await run(argv, env, { validate });
    expect(outcome).toEqual(expected);
    expect(calls.validated).toHaveLength(validations);
  });
});

describe("runResourceAgent: handler results", () => {
  it.each([
    ["returns nothing", async () => undefined, { exitCode: 0 }],
    ["returns not running", async () => OCF.NOT_RUNNING, { exitCode: 7 }],
    ["returns a generic error code", async () => OCF.ERR_GENERIC, { exitCode: 1 }],
    ["calls notRunning", async () => notRunning("state file is missing"), { exitCode: 7, stderr: "ocf-exit-reason:state file is missing\n" }],
  ] as [string, () => Promise<OcfCode | void>, object][])("a handler that %s gives that code", async (_title, answer, expected) => {
    expect((await run(["monitor"], RECURRING, { answer })).outcome).toEqual(expected);
  });

  it.each([
    ["configured", 6], ["args", 2], ["installed", 5], ["unimplemented", 3], ["not-running", 7], ["generic", 1],
  ] as [ErrorKind, number][])("maps AgentError(%s) to exit %d with an exit reason", async (kind, code) => {
    const answer = async () => Promise.reject(new AgentError(kind, `failed as ${kind}`));
    const { outcome, log } = await run(["start"], CONFIGURED, { answer });
    expect(OCF_CODE_OF_KIND[kind]).toBe(code);
    expect(outcome).toEqual({ exitCode: code, stderr: `ocf-exit-reason:failed as ${kind}\n` });
    expect(JSON.parse(log.trim().split("\n").at(-1) ?? "{}")).toMatchObject({ level: 50, msg: `failed as ${kind}`, action: "start", rsc: "kit-test" });
  });

  it.each([
    ["an Error with a stack in its message", new Error("connection reset\n    at Socket.onEnd (node:net:1:1)"), 1, "connection reset"],
    ["an OpenStack-like configuration error", new FakeOpenStackConfigError("auth_url is not a URL\nfix the resource"), 6, "auth_url is not a URL"],
    ["a thrown string", "plain failure", 1, "plain failure"],
  ])("turns %s into one exit-reason line", async (_title, thrown, code, line) => {
    const { outcome, log } = await run(["start"], CONFIGURED, { answer: async () => Promise.reject(thrown) });
    expect(outcome).toEqual({ exitCode: code, stderr: `ocf-exit-reason:${line}\n` });
    expect(log).not.toContain("    at ");
  });
});

describe("runResourceAgent: context", () => {
  it.each([
    ["Pacemaker's timeout", ["start"], { ...CONFIGURED, OCF_RESKEY_CRM_meta_timeout: "40000" }, 34_000],
    ["the action's default timeout", ["monitor"], { ...CONFIGURED, OCF_RESKEY_CRM_meta_interval: "10000" }, 25_500],
  ])("computes the deadline from %s, less 15%%", async (_title, argv, env, budget) => {
    const { calls, startedAt, endedAt } = await run(argv, env);
    const deadline = calls.actions[0]?.deadline ?? 0;
    expect(deadline).toBeGreaterThanOrEqual(startedAt + budget);
    expect(deadline).toBeLessThanOrEqual(endedAt + budget);
  });

  it("counts the deadline from when the operation began, the agent process's start-up included", async () => {
    const { agent, calls } = makeResourceTestAgent();
    const began = Date.now() - 7_000;
    const log = captureLog(dir, agent.name);
    await runResourceAgent(agent, ["start"], { ...CONFIGURED, OCF_RESKEY_CRM_meta_timeout: "20000" }, new AbortController().signal, log.make, began);
    expect(calls.actions[0]?.deadline).toBe(began + 17_000);
  });

  it("keeps the deadline a whole number of milliseconds when the process start is not (performance.timeOrigin)", async () => {
    const { agent, calls } = makeResourceTestAgent();
    const log = captureLog(dir, agent.name);
    await runResourceAgent(agent, ["start"], CONFIGURED, new AbortController().signal, log.make, Date.now() - 0.4375);
    expect(Number.isInteger(calls.actions[0]?.deadline)).toBe(true);
  });

  it.each([
    ["a probe", PROBE, true],
    ["a recurring monitor", RECURRING, false],
  ])("tells the handler whether it runs %s", async (_title, env, probe) => {
    const { calls } = await run(["monitor"], env);
    expect(calls.actions[0]).toMatchObject({ action: "monitor", probe, environment: { instance: "kit-test" } });
  });

  it.each([
    ["no debug setting", false, {}],
    ["HA_debug=1", true, { HA_debug: "1" }],
    ["OCF_TRACE_RA", true, { OCF_TRACE_RA: "1" }],
    ["the verbose parameter", true, { OCF_RESKEY_verbose: "yes" }],
    ["verbose=false", false, { OCF_RESKEY_verbose: "false" }],
  ])("%s makes the logger verbose=%s", async (_title, verbose, env) => {
    expect((await run(["start"], { ...CONFIGURED, ...env })).verbose).toEqual([verbose]);
  });
});
