// Test helper: a recovery pass against the simulator's Nova and fake back-ends (Masakari, Mistral) over HTTP, with the real drivers.
import { afterEach, beforeEach } from "vitest";
import type { Logger } from "../../../src/kit/logger.js";
import type { OpenStackConnection } from "../../../src/openstack/connect.js";
import { createMasakariApi } from "../../../src/openstack/masakari/masakari-api.js";
import { createMistralApi } from "../../../src/openstack/mistral/mistral-api.js";
import type { DriverName } from "../../../src/recovery/drivers/driver-choice.js";
import { MasakariDriver } from "../../../src/recovery/drivers/masakari-driver.js";
import { MistralDriver } from "../../../src/recovery/drivers/mistral-driver.js";
import { parseNovaMarker } from "../../../src/recovery/host/nova-marker.js";
import type { PassDeps } from "../../../src/recovery/recovery-pass.js";
import type { FakeHandler } from "../openstack/fake-server.js";
import { startFakeBackends, type FakeBackends } from "../openstack/masakari/fake-backends.js";
import type { MemoryAttrd } from "./memory-attrd.js";
import { quiet, useSimulator, type Simulator } from "./sim-harness.js";

/** The controller node the passes run on. */
export const NODE = "ctl-1";

/** What a test gets: the simulator (3 hosts, 2 servers each, seeded before each test) and the fake back-ends it starts. */
export interface BackendPassBench {
  readonly sim: Simulator;
  readonly openstack: OpenStackConnection;
  /** Starts the fake back-ends with `handler`; they are closed after the test. */
  start(handler: FakeHandler): Promise<FakeBackends>;
  /** The pass's dependencies with recovery_driver `configured`, each back-end's driver new (another controller's, as it were). */
  deps(attrd: MemoryAttrd, configured: DriverName, options?: { stallAfterMs?: number; log?: Logger }): PassDeps;
  /** Our marker on a host's nova-compute service, parsed. */
  markerOf(host: string): ReturnType<typeof parseNovaMarker>;
  /** POSTs a back-end received (notifications, executions). */
  posts(service: "masakari" | "mistral"): number;
}

/** Registers the simulator and the fake back-ends in the calling describe block. */
export function useBackendPass(): BackendPassBench {
  let sim: Simulator | undefined;
  let openstack: OpenStackConnection | undefined;
  let fake: FakeBackends | undefined;
  useSimulator((bench) => ({ sim, openstack } = bench));
  beforeEach(() => {
    sim?.cloud.seed({ hosts: 3, serversPerHost: 2 });
    sim?.cloud.resetCounts();
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  const backends = (): FakeBackends => {
    if (!fake) throw new Error("start the fake back-ends first");
    return fake;
  };
  return {
    get sim() {
      return sim as Simulator;
    },
    get openstack() {
      return openstack as OpenStackConnection;
    },
    start: async (handler) => (fake = await startFakeBackends(handler)),
    deps: (attrd, configured, options = {}) => ({
      openstack: openstack as OpenStackConnection, attrd, log: options.log ?? quiet, node: NODE, failures: new Map(),
      drivers: {
        configured, stallAfterMs: options.stallAfterMs ?? 60_000, onSharedStorage: false,
        driverFor: (name) => (name === "masakari" ? new MasakariDriver(createMasakariApi(backends().session("masakari"))) : new MistralDriver(createMistralApi(backends().session("mistral")))),
      },
    }),
    markerOf: (host) => parseNovaMarker((sim as Simulator).cloud.services().find((service) => service.host === host && service.binary === "nova-compute")?.disabledReason),
    posts: (service) => backends().calls(service).filter((c) => c.method === "POST").length,
  };
}
