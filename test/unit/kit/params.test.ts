import { describe, expect, it } from "vitest";
import {
  booleanParam, given, numberParam, parseParams, secretValues, stringParam, typedParams, type ParamSpec,
} from "../../../src/kit/params.js";
import { thrownAgentError } from "./fixtures/thrown.js";

const SPECS: readonly ParamSpec[] = [
  { name: "auth_url", type: "string", required: true, shortdesc: "Keystone URL" },
  { name: "region", type: "string", default: "RegionOne", shortdesc: "Region" },
  { name: "insecure", type: "boolean", default: false, shortdesc: "Skip TLS verification" },
  { name: "retries", type: "integer", default: 3, min: 1, shortdesc: "Attempts" },
  { name: "offset", type: "integer", shortdesc: "Any whole number" },
  { name: "timeout", type: "second", default: 60, min: 0, shortdesc: "Timeout" },
  {
    name: "endpoint_type", type: "string", default: "internal", choices: ["public", "internal", "admin"],
    normalize: (raw) => raw.replace(/URL$/, ""), shortdesc: "Interface",
  },
  { name: "password", type: "string", secret: true, choices: ["never-valid"], shortdesc: "Password" },
  { name: "pin", type: "integer", secret: true, min: 1000, shortdesc: "A secret number" },
  { name: "token", type: "string", secret: true, shortdesc: "A token" },
];

/** Parses `given` on top of the one required value. */
const parse = (given: Record<string, string>, specs = SPECS) =>
  parseParams(specs, new Map(Object.entries({ auth_url: "http://keystone:5000/v3", ...given })));

describe("parseParams", () => {
  it.each([
    ["a string is kept as given", { region: "RegionTwo" }, "region", "RegionTwo"],
    ["an empty string stays empty rather than taking the default", { region: "" }, "region", ""],
    ["an unset string takes its default", {}, "region", "RegionOne"],
    ["an unset string without default is undefined", {}, "token", undefined],
    ["an integer is parsed", { retries: "7" }, "retries", 7],
    ["an integer is trimmed", { retries: " 12 " }, "retries", 12],
    ["a negative integer is allowed without min", { offset: "-4" }, "offset", -4],
    ["an unset integer takes its default", {}, "retries", 3],
    ["an empty integer takes its default", { retries: "" }, "retries", 3],
    ["an integer at its min is accepted", { retries: "1" }, "retries", 1],
    ["seconds are parsed as plain numbers", { timeout: "45" }, "timeout", 45],
    ["seconds accept an 's' suffix", { timeout: "30s" }, "timeout", 30],
    ["an unset second takes its default", {}, "timeout", 60],
    ["a boolean is parsed", { insecure: "yes" }, "insecure", true],
    ["an unset boolean takes its default", {}, "insecure", false],
    ["an empty boolean takes its default", { insecure: "" }, "insecure", false],
    ["a choice is accepted", { endpoint_type: "admin" }, "endpoint_type", "admin"],
    ["normalize runs before choices are checked", { endpoint_type: "publicURL" }, "endpoint_type", "public"],
    ["an unset choice takes its default", {}, "endpoint_type", "internal"],
  ])("%s", (_title, given, name, expected) => {
    expect(parse(given)[name]).toStrictEqual(expected);
  });

  it.each([
    ["1", true], ["0", false], ["yes", true], ["no", false], ["true", true], ["false", false], ["on", true], ["off", false],
    ["YES", true], ["No", false], ["TRUE", true], ["False", false], ["ON", true], ["oFF", false],
  ])("boolean '%s' reads as %s", (raw, expected) => {
    expect(parse({ insecure: raw }).insecure).toBe(expected);
  });

  it.each([
    ["a required parameter that is unset", { auth_url: undefined }, "auth_url", "parameter auth_url is required but not set"],
    ["a required string that is empty", { auth_url: "" }, "auth_url", "parameter auth_url is required but not set"],
    ["a garbage boolean", { insecure: "maybe" }, "insecure", "parameter insecure must be a boolean (1/0, yes/no, true/false, on/off), got 'maybe'"],
    ["a boolean of 2", { insecure: "2" }, "insecure", "got '2'"],
    ["a misspelt boolean", { insecure: "yess" }, "insecure", "got 'yess'"],
    ["a word for an integer", { retries: "many" }, "retries", "parameter retries must be a whole number, got 'many'"],
    ["a fraction for an integer", { retries: "1.5" }, "retries", "got '1.5'"],
    ["an 's' suffix on a plain integer", { retries: "3s" }, "retries", "got '3s'"],
    ["an integer below its min", { retries: "0" }, "retries", "parameter retries must be at least 1, got 0"],
    ["a second that is not a number", { timeout: "soon" }, "timeout", "parameter timeout must be a whole number of seconds, got 'soon'"],
    ["a negative second", { timeout: "-5s" }, "timeout", "parameter timeout must be at least 0, got -5"],
    ["a value outside the choices", { endpoint_type: "internalish" }, "endpoint_type", "parameter endpoint_type must be one of public, internal, admin, got 'internalish'"],
    ["a multi-line value", { retries: "1\n2" }, "retries", "got '1\\n2'"],
  ])("%s is one configured error that names the parameter", (_title, given, name, message) => {
    const error = thrownAgentError(() => parse(given as Record<string, string>));
    expect(error.kind).toBe("configured");
    expect(error.message).toContain(`parameter ${name} `);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain("\n");
  });

  it.each([
    ["a secret outside its choices", { password: "Hunter2-Secret" }, "Hunter2-Secret"],
    ["a secret that is not a number", { pin: "Hunter2-Secret" }, "Hunter2-Secret"],
    ["a secret below its min", { pin: "987" }, "987"],
  ])("%s is reported without its value", (_title, given, secret) => {
    const error = thrownAgentError(() => parse(given));
    expect(error.message).toMatch(/^parameter (password|pin) .*\(hidden\)$/);
    expect(error.message).not.toContain(secret);
  });

  it("reports the first bad parameter in table order", () => {
    expect(thrownAgentError(() => parse({ retries: "x", timeout: "y" })).message).toContain("parameter retries ");
  });

  it("accepts a required parameter that has a default without a value", () => {
    const specs: ParamSpec[] = [{ name: "mode", type: "string", required: true, default: "auto", shortdesc: "Mode" }];
    expect(parseParams(specs, new Map())).toEqual({ mode: "auto" });
  });

  it("ignores raw values that no parameter declares", () => {
    expect(parse({ unknown_key: "x" })).not.toHaveProperty("unknown_key");
  });
});

describe("values too large or too long", () => {
  it.each([
    ["a second of 2^31 ms", { timeout: "2147484" }],
    ["a second far above any timer", { timeout: "99999999999" }],
  ])("%s is refused at validation, with the maximum in a one-line error", (_title, given) => {
    const error = thrownAgentError(() => parse(given));
    expect(error.kind).toBe("configured");
    expect(error.message).toMatch(/^parameter timeout must be at most 2147483 \(.*\), got \d+$/);
  });

  it("accepts the largest second a timer can wait", () => {
    expect(parse({ timeout: "2147483" }).timeout).toBe(2147483);
  });

  it("honours a smaller max of the table", () => {
    const specs: ParamSpec[] = [{ name: "retries", type: "integer", max: 10, shortdesc: "Attempts" }];
    expect(thrownAgentError(() => parseParams(specs, new Map([["retries", "11"]]))).message).toMatch(/^parameter retries must be at most 10, got 11$/);
  });

  it.each([
    ["a boolean", { insecure: "y".repeat(70_000) }],
    ["an integer", { retries: "9".repeat(70_000) }],
    ["a choice", { endpoint_type: "x".repeat(70_000) }],
  ])("an invalid %s of 70 KB is echoed cut short", (_title, given) => {
    const error = thrownAgentError(() => parse(given));
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toMatch(/\.\.\.' \(70000 characters\)$/);
  });
});

describe("lenient parsing (stop, monitor)", () => {
  it("gives a malformed value its default, says so once, and keeps every other value", () => {
    const warnings: string[] = [];
    const values = parseParams(SPECS, new Map([["auth_url", "http://k:5000/v3"], ["timeout", "60x"], ["region", "RegionTwo"]]), {
      onInvalid: (message) => warnings.push(message),
    });
    expect(values).toMatchObject({ timeout: 60, region: "RegionTwo", auth_url: "http://k:5000/v3" });
    expect(warnings).toEqual(["parameter timeout must be a whole number of seconds, got '60x'; using its default 60"]);
  });

  it("reports a required parameter that is unset and carries on", () => {
    const warnings: string[] = [];
    expect(parseParams(SPECS, new Map(), { onInvalid: (message) => warnings.push(message) }).auth_url).toBeUndefined();
    expect(warnings).toEqual(["parameter auth_url is required but not set"]);
  });
});

describe("secretValues", () => {
  it("lists the non-empty values of secret parameters only", () => {
    const values = parse({ token: "tok-123", region: "RegionTwo" });
    expect(secretValues(SPECS, values)).toEqual(["tok-123"]);
    expect(secretValues(SPECS, parse({ token: "" }))).toEqual([]);
  });
});

describe("typed readers", () => {
  const values = parse({ region: "", retries: "9", insecure: "on", token: "abc" });

  it.each([
    ["stringParam reads a set string", stringParam(values, "token"), "abc"],
    ["stringParam treats an empty string as unset", stringParam(values, "region"), undefined],
    ["stringParam ignores non-strings", stringParam(values, "retries"), undefined],
    ["numberParam reads a number", numberParam(values, "retries", 1), 9],
    ["numberParam falls back for a non-number", numberParam(values, "token", 5), 5],
    ["booleanParam reads true", booleanParam(values, "insecure"), true],
    ["booleanParam reads anything else as false", booleanParam(values, "token"), false],
  ])("%s", (_title, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe("typedParams", () => {
  const TABLE = [
    { name: "stop_timeout", type: "second", default: 60, shortdesc: "Grace" },
    { name: "command", type: "string", shortdesc: "Command" },
    { name: "wait_only", type: "boolean", default: false, shortdesc: "Gate only" },
  ] as const satisfies readonly ParamSpec[];

  it("reads parsed values by name, typed by the table", () => {
    const params = typedParams(TABLE, parseParams(TABLE, new Map([["stop_timeout", "5s"], ["command", "sleep 1"]])));
    const grace: number = params.stop_timeout;
    const command: string | undefined = params.command;
    expect([grace, command, params.wait_only]).toEqual([5, "sleep 1", false]);
    // @ts-expect-error a misspelt name does not compile
    expect(params.stop_timout).toBeUndefined();
  });

  it("gives values a caller left out the table's default", () => {
    expect(typedParams(TABLE, {})).toEqual({ stop_timeout: 60, command: undefined, wait_only: false });
  });

  it.each([["", undefined], [undefined, undefined], ["x", "x"]])("given(%j) is %j", (value, expected) => {
    expect(given(value)).toBe(expected);
  });
});
