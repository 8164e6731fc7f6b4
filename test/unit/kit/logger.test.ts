import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, registerSecrets, scrubSecrets, type LoggerOptions } from "../../../src/kit/logger.js";
import { tempDir } from "./fixtures/capture-log.js";

const dir = tempDir("kit-logger-");

/** Logs through a logger writing to a fresh temp file, and returns what reached the file. */
function logged(options: Omit<LoggerOptions, "fd">, write: (log: ReturnType<typeof createLogger>) => void): string {
  const path = join(dir, `log-${process.hrtime.bigint()}`);
  const fd = openSync(path, "w");
  try {
    write(createLogger({ ...options, fd }));
  } finally {
    closeSync(fd);
  }
  return readFileSync(path, "utf8");
}

/** The JSON records a json-format logger wrote. */
const records = (text: string): Record<string, unknown>[] => text.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("createLogger", () => {
  it("writes only to the file descriptor it was given, never to stdout", () => {
    const stdout = vi.spyOn(process.stdout, "write");
    const text = logged({ name: "fence_x", format: "json" }, (log) => log.info("hello"));
    expect(records(text)).toEqual([expect.objectContaining({ msg: "hello", name: "fence_x", level: 30, pid: process.pid })]);
    expect(stdout).not.toHaveBeenCalled();
  });

  it("writes one human line per record: time, agent[pid], level, message, fields", () => {
    const text = logged({ name: "NovaEvacuate", format: "human" }, (log) => {
      log.warn({ host: "compute-1", reason: "two words" }, "evacuation delayed");
      log.child({ action: "monitor" }).error("nova unreachable");
    });
    const lines = text.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z NovaEvacuate\[\d+\] warning: evacuation delayed host=compute-1 reason="two words"$/);
    expect(lines[1]).toMatch(/^\S+Z NovaEvacuate\[\d+\] error: nova unreachable action=monitor$/);
    expect(lines[2]).toBe("");
  });

  it.each([
    ["the human format by default", {}, /^\S+Z kit\[\d+\] info: hi\n$/],
    ["json when NOVA_HA_LOG_FORMAT=json", { NOVA_HA_LOG_FORMAT: "json" }, /^\{"level":30,"time":\d+,"pid":\d+,"name":"kit","msg":"hi"\}\n$/],
    ["human when NOVA_HA_LOG_FORMAT is something else", { NOVA_HA_LOG_FORMAT: "xml" }, /^\S+Z kit\[\d+\] info: hi\n$/],
  ])("uses %s", (_title, env, pattern) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    expect(logged({ name: "kit" }, (log) => log.info("hi"))).toMatch(pattern);
  });

  it.each([
    ["info by default", {}, {}, ["info", "warn"]],
    ["debug with verbose", { verbose: true }, {}, ["debug", "info", "warn"]],
    ["debug with HA_debug=1", {}, { HA_debug: "1" }, ["debug", "info", "warn"]],
    ["info with HA_debug=0", {}, { HA_debug: "0" }, ["info", "warn"]],
  ])("logs at %s", (_title, options, env, expected) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const text = logged({ name: "kit", format: "json", ...options }, (log) => {
      log.trace("trace");
      log.debug("debug");
      log.info("info");
      log.warn("warn");
    });
    expect(records(text).map((record) => record.msg)).toEqual(expected);
  });

  it.each([
    ["password", { password: "pw-value-1" }],
    ["passwd", { passwd: "pw-value-2" }],
    ["token", { token: "tok-value-3" }],
    ["secret", { secret: "sec-value-4" }],
    ["a nested password", { auth: { password: "pw-value-5" } }],
    ["a nested application credential secret", { auth: { application_credential_secret: "sec-value-6" } }],
    ["a nested token", { session: { token: "tok-value-7" } }],
    ["the X-Auth-Token header", { headers: { "x-auth-token": "tok-value-8" } }],
    ["the X-Subject-Token header", { headers: { "x-subject-token": "tok-value-9" } }],
  ])("redacts %s by key", (_title, fields) => {
    const text = logged({ name: "kit", format: "json" }, (log) => log.info(fields, "fields"));
    expect(text).not.toMatch(/(pw|tok|sec)-value-\d/);
    expect(text).toContain('"****"');
  });

  it.each([["json"], ["human"]] as const)("scrubs registered secret values from %s messages and fields", (format) => {
    registerSecrets(["Registered-S3cret", ""]);
    const text = logged({ name: "kit", format }, (log) => {
      log.error("keystone said no to Registered-S3cret");
      log.info({ detail: "body: password=Registered-S3cret" }, "detail");
    });
    expect(text).not.toContain("Registered-S3cret");
    expect(text.match(/\*\*\*\*/g)).toHaveLength(2);
  });

  it("leaves other text alone", () => {
    const text = logged({ name: "kit", format: "json" }, (log) => log.info({ username: "admin" }, "plain"));
    expect(records(text)[0]).toMatchObject({ msg: "plain", username: "admin" });
  });
});

describe("scrubSecrets", () => {
  it.each([
    ["every occurrence of a registered value", "a Scrub-Me-1 b Scrub-Me-1", "a **** b ****"],
    ["several registered values", "Scrub-Me-1/Scrub-Me-2", "****/****"],
    ["nothing when no secret occurs", "harmless text", "harmless text"],
    ["no values shorter than three characters", "ab is too short to matter", "ab is too short to matter"],
  ])("replaces %s", (_title, text, expected) => {
    registerSecrets(["Scrub-Me-1", "Scrub-Me-2", "ab"]);
    expect(scrubSecrets(text)).toBe(expected);
  });
});
