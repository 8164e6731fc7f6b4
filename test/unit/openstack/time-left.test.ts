// The errors of a request stopped by the operation's signal: one line that says why, never a stack.
import { describe, expect, it } from "vitest";
import { stoppedError } from "../../../src/openstack/time-left.js";

const REQUEST = { service: "compute" as const, method: "GET", url: "http://nova:8774/v2.1/servers/detail?all_tenants=1" };

describe("stoppedError", () => {
  it("gives the first line of the abort reason, and says the operation was stopped", () => {
    const controller = new AbortController();
    controller.abort(new Error("\nPacemaker stopped the monitor\n    at AbortController.abort (node:internal:1:1)"));
    const error = stoppedError(REQUEST, controller.signal);
    expect(error.message).toMatch(/^GET \/v2\.1\/servers\/detail to Nova was stopped: Pacemaker stopped the monitor: the operation was stopped/);
    expect(error.message).not.toContain("AbortController.abort");
    expect(error.kind).toBe("timeout");
  });

  it("says aborted when the signal carries no reason, and quotes a reason that is not an Error", () => {
    expect(stoppedError(REQUEST, { reason: undefined } as AbortSignal).message).toContain("was stopped: aborted");
    expect(stoppedError(REQUEST, { reason: "SIGTERM" } as AbortSignal).message).toContain("was stopped: SIGTERM");
  });
});
