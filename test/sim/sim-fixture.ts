// Vitest fixture: one simulator (and an admin client) per test file, optionally reseeded before each test.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { CloudSeed } from "./cloud-seed.js";
import { type SimOptions, type Simulator, startSimulator } from "./index.js";
import { SimClient } from "./sim-client.js";

/** The running simulator and a client logged in as admin (set once beforeAll has run). */
export interface SimFixture {
  readonly sim: Simulator;
  readonly client: SimClient;
}

/** Starts a simulator before the file's tests and stops it after; with `reseed`, every test starts from that cloud. */
export function useSimulator(options: SimOptions, reseed?: CloudSeed): SimFixture {
  const fixture = {} as { sim: Simulator; client: SimClient };
  beforeAll(async () => {
    fixture.sim = await startSimulator(options);
    fixture.client = new SimClient(fixture.sim);
  });
  afterAll(() => fixture.sim.stop());
  if (reseed) {
    beforeEach(() => {
      fixture.sim.cloud.clock.resetOffset();
      fixture.sim.cloud.seed(reseed);
    });
  }
  return fixture;
}
