import { describe, expect, it } from "vitest";
import { longOption, parseArgv, parseStdin } from "../../../../src/kit/fence/input.js";
import { parseParams } from "../../../../src/kit/params.js";
import { makeFenceTestAgent } from "../fixtures/fence-test-agent.js";
import { thrownAgentError } from "../fixtures/thrown.js";

const { params: SPECS } = makeFenceTestAgent().agent;

/** The raw values a parse produced, as a plain object. */
const rawOf = (input: { raw: Map<string, string> }): Record<string, string> => Object.fromEntries(input.raw);

describe("parseArgv", () => {
  it.each([
    ["short options with separate values", ["-o", "off", "-n", "node-1"], { action: "off", plug: "node-1" }],
    ["short options with attached values", ["-ooff", "-nnode-1"], { action: "off", plug: "node-1" }],
    ["long options with '='", ["--action=off", "--plug=node-1"], { action: "off", plug: "node-1" }],
    ["long options with a separate value", ["--action", "off", "--plug", "node-1"], { action: "off", plug: "node-1" }],
    ["an agent option by its long name", ["--auth-url", "http://k:5000/v3"], { auth_url: "http://k:5000/v3" }],
    ["an agent option by its short name", ["-k", "http://k:5000/v3"], { auth_url: "http://k:5000/v3" }],
    ["a multi-word common option", ["--plug-separator=+", "--verbose-level", "2"], { plug_separator: "+", verbose_level: "2" }],
    ["the list separator by -C", ["-C", ";"], { separator: ";" }],
    ["a boolean flag without a value", ["--insecure"], { insecure: "1" }],
    ["a boolean flag with '=0'", ["--insecure=0"], { insecure: "0" }],
    ["a boolean flag with '=false'", ["--insecure=false"], { insecure: "false" }],
    ["a boolean flag with a separate value", ["--insecure", "off"], { insecure: "off" }],
    ["a boolean flag followed by another option", ["--insecure", "-o", "on"], { insecure: "1", action: "on" }],
    ["-q", ["-q"], { quiet: "1" }],
    ["one -v", ["-v"], { verbose: "1", verbose_level: "1" }],
    ["stacked -vvv", ["-vvv"], { verbose: "1", verbose_level: "3" }],
    ["repeated -v", ["-v", "--verbose"], { verbose: "1", verbose_level: "2" }],
    ["-vv with an explicit --verbose-level", ["-vv", "--verbose-level=5"], { verbose: "1", verbose_level: "5" }],
    ["the deprecated --port", ["--port", "node-2"], { plug: "node-2" }],
    ["the deprecated --login and --passwd", ["--login=admin", "--passwd=pw"], { username: "admin", password: "pw" }],
    ["the deprecated --debug", ["--debug", "/tmp/fence.log"], { debug_file: "/tmp/fence.log" }],
    ["-l, -p and -D", ["-l", "admin", "-p", "pw", "-D", "/tmp/f.log"], { username: "admin", password: "pw", debug_file: "/tmp/f.log" }],
  ])("reads %s", (_title, argv, expected) => {
    const input = parseArgv(SPECS, argv);
    expect(rawOf(input)).toEqual(expected);
    expect(input).toMatchObject({ source: "argv", help: false, version: false, warnings: [] });
  });

  it.each([
    ["-h", "help"], ["--help", "help"], ["-V", "version"], ["--version", "version"],
  ])("recognises %s as %s", (flag, which) => {
    const input = parseArgv(SPECS, [flag]);
    expect({ help: input.help, version: input.version }).toEqual({ help: which === "help", version: which === "version" });
  });

  it.each([
    ["an unknown option", ["--bogus"], "unknown option '--bogus' (see --help)"],
    ["an unknown short option", ["-Z"], "unknown option '-Z' (see --help)"],
    ["a value given to a plain flag", ["--verbose=1"], "unknown option '--verbose=1'"],
    ["an option without its value", ["-o", "off", "--plug"], "--plug <id>' argument missing"],
    ["a positional argument", ["-o", "off", "node-1"], "too many arguments"],
  ])("rejects %s with one args error", (_title, argv, message) => {
    const error = thrownAgentError(() => parseArgv(SPECS, argv));
    expect(error.kind).toBe("args");
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/\(see --help\)$/);
    expect(error.message).not.toContain("\n");
  });

  it.each([
    [["--insecure"], true], [["--insecure=0"], false], [["--insecure=1"], true], [["--insecure=no"], false], [[], undefined],
  ])("types %j as insecure=%s", (argv, expected) => {
    expect(parseParams(SPECS, parseArgv(SPECS, argv).raw).insecure).toBe(expected);
  });

  it("types stacked -v as verbose with a level", () => {
    const values = parseParams(SPECS, parseArgv(SPECS, ["-vv"]).raw);
    expect({ verbose: values.verbose, level: values.verbose_level }).toEqual({ verbose: true, level: 2 });
  });
});

describe("parseStdin", () => {
  it.each([
    ["Pacemaker's block", "nodename=node-1\naction=reboot\nport=node-1\n", { nodename: "node-1", action: "reboot", plug: "node-1" }],
    ["a dash spelling", "auth-url=http://k/v3\nplug-separator=+\n", { auth_url: "http://k/v3", plug_separator: "+" }],
    ["an underscore spelling", "auth_url=http://k/v3\nplug_separator=+\n", { auth_url: "http://k/v3", plug_separator: "+" }],
    ["a dash spelling of an underscore name", "endpoint-type=public\n", { endpoint_type: "public" }],
    ["the deprecated login, passwd, port and debug", "login=admin\npasswd=pw\nport=node-2\ndebug=/tmp/f.log\n",
      { username: "admin", password: "pw", plug: "node-2", debug_file: "/tmp/f.log" }],
    ["a double-quoted value", 'password="pw with spaces"\n', { password: "pw with spaces" }],
    ["a lone quote as part of the value", 'username="admin\n', { username: '"admin' }],
    ["an empty quoted value", 'username=""\n', { username: "" }],
    ["a value containing '='", "password=a=b==\n", { password: "a=b==" }],
    ["spaces around key and value", "  action =  off  \n", { action: "off" }],
    ["comments and blank lines", "# written by hand\n\n   \n\t# indented comment\naction=on\n", { action: "on" }],
    ["CRLF line ends", "action=on\r\nport=node-3\r\n", { action: "on", plug: "node-3" }],
    ["a later line over an earlier one", "port=node-1\nplug=node-2\n", { plug: "node-2" }],
    ["no input at all", "", {}],
  ])("reads %s", (_title, text, expected) => {
    const input = parseStdin(SPECS, text);
    expect(rawOf(input)).toEqual(expected);
    expect(input).toMatchObject({ source: "stdin", help: false, version: false });
  });

  it("warns about unknown keys instead of failing", () => {
    const input = parseStdin(SPECS, "action=off\nfoo=bar\npcmk_host_list=a b\n");
    expect(input.warnings).toEqual(["ignoring unknown option 'foo'", "ignoring unknown option 'pcmk_host_list'"]);
    expect(rawOf(input)).toEqual({ action: "off" });
  });

  it("accepts nodename silently", () => {
    expect(parseStdin(SPECS, "nodename=node-1\n").warnings).toEqual([]);
  });

  it.each([
    ["a line without '='", "action=off\nnonsense\n", "stdin line 2 is not key=value"],
    ["a line that starts with '='", "=off\n", "stdin line 1 is not key=value"],
    ["a password line with a space instead of '='", "action=off\n\npassword Hunter2-Secret\n", "stdin line 3 is not key=value"],
  ])("rejects %s with one args error that does not echo the line", (_title, text, message) => {
    const error = thrownAgentError(() => parseStdin(SPECS, text));
    expect(error).toMatchObject({ kind: "args", message });
    expect(error.message).not.toContain("Hunter2");
  });

  it.each([
    ["insecure=0", false], ["insecure=1", true], ["insecure=off", false], ["insecure=TRUE", true], ["insecure=no", false],
  ])("types %s as %s", (line, expected) => {
    expect(parseParams(SPECS, parseStdin(SPECS, line).raw).insecure).toBe(expected);
  });

  it("rejects a garbage boolean when the values are typed", () => {
    expect(() => parseParams(SPECS, parseStdin(SPECS, "insecure=sometimes").raw)).toThrow(
      "parameter insecure must be a boolean (1/0, yes/no, true/false, on/off), got 'sometimes'",
    );
  });
});

describe("longOption", () => {
  it.each([
    [{ name: "auth_url" }, "auth-url"],
    [{ name: "plug" }, "plug"],
    [{ name: "tenant_name", long: "project-name" }, "project-name"],
  ])("spells %j as --%s", (spec, expected) => {
    expect(longOption({ type: "string", shortdesc: "x", ...spec })).toBe(expected);
  });
});
