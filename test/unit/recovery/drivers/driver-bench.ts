// Test helper: fake back-ends (Keystone, Masakari, Mistral) started by each test and closed after it, and the APIs
// and drivers on a fresh session to them.
import { afterEach } from "vitest";
import { createMasakariApi, type MasakariApi } from "../../../../src/openstack/masakari/masakari-api.js";
import { createMistralApi } from "../../../../src/openstack/mistral/mistral-api.js";
import { MasakariDriver } from "../../../../src/recovery/drivers/masakari-driver.js";
import { MistralDriver } from "../../../../src/recovery/drivers/mistral-driver.js";
import type { FakeHandler } from "../../openstack/fake-server.js";
import { startFakeBackends, type FakeBackends } from "../../openstack/masakari/fake-backends.js";

/** What a test gets from the bench. */
export interface DriverBench {
  /** Starts the fake back-ends with `handler` for the back-ends' requests; they are closed after the test. */
  start(handler: FakeHandler): Promise<FakeBackends>;
  /** The Masakari API on a new session to the running fake. */
  masakariApi(): MasakariApi;
  /** A Masakari driver on a new session (a second controller's, when called twice). */
  masakari(): MasakariDriver;
  /** A Mistral driver on a new session. */
  mistral(): MistralDriver;
}

/** Registers the bench's clean-up in the calling test file and returns the bench. */
export function useDriverBench(): DriverBench {
  let fake: FakeBackends | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  const running = (): FakeBackends => {
    if (!fake) throw new Error("start the fake back-ends first");
    return fake;
  };
  const masakariApi = (): MasakariApi => createMasakariApi(running().session("masakari"));
  return {
    start: async (handler) => (fake = await startFakeBackends(handler)),
    masakariApi,
    masakari: () => new MasakariDriver(masakariApi()),
    mistral: () => new MistralDriver(createMistralApi(running().session("mistral"))),
  };
}
