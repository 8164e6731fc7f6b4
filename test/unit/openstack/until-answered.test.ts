import { describe, expect, it } from "vitest";
import { OpenStackError } from "../../../src/openstack/errors.js";
import { untilAnswered } from "../../../src/openstack/until-answered.js";
import { memoryLogger } from "./fake-server.js";

const reset = (): OpenStackError => new OpenStackError({ kind: "unreachable", service: "compute", code: "ECONNRESET", what: "cannot reach Nova" });
const keystoneReset = (): OpenStackError => new OpenStackError({ kind: "unreachable", service: "identity", code: "ECONNRESET", what: "cannot reach Keystone" });
const refused = (): OpenStackError => new OpenStackError({ kind: "bad-request", status: 400, what: "Nova refused the request" });

/** A call that fails with `failures` in turn, then answers "ok"; counts its calls. */
function flaky(failures: Array<() => Error>): { call: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    call: async () => {
      const failure = failures[calls++];
      if (failure) throw failure();
      return "ok";
    },
    calls: () => calls,
  };
}

describe("untilAnswered", () => {
  it("tries a call again after each transient failure until it answers, logging a repeated failure once", async () => {
    const log = memoryLogger();
    const call = flaky([reset, reset, reset, reset]);
    await expect(untilAnswered(log.logger, "compute-1", "unfencing compute-1", call.call, { signal: new AbortController().signal, retryMs: 10 })).resolves.toBe("ok");
    expect(call.calls()).toBe(5);
    expect(log.lines.filter((line) => /unfencing compute-1: Nova did not answer; trying again/.test(String(line.msg)))).toHaveLength(1);
  });

  it("names the service that did not answer (Keystone, Nova, or OpenStack when the error does not say)", async () => {
    const log = memoryLogger();
    const unnamed = (): OpenStackError => new OpenStackError({ kind: "unreachable", code: "ECONNRESET", what: "cannot reach it" });
    const call = flaky([keystoneReset, reset, unnamed]);
    await untilAnswered(log.logger, "compute-1", "unfencing compute-1", call.call, { signal: new AbortController().signal, retryMs: 10 });
    expect(log.lines.map((line) => String(line.msg))).toEqual([
      "unfencing compute-1: Keystone did not answer; trying again",
      "unfencing compute-1: Nova did not answer; trying again",
      "unfencing compute-1: OpenStack did not answer; trying again",
    ]);
  });

  it("throws a failure that is not transient at once", async () => {
    const call = flaky([refused]);
    await expect(untilAnswered(memoryLogger().logger, "compute-1", "x", call.call, { signal: new AbortController().signal, retryMs: 10 })).rejects.toThrow(/refused/);
    expect(call.calls()).toBe(1);
  });

  it("without a signal makes one try", async () => {
    const call = flaky([reset]);
    await expect(untilAnswered(memoryLogger().logger, "compute-1", "x", call.call, {})).rejects.toThrow(/cannot reach Nova/);
    expect(call.calls()).toBe(1);
  });

  it("throws the last transient failure once the signal aborts", async () => {
    const abort = new AbortController();
    const call = flaky(Array.from({ length: 1_000 }, () => reset));
    setTimeout(() => abort.abort(), 100);
    await expect(untilAnswered(memoryLogger().logger, "compute-1", "x", call.call, { signal: abort.signal, retryMs: 10 })).rejects.toThrow(/ECONNRESET|cannot reach Nova/);
    expect(call.calls()).toBeGreaterThan(2);
  });
});
