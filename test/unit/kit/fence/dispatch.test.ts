import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentError } from "../../../../src/kit/agent-error.js";
import { fenceUsage, runFenceAgent } from "../../../../src/kit/fence/dispatch.js";
import type { FenceAgent } from "../../../../src/kit/fence/fence-agent.js";
import { scrubSecrets } from "../../../../src/kit/logger.js";
import { captureLog, tempDir } from "../fixtures/capture-log.js";
import { makeFenceTestAgent, type FenceTestOptions } from "../fixtures/fence-test-agent.js";

const dir = tempDir("kit-fence-dispatch-");

/** One run of a fence agent: argv when `input` is an array, stdin text when it is a string. */
async function run(agent: FenceAgent, input: readonly string[] | string, signal = new AbortController().signal) {
  const log = captureLog(dir, agent.name);
  let stdinRead = false;
  const readStdin = async () => {
    stdinRead = true;
    return typeof input === "string" ? input : "";
  };
  const started = Date.now();
  const outcome = await runFenceAgent(agent, typeof input === "string" ? [] : input, readStdin, signal, log.make);
  return { outcome, elapsedMs: Date.now() - started, stdinRead, verbose: log.verbose, log: log.text() };
}

/** Runs a fresh test agent built with `options`. */
async function runTest(input: readonly string[] | string, options: FenceTestOptions = {}) {
  const { agent, calls } = makeFenceTestAgent(options);
  return { ...(await run(agent, input)), calls };
}

const PLUG_MISSING = "Failed: You have to enter plug number or machine identification (plug= or port=, -n)\n";

describe("runFenceAgent: actions", () => {
  it.each([
    ["status of a running node answers Status: ON and 0", ["-o", "status", "-n", "node-1"], 0, "Status: ON\n", "status:node-1"],
    ["status of a stopped node answers Status: OFF and 2", "action=status\nport=off-node-9\n", 2, "Status: OFF\n", "status:off-node-9"],
    ["on powers on", ["--action=on", "--plug=node-1"], 0, "Success: Powered ON\n", "on:node-1"],
    ["off powers off", "action=off\nplug=node-1\n", 0, "Success: Powered OFF\n", "off:node-1"],
    ["reboot reboots", ["-o", "reboot", "--port", "node-1"], 0, "Success: Rebooted\n", "reboot:node-1"],
    ["an upper-case action is lowercased", ["-o", "OFF", "-n", "node-1"], 0, "Success: Powered OFF\n", "off:node-1"],
    ["no action means the default action", "nodename=node-1\nport=node-1\n", 0, "Success: Rebooted\n", "reboot:node-1"],
    ["monitor needs no plug and prints nothing", "action=monitor\n", 0, undefined, "monitor:"],
    ["list prints id and alias", ["-o", "list"], 0, "node-1,n1\nnode-2,\n", "list:"],
    ["list-status adds the status", "action=list-status\n", 0, "node-1,n1,ON\nnode-2,,OFF\n", "list-status:"],
    ["list uses the separator from stdin", "action=list\nseparator=;\n", 0, "node-1;n1\nnode-2;\n", "list:"],
    ["list-status uses the separator from -C", ["-o", "list-status", "-C", "|"], 0, "node-1|n1|ON\nnode-2||OFF\n", "list-status:"],
  ])("%s", async (_title, input, exitCode, stdout, call) => {
    const { outcome, calls } = await runTest(input);
    expect(outcome).toEqual({ exitCode, stdout });
    expect(calls.log).toEqual([call]);
  });

  it.each([
    ["enable is on", "enable", "Success: Powered ON\n", "on:node-1"],
    ["disable is off", "disable", "Success: Powered OFF\n", "off:node-1"],
    ["on is on", "on", "Success: Powered ON\n", "on:node-1"],
  ])("for a fabric agent %s", async (_title, action, stdout, call) => {
    const { outcome, calls } = await runTest(["-o", action, "-n", "node-1"], { fabric: true });
    expect(outcome).toEqual({ exitCode: 0, stdout });
    expect(calls.log).toEqual([call]);
  });

  it.each([
    ["a fabric agent does not reboot", ["-o", "reboot", "-n", "node-1"], { fabric: true }, "reboot"],
    ["a plain agent does not know enable", ["-o", "enable", "-n", "node-1"], {}, "enable"],
    ["an agent without a list handler does not list", ["-o", "list"], { without: ["list"] }, "list"],
    ["an agent without an on handler does not power on", "action=on\nport=node-1\n", { without: ["on"] }, "on"],
    ["an unknown action fails", ["-o", "dance", "-n", "node-1"], {}, "dance"],
  ] as const)("%s: Unrecognised action, exit 1", async (_title, input, options, action) => {
    const { outcome, calls } = await runTest(input, options);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(new RegExp(`^Failed: Unrecognised action '${action}' \\(use one of [a-z, -]+\\)\\n$`));
    expect(outcome.stdout).toBeUndefined();
    expect(calls.log).toEqual([]);
  });

  it("lists the agent's own actions in the unrecognised-action message", async () => {
    const { outcome } = await runTest(["-o", "dance"]);
    expect(outcome.stderr).toBe(
      "Failed: Unrecognised action 'dance' (use one of on, off, reboot, status, list, list-status, monitor, metadata, validate-all)\n",
    );
  });
});

describe("runFenceAgent: short-circuits", () => {
  it.each([
    ["-o metadata", ["-o", "metadata"]],
    ["-o meta-data", ["-o", "meta-data"]],
    ["-o manpage", ["-o", "manpage"]],
    ["action=metadata on stdin", "action=metadata\n"],
    ["metadata with otherwise invalid options", "action=meta-data\ndelay=soon\n"],
  ])("%s prints the metadata and exits 0", async (_title, input) => {
    const { outcome, calls } = await runTest(input);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toMatch(/^<\?xml version="1.0" \?>\n<resource-agent name="fence_kittest" /);
    expect(outcome.stderr).toBeUndefined();
    expect(calls.log).toEqual([]);
  });

  it.each([["-h"], ["--help"]])("%s prints the usage built from the table", async (flag) => {
    const { agent, calls } = makeFenceTestAgent();
    const { outcome } = await run(agent, [flag, "-o", "off"]);
    expect(outcome).toEqual({ exitCode: 0, stdout: fenceUsage(agent) });
    expect(outcome.stdout).toContain("Usage:\n\tfence_kittest [options]\nOptions:\n");
    expect(outcome.stdout).toMatch(/^ {3}-o, --action=\[action\] +Action: on, off, reboot, status, list, list-status, monitor, metadata, manpage or validate-all \(default reboot\)$/m);
    expect(outcome.stdout).toMatch(/^ {3}-n, --plug=\[id\] +Physical plug number/m);
    expect(outcome.stdout).toMatch(/^ {7}--insecure +Skip TLS verification$/m);
    expect(outcome.stdout).toMatch(/^ {3}-h, --help +Display help and exit$/m);
    expect(outcome.stdout).not.toContain("nodename");
    expect(calls.log).toEqual([]);
  });

  it.each([["-V"], ["--version"]])("%s prints the version", async (flag) => {
    expect((await runTest([flag])).outcome).toEqual({ exitCode: 0, stdout: "1.2.3\n" });
  });

  it("answers from preflight without running the action", async () => {
    const preflight = { exitCode: 0, stdout: "Success: Already OFF\n" };
    const { outcome, calls } = await runTest(["-o", "off", "-n", "node-1"], {
      handlers: { preflight: (context) => (context.action === "off" ? preflight : undefined) },
    });
    expect(outcome).toEqual(preflight);
    expect(calls.log).toEqual([]);
  });

  it("runs the action when preflight has nothing to say", async () => {
    const { outcome } = await runTest(["-o", "status", "-n", "node-1"], { handlers: { preflight: () => undefined } });
    expect(outcome).toEqual({ exitCode: 0, stdout: "Status: ON\n" });
  });

  it("reads stdin only when argv is empty", async () => {
    const { agent } = makeFenceTestAgent();
    expect((await run(agent, ["-o", "monitor"])).stdinRead).toBe(false);
    expect((await run(agent, "action=monitor\n")).stdinRead).toBe(true);
  });
});

describe("runFenceAgent: validate-all", () => {
  it.each([
    ["passes with a plug", ["-o", "validate-all", "-n", "node-1"], {}, { exitCode: 0 }],
    ["needs a plug when the agent can power on", "action=validate-all\n", {}, { exitCode: 1, stderr: PLUG_MISSING }],
    ["needs no plug when the agent cannot power on", "action=validate-all\n", { without: ["on"] }, { exitCode: 0 }],
    ["runs the agent's checks", "action=validate-all\nport=node-1\nauth_url=invalid\n", {}, { exitCode: 1, stderr: "Failed: auth_url must be an http(s) URL\n" }],
    ["types the parameters", "action=validate-all\nport=node-1\nretry_on=-1\n", {}, { exitCode: 1, stderr: "Failed: parameter retry_on must be at least 0, got -1\n" }],
  ] as const)("validate-all %s", async (_title, input, options, expected) => {
    const { outcome, calls } = await runTest(input, options);
    expect(outcome).toEqual(expected);
    expect(calls.log).toEqual([]);
  });
});

describe("runFenceAgent: bad input", () => {
  it.each([
    ["off without a plug", ["-o", "off"], PLUG_MISSING],
    ["on without a plug", "action=on\n", PLUG_MISSING],
    ["reboot with only a nodename", "action=reboot\nnodename=node-1\n", PLUG_MISSING],
    ["status with an empty port", "action=status\nport=\n", PLUG_MISSING],
    ["an unknown option", ["-o", "off", "--bogus"], "Failed: unknown option '--bogus' (see --help)\n"],
    ["a misplaced value for a flag", ["-o", "off", "--verbose=1"], "Failed: unknown option '--verbose=1' (Did you mean --verbose?) (see --help)\n"],
    ["a malformed stdin line", "action=off\nport node-1\n", "Failed: stdin line 2 is not key=value\n"],
    ["a delay that is not a number", ["-o", "off", "-n", "node-1", "--delay=soon"], "Failed: parameter delay must be a whole number of seconds, got 'soon'\n"],
    ["a garbage boolean", "action=off\nport=node-1\ninsecure=perhaps\n", "Failed: parameter insecure must be a boolean (1/0, yes/no, true/false, on/off), got 'perhaps'\n"],
    ["an endpoint type outside its choices", ["-o", "off", "-n", "x", "-e", "private"], "Failed: parameter endpoint_type must be one of public, internal, admin, got 'private'\n"],
    ["the agent's own check", ["-o", "off", "-n", "node-1", "-k", "invalid"], "Failed: auth_url must be an http(s) URL\n"],
    ["a delay of 2^31 ms", "action=off\nport=node-1\ndelay=2147484\n", "Failed: parameter delay must be at most 2147483 (the longest a timer can wait), got 2147484\n"],
    ["an action of 70 KB", `action=${"x".repeat(70_000)}\nport=node-1\n`, `Failed: Unrecognised action '${"x".repeat(60)}...' (70000 characters) (use one of on, off, reboot, status, list, list-status, monitor, metadata, validate-all)\n`],
    ["an unknown option of 70 KB", ["-o", "off", `--${"b".repeat(70_000)}`], `Failed: unknown option '--${"b".repeat(58)}...' (70002 characters) (see --help)\n`],
  ])("%s fails with one line and exit 1", async (_title, input, stderr) => {
    const { outcome, calls } = await runTest(input);
    expect(outcome).toEqual({ exitCode: 1, stderr });
    expect(calls.log).toEqual([]);
  });
});

/** Stands in for the OpenStack client's error: a kind, an HTTP status and a multi-line message. */
class FakeOpenStackError extends Error {
  readonly kind = "unreachable";
  readonly status = 503;
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}\n    at request (http.ts:10:5)`;
  }
}

describe("runFenceAgent: failing handlers", () => {
  it.each([
    ["an AgentError", new AgentError("generic", "Nova refused to force the service down"), "Nova refused to force the service down"],
    ["an Error with a stack-like message", new Error("socket hang up\n    at TLSSocket.onClose (node:_http_client:1:1)"), "socket hang up"],
    ["an OpenStack-like error", new FakeOpenStackError("cannot reach Nova at http://nova:8774 (HTTP 503)\ncheck the nova-api service"), "cannot reach Nova at http://nova:8774 (HTTP 503)"],
    ["a thrown string", "plain text failure", "plain text failure"],
    ["an error with an empty message", new Error(""), "unknown error"],
  ])("%s becomes 'Failed: <one line>' and exit 1", async (_title, thrown, line) => {
    const { outcome, log } = await runTest(["-o", "off", "-n", "node-1"], {
      handlers: { off: async () => Promise.reject(thrown) },
    });
    expect(outcome).toEqual({ exitCode: 1, stderr: `Failed: ${line}\n` });
    expect(log).not.toContain("    at ");
    expect(JSON.parse(log.trim().split("\n").at(-1) ?? "{}")).toMatchObject({ level: 50, msg: line, action: "off" });
  });

  it("fails status when the handler throws, rather than reporting a power state", async () => {
    const { outcome } = await runTest("action=status\nport=node-1\n", {
      handlers: { status: async () => Promise.reject(new Error("timed out")) },
    });
    expect(outcome).toEqual({ exitCode: 1, stderr: "Failed: timed out\n" });
  });
});

describe("runFenceAgent: delay", () => {
  it.concurrent.each([
    ["off waits for the delay", ["-o", "off", "-n", "node-1", "--delay=1"], true],
    ["reboot waits for the delay", "action=reboot\nport=node-1\ndelay=1s\n", true],
    ["on does not wait", ["-o", "on", "-n", "node-1", "--delay", "1"], false],
    ["status does not wait", "action=status\nport=node-1\ndelay=1\n", false],
  ])("%s", async (_title, input, waits) => {
    const { outcome, elapsedMs, calls } = await runTest(input);
    expect(outcome.exitCode).toBe(0);
    expect(calls.log).toHaveLength(1);
    if (waits) expect(elapsedMs).toBeGreaterThanOrEqual(950);
    else expect(elapsedMs).toBeLessThan(500);
  });

  it("gives up during the delay when aborted, without fencing", async () => {
    const { agent, calls } = makeFenceTestAgent();
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error("stopped by SIGTERM")), 100);
    const { outcome, elapsedMs } = await run(agent, ["-o", "off", "-n", "node-1", "--delay=5"], abort.signal);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(/^Failed: [^\n]*abort[^\n]*\n$/);
    expect(elapsedMs).toBeLessThan(1_000);
    expect(calls.log).toEqual([]);
  });
});

describe("runFenceAgent: the action's deadline", () => {
  it.each([
    ["shell_timeout after the start by default (180 s, the compute agents' default)", "action=status\nport=node-1\n", 180_000],
    ["shell_timeout as given", "action=status\nport=node-1\nshell_timeout=7\n", 7_000],
    ["shell_timeout after the delay of off", "action=off\nport=node-1\nshell_timeout=7\ndelay=1\n", 8_000],
    ["none with shell_timeout=0", "action=status\nport=node-1\nshell_timeout=0\n", Infinity],
    ["none with disable_timeout", "action=status\nport=node-1\ndisable_timeout=1\n", Infinity],
  ])("is %s", async (_title, stdin, budgetMs) => {
    const started = Date.now();
    const { calls } = await runTest(stdin);
    const deadline = calls.last?.deadline ?? NaN;
    if (budgetMs === Infinity) {
      expect(deadline).toBe(Infinity);
    } else {
      expect(deadline - started).toBeGreaterThanOrEqual(budgetMs);
      expect(deadline - started).toBeLessThan(budgetMs + 1_000);
    }
  });
});

describe("runFenceAgent: typed values and logging", () => {
  it.each([
    ["insecure=0 on stdin verifies TLS", "action=status\nport=n\ninsecure=0\n", false],
    ["insecure=1 on stdin skips verification", "action=status\nport=n\ninsecure=1\n", true],
    ["--insecure skips verification", ["-o", "status", "-n", "n", "--insecure"], true],
    ["--insecure=0 verifies TLS", ["-o", "status", "-n", "n", "--insecure=0"], false],
    ["no insecure verifies TLS", ["-o", "status", "-n", "n"], undefined],
  ])("%s", async (_title, input, insecure) => {
    const { calls } = await runTest(input);
    expect(calls.last?.params.insecure).toBe(insecure);
  });

  it("hands the deprecated spellings to the handler under their new names", async () => {
    const { calls } = await runTest("action=status\nport=node-7\nlogin=admin\npasswd=pw-1\n");
    expect(calls.last).toMatchObject({ plug: "node-7", params: { username: "admin", password: "pw-1", plug: "node-7" } });
  });

  it.each([
    ["no verbose option", false, ["-o", "monitor"]],
    ["-v", true, ["-o", "monitor", "-v"]],
    ["-vv", true, ["-o", "monitor", "-vv"]],
    ["verbose=1 on stdin", true, "action=monitor\nverbose=1\n"],
    ["verbose=0 on stdin", false, "action=monitor\nverbose=0\n"],
    ["verbose_level=2 on stdin", true, "action=monitor\nverbose_level=2\n"],
    ["--verbose-level=0", false, ["-o", "monitor", "--verbose-level=0"]],
  ])("%s makes the logger verbose=%s", async (_title, verbose, input) => {
    expect((await runTest(input)).verbose).toEqual([verbose]);
  });

  it("logs unknown stdin keys as warnings and carries on", async () => {
    const { outcome, log } = await runTest("action=monitor\nfoo=bar\n");
    expect(outcome.exitCode).toBe(0);
    expect(log.trim().split("\n").map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 40, msg: "ignoring unknown option 'foo'", action: "monitor" }),
    );
  });

  it("registers the password so later output is scrubbed", async () => {
    await runTest("action=status\nport=node-1\npassword=Registered-Pw-42\n");
    expect(scrubSecrets("token for Registered-Pw-42")).toBe("token for ****");
  });

  it.each([
    ["debug_file on stdin", (path: string) => ({ argv: [], stdin: `action=status\nport=node-1\nfoo=bar\ndebug_file=${path}\n` })],
    ["the deprecated debug on stdin", (path: string) => ({ argv: [], stdin: `action=status\nport=node-1\nfoo=bar\ndebug=${path}\n` })],
    ["-D on argv", (path: string) => ({ argv: ["-o", "status", "-n", "node-1", "-D", path], stdin: "" })],
  ])("%s writes the log, at debug level, to that file", async (_title, input) => {
    const path = join(dir, `debug-${process.hrtime.bigint()}.log`);
    const { argv, stdin } = input(path);
    const { agent } = makeFenceTestAgent();
    const outcome = await runFenceAgent(agent, argv, async () => stdin, new AbortController().signal);
    expect(outcome).toEqual({ exitCode: 0, stdout: "Status: ON\n" });
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, "utf8");
    expect(text).toMatch(/fence_kittest\[\d+\] debug: handling status action=status/);
    if (stdin) expect(text).toContain("warning: ignoring unknown option 'foo'");
  });
});
