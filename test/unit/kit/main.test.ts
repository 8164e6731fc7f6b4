import { describe, expect, it } from "vitest";
import { runFixture } from "./fixtures/spawn-fixture.js";

const SECRET = "Hunter2-Secret";

/** Runs the test fence agent as a process, fed `stdin` the way pacemaker-fenced feeds it. */
const fence = (stdin: string, args: string[] = []) => runFixture("agent-main.ts", { args: ["fence", ...args], stdin });

describe("mainFenceAgent", () => {
  it.concurrent.each([
    ["a failing handler that logs and throws it", `action=off\nport=node-1\npassword=${SECRET}\nverbose=1\n`, "Failed: Keystone rejected password ****"],
    ["a bad parameter next to it", `action=off\nport=node-1\npassword=${SECRET}\ndelay=soon\n`, "Failed: parameter delay must be a whole number of seconds, got 'soon'"],
    ["a malformed line holding it", `action=off\nport=node-1\npassword ${SECRET}\n`, "Failed: stdin line 3 is not key=value"],
    ["a missing plug", `action=off\npasswd=${SECRET}\nverbose=1\n`, "Failed: You have to enter plug number or machine identification (plug= or port=, -n)"],
  ])("never shows a stdin password, with %s", async (_title, stdin, lastLine) => {
    const result = await fence(stdin);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n").at(-1)).toBe(lastLine);
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it.concurrent("logs at debug level with the secret redacted when verbose", async () => {
    const result = await fence(`action=off\nport=node-1\npassword=${SECRET}\nverbose=1\n`);
    expect(result.stderr).toMatch(/debug: about to fail action=off params=\{.*"password":"\*\*\*\*".*\} password=\*\*\*\*\n/);
    expect(result.stderr).toContain("info: authenticating with **** action=off\n");
  });

  it.concurrent.each([
    ["warns on stderr about an unknown key", "action=monitor\nfoo=bar\n", /^\S+Z fence_kittest\[\d+\] warning: ignoring unknown option 'foo' action=monitor\n$/],
    ["is silent with quiet=1", "action=monitor\nfoo=bar\nquiet=1\n", /^$/],
  ])("%s", async (_title, stdin, stderr) => {
    const result = await fence(stdin);
    expect(result).toMatchObject({ code: 0, stdout: "" });
    expect(result.stderr).toMatch(stderr);
  });

  it.concurrent("takes argv over stdin and prints protocol output on stdout", async () => {
    const result = await fence("action=off\n", ["-o", "status", "-n", "off-node-2"]);
    expect(result).toMatchObject({ code: 2, stdout: "Status: OFF\n", stderr: "" });
  });
});

describe("mainResourceAgent", () => {
  it.concurrent("never shows a password from OCF_RESKEY_password when an action fails", async () => {
    const result = await runFixture("agent-main.ts", {
      args: ["ocf", "start"],
      env: { OCF_RESKEY_state_file: "/run/kit-test.state", OCF_RESKEY_password: SECRET, HA_debug: "1" },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n").at(-1)).toBe("ocf-exit-reason:Keystone rejected password ****");
    expect(result.stderr).toContain("debug: about to fail");
    expect(result.stderr).not.toContain(SECRET);
  });

  it.concurrent("answers no action with the usage on stdout and exit 2", async () => {
    const result = await runFixture("agent-main.ts", { args: ["ocf"] });
    expect(result).toMatchObject({
      code: 2, stdout: "usage: KitTest {start|stop|monitor|validate-all|meta-data|usage}\n", stderr: "ocf-exit-reason:no action given\n",
    });
  });
});
