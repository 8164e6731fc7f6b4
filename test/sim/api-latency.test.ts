import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { calibratedApiLatency } from "./api-latency.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 31, evacuateLatencyMs: 10 });

afterEach(() => {
  fx.sim.cloud.config.routeDelayMs = {};
});

/** Milliseconds one call takes. */
async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

describe("calibrated API latency", () => {
  it("gives every route the recovery uses a response time measured on the real Nova lab", () => {
    const { routeDelayMs, source } = calibratedApiLatency();
    for (const route of [
      "POST /identity/v3/auth/tokens", "GET /compute/v2.1/os-services", "PUT /compute/v2.1/os-services/{id}",
      "GET /compute/v2.1/servers/detail", "GET /compute/v2.1/os-migrations", "POST /compute/v2.1/servers/{id}/action",
    ]) expect(routeDelayMs[route], route).toBeGreaterThan(0);
    expect(source).toMatch(/calibration\.json, measured \d{4}-/);
  });

  it("says which measurement is missing when calibration.json lacks one", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-calibration-"));
    const path = join(dir, "calibration.json");
    writeFileSync(path, JSON.stringify({ measuredAt: "x", command: "y", calls: {}, evacuation: {} }));
    expect(() => calibratedApiLatency(pathToFileURL(path))).toThrow(/no measurement of "POST \/v3\/auth\/tokens"/);
  });

  it("delays the routes it names and only those", async () => {
    await fx.client.login();
    fx.sim.cloud.config.routeDelayMs = { "GET /compute/v2.1/os-services": 120 };
    expect(await timed(() => fx.client.nova("/os-services", { version: "2.53" }))).toBeGreaterThanOrEqual(115);
    expect(await timed(() => fx.client.nova("/os-hypervisors/detail", { version: "2.53" }))).toBeLessThan(100);
  });
});
